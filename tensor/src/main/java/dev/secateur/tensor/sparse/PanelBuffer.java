package dev.secateur.tensor.sparse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Each thread's 64-byte aligned buffer for one block of X ({@link PanelCsrMatrix#PANEL} rows ×
 * {@link PanelCsrMatrix#CHUNK} floats): off-heap, because only there can a Java program choose
 * the alignment. Allocated once per thread, freed with it (automatic arena).
 */
final class PanelBuffer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long BYTES = (long) PanelCsrMatrix.PANEL * PanelCsrMatrix.CHUNK * Float.BYTES;
    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BYTES, 64));

    private PanelBuffer() {}

    static MemorySegment get() {
        return BUFFER.get();
    }

    /** Row kk of the buffer = {@code x[at + kk·n, +width)}, zero past the width; {@code rows} rows. */
    static void fill(MemorySegment buf, float[] x, int at, int n, int rows, int width) {
        long row = (long) PanelCsrMatrix.CHUNK * Float.BYTES;
        for (int kk = 0; kk < rows; kk++, at += n) {
            long dst = kk * row;
            for (int v = 0; v < PanelCsrMatrix.CHUNK; v += L) {
                if (v + L <= width) {
                    FloatVector.fromArray(S, x, at + v).intoMemorySegment(buf, dst + (long) v * Float.BYTES, NATIVE);
                } else {
                    VectorMask<Float> m = S.indexInRange(v, width);
                    FloatVector.fromArray(S, x, at + v, m).intoMemorySegment(buf, dst + (long) v * Float.BYTES, NATIVE);
                }
            }
        }
    }
}
