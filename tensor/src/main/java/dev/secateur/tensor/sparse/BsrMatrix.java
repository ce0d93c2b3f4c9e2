package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;

/**
 * Block-sparse rows with R×1 blocks (R = 4, 8 or 16 output rows by one input column), the XNNPACK
 * SpMM layout: per block row (R consecutive output rows) the 16-bit column deltas of its
 * non-zero blocks ({@link DeltaIndex}) and R contiguous values per block. A block is stored when
 * any of its R entries is kept; its other entries are stored as zeros. The last block row is
 * padded with zero rows when M is not a multiple of R.
 *
 * <p>Kernels: batch 1 keeps the R outputs of a block row in one R-lane vector (one load, one
 * broadcast of x[k] and one FMA per block); batch N keeps a 4-row × 4-vector tile of outputs in
 * 16 registers and loads each input row once per 4 output rows.
 */
public final class BsrMatrix extends AbstractSparseMatrix implements SparseMatrix {
    final int blockRows;
    final float[] values;
    final char[] deltas;
    final int[] blockPtr;
    private final int r;

    private BsrMatrix(int rows, int cols, int r, long nonZeros, float[] values, char[] deltas, int[] blockPtr) {
        super(rows, cols, nonZeros, Partition.ofPointers(blockPtr, r));
        this.r = r;
        this.blockRows = blockPtr.length - 1;
        this.values = values;
        this.deltas = deltas;
        this.blockPtr = blockPtr;
    }

    /** R×1 blocks over the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static BsrMatrix from(float[] dense, int rows, int cols, int blockRows) {
        return from(dense, rows, cols, null, blockRows);
    }

    /**
     * R×1 blocks ({@code blockRows} = R, 4, 8 or 16) over the entries where {@code mask} is true; a
     * null mask keeps the non-zero entries.
     */
    public static BsrMatrix from(float[] dense, int rows, int cols, boolean[] mask, int blockRows) {
        String name = "bsr" + blockRows + "x1";
        if (blockRows != 4 && blockRows != 8 && blockRows != 16) {
            throw new IllegalArgumentException(name + ": block height must be 4, 8 or 16, got " + blockRows);
        }
        WeightSource src = WeightSource.of(name, dense, rows, cols, mask);
        int r = blockRows;
        int nbr = (rows + r - 1) / r;
        int[] ptr = new int[nbr + 1];
        DeltaIndex index = new DeltaIndex(1);
        long kept = 0;
        for (int br = 0; br < nbr; br++) {
            index.startRow();
            int at = ptr[br];
            for (int c = 0; c < cols; c++) {
                int k = keptInBlock(src, br * r, r, c);
                if (k > 0) {
                    at = index.add(c, null, at);
                    kept += k;
                }
            }
            ptr[br + 1] = at;
        }
        float[] values = new float[Math.multiplyExact(ptr[nbr], r)];
        char[] deltas = new char[ptr[nbr]];
        for (int br = 0; br < nbr; br++) {
            index.startRow();
            int at = ptr[br];
            for (int c = 0; c < cols; c++) {
                if (keptInBlock(src, br * r, r, c) > 0) {
                    at = index.add(c, deltas, at);
                    int row0 = br * r;
                    for (int i = 0; i < r && row0 + i < rows; i++) values[(at - 1) * r + i] = src.value(row0 + i, c);
                }
            }
        }
        return new BsrMatrix(rows, cols, r, kept, values, deltas, ptr);
    }

    private static int keptInBlock(WeightSource src, int row0, int r, int c) {
        int k = 0;
        for (int i = 0; i < r && row0 + i < src.rows; i++) if (src.kept(row0 + i, c)) k++;
        return k;
    }

    /** Block height R. */
    public int blockHeight() { return r; }

    /** Number of stored blocks (fillers included). */
    public int blocks() { return deltas.length; }

    @Override public long byteSize() {
        return 4L * values.length + 2L * deltas.length + 4L * blockPtr.length;
    }

    /**
     * Whether the batch-1 kernel for {@code blockRows}-row blocks (4, 8 or 16) runs as SIMD code here:
     * it holds a block column in one vector of {@code blockRows} floats, and a species wider than
     * the JVM's vectors runs hundreds of times slower.
     */
    public static boolean runsHere(int blockRows) {
        return VectorPlatform.supportsLanes(blockRows);
    }

    @Override public String format() { return "bsr" + r + "x1"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int br = 0; br < blockRows; br++) {
            int c = 0;
            for (int p = blockPtr[br]; p < blockPtr[br + 1]; p++) {
                c += deltas[p];
                for (int i = 0; i < r && br * r + i < rows; i++) {
                    float w = values[p * r + i];
                    if (Float.floatToRawIntBits(w) != 0) d[(br * r + i) * cols + c] = w;
                }
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        if (r == 4) BsrKernels.vector4(this, x, xOff, y, yOff, bias, relu, u0, u1);
        else if (r == 8) BsrKernels.vector8(this, x, xOff, y, yOff, bias, relu, u0, u1);
        else BsrKernels.vector16(this, x, xOff, y, yOff, bias, relu, u0, u1);
    }

    @Override void batchRange(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu,
                              int u0, int u1) {
        for (int br = u0; br < u1; br++) {
            for (int q = 0; q < r; q += 4) {
                int row0 = br * r + q;
                if (row0 >= rows) break;
                BsrKernels.batchQuad(values, deltas, blockPtr[br], blockPtr[br + 1], r, q, rows - row0, row0,
                        x, xOff, batch, y, yOff, bias, relu);
            }
        }
    }
}
