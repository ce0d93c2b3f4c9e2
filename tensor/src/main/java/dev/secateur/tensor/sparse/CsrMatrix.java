package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;
import java.util.function.LongPredicate;

/**
 * Compressed sparse rows: per output row its kept weights in column order, 6 bytes per entry
 * (value + 16-bit column); row pointers are {@code int[M+1]}. Up to 65536 columns the columns
 * are stored as they are, so each entry's load of x stands alone; wider matrices store 16-bit
 * deltas from the previous kept column of the row ({@link DeltaIndex}, one chain), read by
 * moving a cursor. {@link #chain} tells the kernels which: the column of entry p is
 * {@code (c & chain) + columns[p]} with c the previous one.
 *
 * <p>Kernels: batch 1 is a scalar loop with eight independent sums per row (the vector gather
 * form, which needs 4-byte indices, is {@link GatherCsrMatrix}). Where the matrix outgrows the
 * L2 the platform reports and columns are absolute, each row is padded with zero weights to a
 * multiple of eight entries (at the row's last column, so the padding reads a line of x the
 * row reads anyway) and the batch-1 loop runs without a tail, which was faster on such matrices
 * (also where they sit in L3); smaller ones keep the loop with a tail, faster on their short
 * rows. {@link #rowEnd} marks where each row's kept entries end, and the batched kernels stop
 * there. Batch N broadcasts each weight and FMAs it against 16-wide vectors of the input row
 * {@code X[k, ·]}, with up to 8 independent vector accumulators per row. One cursor per row, not several interleaved ones: the loops'
 * state must fit the integer registers, or C2 keeps cursors on the stack and each step of their
 * chains becomes a store and a reload.
 */
public final class CsrMatrix extends AbstractSparseMatrix implements SparseMatrix {
    /** Widest matrix whose columns fit 16 bits as they are. */
    static final int ABSOLUTE_COLUMNS = 1 << 16;

    final float[] values;
    final char[] columns;
    /** 0 when {@link #columns} are absolute, -1 when they are deltas along each row. */
    final int chain;
    /** Where each row's entries start, padding included (padded rows: multiples of {@link #ROW_BLOCK}). */
    final int[] rowPtr;
    /** Where each row's kept entries end; the padding runs from there to the next row's start. */
    final int[] rowEnd;
    /** Whether rows are padded to whole blocks of {@link #ROW_BLOCK} (else {@link #rowEnd} repeats {@link #rowPtr}). */
    final boolean padded;

    /** Entries per step of the batch-1 loop; padded rows hold a multiple of it. */
    static final int ROW_BLOCK = 8;

    private CsrMatrix(int rows, int cols, long nonZeros, float[] values, char[] columns, int chain, int[] rowPtr, int[] rowEnd,
                      boolean padded) {
        super(rows, cols, nonZeros, Partition.ofPointers(rowPtr, 1));
        this.values = values;
        this.columns = columns;
        this.chain = chain;
        this.rowPtr = rowPtr;
        this.rowEnd = rowEnd;
        this.padded = padded;
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
        return from(dense, rows, cols, mask, cols > ABSOLUTE_COLUMNS);
    }

    /**
     * As {@link #from(float[], int, int, boolean[])}, with delta columns at any width when
     * {@code chained}; rows with absolute columns are padded to whole blocks of the batch-1 loop
     * when the matrix outgrows the reported L2.
     */
    static CsrMatrix from(float[] dense, int rows, int cols, boolean[] mask, boolean chained) {
        return build(dense, rows, cols, mask, chained, kept -> !chained && 6 * kept > VectorPlatform.CACHES.l2());
    }

    /** As {@link #from(float[], int, int, boolean[], boolean)}, padding the rows when {@code padRows} (absolute columns only). */
    static CsrMatrix from(float[] dense, int rows, int cols, boolean[] mask, boolean chained, boolean padRows) {
        if (chained && padRows) throw new IllegalArgumentException("csr: rows with delta columns are not padded");
        return build(dense, rows, cols, mask, chained, kept -> padRows);
    }

    /** The matrix, its rows padded when {@code pad} holds for the number of kept entries. */
    private static CsrMatrix build(float[] dense, int rows, int cols, boolean[] mask, boolean chained, LongPredicate pad) {
        if (!chained && cols > ABSOLUTE_COLUMNS) throw new IllegalArgumentException("csr: " + cols + " columns need delta indices");
        WeightSource src = WeightSource.of("csr", dense, rows, cols, mask);
        long kept = 0;
        int[] stored = new int[rows]; // entries per row before padding (deltas may add some)
        DeltaIndex index = new DeltaIndex(1);
        for (int r = 0; r < rows; r++) {
            index.startRow();
            int at = 0;
            for (int c = 0; c < cols; c++) {
                if (src.kept(r, c)) {
                    at = chained ? index.add(c, null, at) : at + 1;
                    kept++;
                }
            }
            stored[r] = at;
        }
        boolean padRows = pad.test(kept);
        int[] rowPtr = new int[rows + 1], rowEnd = new int[rows];
        for (int r = 0; r < rows; r++) {
            rowEnd[r] = rowPtr[r] + stored[r];
            long next = !padRows ? rowEnd[r] : rowPtr[r] + (long) (stored[r] + ROW_BLOCK - 1) / ROW_BLOCK * ROW_BLOCK;
            if (next > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("csr: " + rows + "x" + cols + " keeps too many entries for one array");
            rowPtr[r + 1] = (int) next;
        }
        float[] values = new float[rowPtr[rows]];
        char[] columns = new char[rowPtr[rows]];
        for (int r = 0; r < rows; r++) {
            index.startRow();
            int at = rowPtr[r];
            for (int c = 0; c < cols; c++) {
                if (src.kept(r, c)) {
                    if (chained) at = index.add(c, columns, at);
                    else columns[at++] = (char) c;
                    values[at - 1] = dense[r * cols + c];
                }
            }
            for (; at < rowPtr[r + 1]; at++) columns[at] = columns[at - 1]; // zero weights at the row's last column
        }
        return new CsrMatrix(rows, cols, kept, values, columns, chained ? -1 : 0, rowPtr, rowEnd, padRows);
    }

    @Override public long byteSize() {
        return 4L * values.length + 2L * columns.length + 4L * rowPtr.length + (padded ? 4L * rowEnd.length : 0);
    }

    @Override public String format() { return "csr"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int c = 0;
            for (int p = rowPtr[r]; p < rowEnd[r]; p++) {
                c = (c & chain) + columns[p];
                if (Float.floatToRawIntBits(values[p]) != 0) d[r * cols + c] = values[p];
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        if (padded) CsrKernels.padded(values, columns, rowPtr, atZero(x, xOff), y, yOff, bias, relu, u0, u1);
        else if (chain == 0) CsrKernels.vector(values, columns, rowPtr, atZero(x, xOff), y, yOff, bias, relu, u0, u1);
        else CsrKernels.chained(values, columns, rowPtr, x, xOff, y, yOff, bias, relu, u0, u1);
    }

    @Override void batchRange(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu,
                              int u0, int u1) {
        CsrKernels.batch(values, columns, chain, rowPtr, rowEnd, x, xOff, batch, y, yOff, bias, relu, u0, u1);
    }

    /**
     * x itself when the vector starts at 0, else a copy of it in this thread's scratch: the
     * batch-1 loop reads {@code x[columns[p]]}, and adding an offset to every load costs more
     * than copying {@code cols} floats once.
     */
    private float[] atZero(float[] x, int xOff) {
        if (xOff == 0) return x;
        float[] copy = RowScratch.input(cols);
        System.arraycopy(x, xOff, copy, 0, cols);
        return copy;
    }
}
