package dev.secateur.tensor.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix transposes ({@code y[c, r] = x[r, c]}) between the sample-major and feature-major
 * layouts of a batch. With 16-lane vectors each 16 × 16 block goes through registers: each half of
 * its rows takes {@link Transpose8x16} (three rounds of two-vector lane selections) into a small
 * scratch block, and one more round pairs the halves into whole 16-row columns — where a scalar
 * copy issues 256 loads and 256 stores per block. Other widths, and the edges, copy in scalar
 * code, tile by tile.
 */
public final class Transposes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Whether 16 × 16 blocks are transposed in registers here. */
    public static final boolean BLOCKS = Transpose8x16.SUPPORTED;
    /** Side of a block. */
    static final int B = 16;
    /** Floats of the scratch a block needs: its two transposed halves. */
    public static final int SCRATCH = B * B;
    /** Side of a cache tile of the scalar path. */
    private static final int TILE = 32;
    /** Lanes 0–7 of both halves, or lanes 8–15 of both: one column of 16 rows from two of 8. */
    private static final IntVector FIRST = BLOCKS ? pairing(0) : null, SECOND = BLOCKS ? pairing(8) : null;
    private static final ThreadLocal<float[]> SCRATCHES = ThreadLocal.withInitial(() -> new float[SCRATCH]);

    private Transposes() {}

    /** This thread's scratch for {@link #block} ({@link #SCRATCH} floats), the one {@link #matrix} uses. */
    public static float[] scratch() {
        return SCRATCHES.get();
    }

    /** {@code y[yo + c·rows + r] = x[xo + r·cols + c]}: the row-major {@code rows × cols} x, transposed. */
    public static void matrix(float[] x, int xo, int rows, int cols, float[] y, int yo) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + " x " + cols);
        int rowsB = BLOCKS ? rows - rows % B : 0, colsB = BLOCKS ? cols - cols % B : 0;
        if (rowsB > 0 && colsB > 0) {
            float[] scratch = SCRATCHES.get();
            for (int r0 = 0; r0 < rowsB; r0 += B) {
                for (int c0 = 0; c0 < colsB; c0 += B) block(x, xo + r0 * cols + c0, cols, y, yo + c0 * rows + r0, rows, scratch);
            }
        }
        scalar(x, xo, rows, cols, y, yo, rowsB, colsB);
    }

    /**
     * {@code dst[d + c·ldd + r] = x[s + r·ld + c]} for {@code r, c < 16}: one 16 × 16 block, through
     * {@code scratch} ({@link #SCRATCH} floats); only where {@link #BLOCKS}.
     */
    static void block(float[] x, int s, int ld, float[] dst, int d, int ldd, float[] scratch) {
        halves(x, s, ld, scratch);
        for (int k = 0; k < 8; k++) {
            IntVector lo = FloatVector.fromArray(S, scratch, 16 * k).reinterpretAsInts();
            IntVector hi = FloatVector.fromArray(S, scratch, 128 + 16 * k).reinterpretAsInts();
            FIRST.selectFrom(lo, hi).reinterpretAsFloats().intoArray(dst, d + 2 * k * ldd);
            SECOND.selectFrom(lo, hi).reinterpretAsFloats().intoArray(dst, d + (2 * k + 1) * ldd);
        }
    }

    /**
     * {@link #block} into an off-heap buffer: the 16 floats at byte {@code dst + c·rowBytes} of
     * {@code buf} are column c of the block, {@code x[s + r·ld + c]} for {@code r < 16}. Only where
     * {@link #BLOCKS}; {@code scratch} holds {@link #SCRATCH} floats.
     */
    public static void block(float[] x, int s, int ld, MemorySegment buf, long dst, long rowBytes, float[] scratch) {
        halves(x, s, ld, scratch);
        for (int k = 0; k < 8; k++) {
            IntVector lo = FloatVector.fromArray(S, scratch, 16 * k).reinterpretAsInts();
            IntVector hi = FloatVector.fromArray(S, scratch, 128 + 16 * k).reinterpretAsInts();
            FIRST.selectFrom(lo, hi).reinterpretAsFloats().intoMemorySegment(buf, dst + 2 * k * rowBytes, NATIVE);
            SECOND.selectFrom(lo, hi).reinterpretAsFloats().intoMemorySegment(buf, dst + (2 * k + 1) * rowBytes, NATIVE);
        }
    }

    /**
     * Rows 0–7 and 8–15, each as 16 columns of 8 ({@link Transpose8x16#rows}): vector k of a half
     * (at {@code scratch[16k]} and {@code scratch[128 + 16k]}) holds columns 2k and 2k + 1. The
     * halves are read back in {@link #block} itself, not in a helper returning a vector: where the
     * JIT leaves such a helper out of line, every vector it returns becomes an object.
     */
    private static void halves(float[] x, int s, int ld, float[] scratch) {
        Transpose8x16.strided(x, s, ld, scratch, 0);
        Transpose8x16.strided(x, s + 8 * ld, ld, scratch, 128);
    }

    /** The scalar part: everything outside the first {@code rowsB × colsB} floats, in cache tiles. */
    private static void scalar(float[] x, int xo, int rows, int cols, float[] y, int yo, int rowsB, int colsB) {
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    // Columns below colsB of rows below rowsB are the blocks' part.
                    for (int c = r < rowsB ? Math.max(c0, colsB) : c0, src = xo + r * cols + c; c < c1; c++, src++) {
                        y[yo + c * rows + r] = x[src];
                    }
                }
            }
        }
    }

    /** Lanes {@code from … from + 7} of the first vector, then the same lanes of the second. */
    private static IntVector pairing(int from) {
        int[] idx = new int[16];
        for (int l = 0; l < 16; l++) idx[l] = (l < 8 ? 0 : 16) + from + l % 8;
        return IntVector.fromArray(IntVector.SPECIES_512, idx, 0);
    }
}
