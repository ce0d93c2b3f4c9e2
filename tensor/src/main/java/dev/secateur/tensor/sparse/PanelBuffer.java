package dev.secateur.tensor.sparse;

import dev.secateur.tensor.kernels.Transposes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Each thread's 64-byte aligned buffer for one block of X ({@link PanelCsrMatrix#PANEL} rows ×
 * {@link PanelCsrMatrix#CHUNK} floats): off-heap, because only there can a Java program choose
 * the alignment. Allocated once per thread, freed with it (automatic arena).
 */
final class PanelBuffer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Full chunks are transposed in register blocks: 16-lane vectors with two-vector permutes. */
    private static final boolean BLOCKS = L == 16 && Transposes.BLOCKS;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long BYTES = (long) PanelCsrMatrix.PANEL * PanelCsrMatrix.CHUNK * Float.BYTES;
    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BYTES, 64));

    private PanelBuffer() {}

    static MemorySegment get() {
        return BUFFER.get();
    }

    /**
     * Row kk of the buffer = {@code x[at + kk·n, +width)}, zero past the width; {@code rows} rows.
     * Bulk copies, not vector loads and stores: a copy holds no vector, so it cannot fall into the
     * Vector API's boxed fallback, which C2 can pick for such a loop when the library call sites it
     * inlines have also seen other vector shapes and heap segments (docs/bench/sparse.md).
     */
    static void fill(MemorySegment buf, float[] x, int at, int n, int rows, int width) {
        long row = (long) PanelCsrMatrix.CHUNK * Float.BYTES, used = (long) width * Float.BYTES;
        for (int kk = 0; kk < rows; kk++, at += n) {
            long dst = kk * row;
            MemorySegment.copy(x, at, buf, ValueLayout.JAVA_FLOAT_UNALIGNED, dst, width);
            if (used < row) buf.asSlice(dst + used, row - used).fill((byte) 0);
        }
    }

    /**
     * Row kk of the buffer = input column kk of {@code width} consecutive samples of {@code cols}
     * floats each: {@code x[at + offsets[j] + kk]} (offsets[j] = j·cols), zero past the width;
     * {@code rows} rows. A full chunk is transposed in 16 × 16 register blocks where vectors have
     * 16 lanes with two-vector permutes ({@link Transposes#block}), and its remaining rows (or all of
     * them elsewhere) take one strided (gather) load per vector; a last, narrower chunk is copied
     * in scalar code (a masked gather still range-checks its unset lanes).
     */
    static void fillFromSamples(MemorySegment buf, float[] x, int at, int rows, int width, int[] offsets) {
        long row = (long) PanelCsrMatrix.CHUNK * Float.BYTES;
        if (width == PanelCsrMatrix.CHUNK) {
            int blocked = BLOCKS ? rows - rows % 16 : 0;
            float[] scratch = blocked > 0 ? Transposes.scratch() : null;
            for (int kk = 0; kk < blocked; kk += 16) {
                for (int j = 0; j < PanelCsrMatrix.CHUNK; j += 16) {
                    // Samples j .. j + 15 are rows offsets[1] floats apart.
                    Transposes.block(x, at + kk + offsets[j], offsets[1], buf, kk * row + (long) j * Float.BYTES, row, scratch);
                }
            }
            for (int kk = blocked; kk < rows; kk++) {
                long dst = kk * row;
                for (int v = 0; v < PanelCsrMatrix.CHUNK; v += L) {
                    FloatVector.fromArray(S, x, at + kk, offsets, v).intoMemorySegment(buf, dst + (long) v * Float.BYTES, NATIVE);
                }
            }
            return;
        }
        for (int kk = 0; kk < rows; kk++) {
            long dst = kk * row;
            for (int j = 0; j < PanelCsrMatrix.CHUNK; j++) {
                buf.set(ValueLayout.JAVA_FLOAT_UNALIGNED, dst + (long) j * Float.BYTES, j < width ? x[at + offsets[j] + kk] : 0f);
            }
        }
    }
}
