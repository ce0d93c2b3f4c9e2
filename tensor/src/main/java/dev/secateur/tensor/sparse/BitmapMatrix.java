package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;

/**
 * Groups of 16 output rows; per group and per input column that has any kept entry, a 16-bit
 * mask of which of the 16 rows are kept, the column as a 16-bit delta ({@link DeltaIndex}), and
 * the kept values packed in row order. Columns with no kept entry in a group cost nothing, so the
 * batch-1 kernel's iteration count falls with sparsity (≈ 44% of columns are empty per group at
 * 95% unstructured sparsity).
 *
 * <p>Batch-1 kernel: per column, load 16 packed values, {@code expand} them to their rows with a
 * {@code VectorMask} made from the bits, FMA with the broadcast input — branch-free. The values
 * array carries 16 floats of padding so that load never runs past its end. Always 16-lane
 * (512-bit) vectors: that is the format.
 */
public final class BitmapMatrix extends AbstractSparseMatrix implements SparseMatrix {
    static final int GROUP = 16;
    final float[] values;
    final char[] deltas;
    final char[] masks;
    final int[] colPtr;
    final int[] valuePtr;

    private BitmapMatrix(int rows, int cols, long nonZeros, float[] values, char[] deltas, char[] masks,
                         int[] colPtr, int[] valuePtr) {
        super(rows, cols, nonZeros, partition(colPtr, valuePtr));
        this.values = values;
        this.deltas = deltas;
        this.masks = masks;
        this.colPtr = colPtr;
        this.valuePtr = valuePtr;
    }

    private static Partition partition(int[] colPtr, int[] valuePtr) {
        long[] work = new long[colPtr.length - 1];
        for (int g = 0; g < work.length; g++) {
            work[g] = 4L * (colPtr[g + 1] - colPtr[g]) + (valuePtr[g + 1] - valuePtr[g]);
        }
        return Partition.of(work);
    }

    /** Bitmap groups over the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static BitmapMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** Bitmap groups over the entries where {@code mask} is true; a null mask keeps the non-zeros. */
    public static BitmapMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("bitmap16", dense, rows, cols, mask);
        int groups = (rows + GROUP - 1) / GROUP;
        int[] colPtr = new int[groups + 1];
        int[] valuePtr = new int[groups + 1];
        DeltaIndex index = new DeltaIndex(1);
        for (int g = 0; g < groups; g++) {
            index.startRow();
            int at = colPtr[g], kept = 0;
            for (int c = 0; c < cols; c++) {
                int bits = bits(src, g, c);
                if (bits != 0) {
                    at = index.add(c, null, at);
                    kept += Integer.bitCount(bits);
                }
            }
            colPtr[g + 1] = at;
            valuePtr[g + 1] = Math.addExact(valuePtr[g], kept);
        }
        float[] values = new float[Math.addExact(valuePtr[groups], GROUP)];
        char[] deltas = new char[colPtr[groups]];
        char[] masks = new char[colPtr[groups]];
        for (int g = 0; g < groups; g++) {
            index.startRow();
            int at = colPtr[g], p = valuePtr[g];
            for (int c = 0; c < cols; c++) {
                int bits = bits(src, g, c);
                if (bits == 0) continue;
                at = index.add(c, deltas, at);
                masks[at - 1] = (char) bits;
                for (int i = 0; i < GROUP; i++) {
                    if ((bits & (1 << i)) != 0) values[p++] = dense[(g * GROUP + i) * cols + c];
                }
            }
        }
        return new BitmapMatrix(rows, cols, valuePtr[groups], values, deltas, masks, colPtr, valuePtr);
    }

    private static int bits(WeightSource src, int g, int c) {
        int bits = 0;
        for (int i = 0; i < GROUP && g * GROUP + i < src.rows; i++) if (src.kept(g * GROUP + i, c)) bits |= 1 << i;
        return bits;
    }

    @Override public long byteSize() {
        return 4L * values.length + 2L * deltas.length + 2L * masks.length + 4L * colPtr.length + 4L * valuePtr.length;
    }

    /**
     * Whether its kernels run as SIMD code here: they are written for 16 float lanes (512-bit
     * vectors, AVX-512), and a species wider than the JVM's vectors runs hundreds of times slower.
     */
    public static boolean runsHere() {
        return VectorPlatform.supportsLanes(16);
    }

    @Override public String format() { return "bitmap16"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int g = 0; g < colPtr.length - 1; g++) {
            int c = 0, p = valuePtr[g];
            for (int q = colPtr[g]; q < colPtr[g + 1]; q++) {
                c += deltas[q];
                int bits = masks[q];
                for (int i = 0; i < GROUP; i++) {
                    if ((bits & (1 << i)) != 0) d[(g * GROUP + i) * cols + c] = values[p++];
                }
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        BitmapKernels.vector(this, x, xOff, y, yOff, bias, relu, u0, u1);
    }

    @Override void batchRange(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu,
                              int u0, int u1) {
        BitmapKernels.batch(this, x, xOff, batch, y, yOff, bias, relu, u0, u1);
    }
}
