package dev.secateur.tensor.sparse;

/**
 * Compressed sparse rows: per output row its kept weights in column order. Column indices are
 * 16-bit deltas from the previous kept column of the row ({@link DeltaIndex}, one chain), so an
 * entry costs 6 bytes (value + delta) for any column count; row pointers are {@code int[M+1]}.
 *
 * <p>Kernels: batch 1 is a scalar loop with one cursor and eight independent sums per row (the
 * vector gather form, which needs 4-byte indices, is {@link GatherCsrMatrix}); batch N broadcasts
 * each weight and FMAs it against 16-wide vectors of the input row {@code X[k, ·]}, with up to 8
 * independent vector accumulators per row. One cursor per row, not several interleaved ones: the
 * loops' state must fit the integer registers, or C2 keeps cursors on the stack and each step of
 * their chains becomes a store and a reload.
 */
public final class CsrMatrix extends AbstractSparseMatrix implements SparseMatrix {
    final float[] values;
    final char[] deltas;
    final int[] rowPtr;

    private CsrMatrix(int rows, int cols, long nonZeros, float[] values, char[] deltas, int[] rowPtr) {
        super(rows, cols, nonZeros, Partition.ofPointers(rowPtr, 1));
        this.values = values;
        this.deltas = deltas;
        this.rowPtr = rowPtr;
    }

    /** Keeps the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static CsrMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /**
     * Keeps the entries where {@code mask} is true (explicit zeros included); a null mask keeps
     * the non-zero entries.
     */
    public static CsrMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("csr", dense, rows, cols, mask);
        int[] rowPtr = new int[rows + 1];
        DeltaIndex index = new DeltaIndex(1);
        long kept = 0;
        for (int r = 0; r < rows; r++) {
            index.startRow();
            int at = rowPtr[r];
            for (int c = 0; c < cols; c++) {
                if (src.kept(r, c)) {
                    at = index.add(c, null, at);
                    kept++;
                }
            }
            rowPtr[r + 1] = at;
        }
        float[] values = new float[rowPtr[rows]];
        char[] deltas = new char[rowPtr[rows]];
        for (int r = 0; r < rows; r++) {
            index.startRow();
            int at = rowPtr[r];
            for (int c = 0; c < cols; c++) {
                if (src.kept(r, c)) {
                    at = index.add(c, deltas, at);
                    values[at - 1] = dense[r * cols + c];
                }
            }
        }
        return new CsrMatrix(rows, cols, kept, values, deltas, rowPtr);
    }

    @Override public long byteSize() {
        return 4L * values.length + 2L * deltas.length + 4L * rowPtr.length;
    }

    @Override public String format() { return "csr"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int c = 0;
            for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
                c += deltas[p];
                if (Float.floatToRawIntBits(values[p]) != 0) d[r * cols + c] = values[p];
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        CsrKernels.vector(values, deltas, rowPtr, x, xOff, y, yOff, bias, relu, u0, u1);
    }

    @Override void batchRange(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu,
                              int u0, int u1) {
        CsrKernels.batch(values, deltas, rowPtr, x, xOff, batch, y, yOff, bias, relu, u0, u1);
    }
}
