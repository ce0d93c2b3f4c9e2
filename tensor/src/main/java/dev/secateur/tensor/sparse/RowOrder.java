package dev.secateur.tensor.sparse;

import java.util.Arrays;

/**
 * The row order of sliced formats (SELL-C-σ with σ = all rows): rows by kept-weight count,
 * longest first, so that a slice's rows need about as many slots as each other. A slice runs as
 * many slots as its longest row, and pruned layers mix rows of a few weights with rows of
 * hundreds, which in their own order would pad most slices to a long row.
 */
final class RowOrder {
    private RowOrder() {}

    /** Rows by kept-weight count, longest first, ties in row order; null where that is the rows' own order. */
    static int[] longestFirst(WeightSource src, int rows, int cols) {
        long[] keyed = new long[rows];
        for (int r = 0; r < rows; r++) {
            int n = 0;
            for (int c = 0; c < cols; c++) if (src.kept(r, c)) n++;
            keyed[r] = ((long) (cols - n) << 32) | r;
        }
        Arrays.sort(keyed);
        int[] order = new int[rows];
        boolean identity = true;
        for (int p = 0; p < rows; p++) {
            order[p] = (int) keyed[p];
            identity &= order[p] == p;
        }
        return identity ? null : order;
    }

    /** The row at slice position p of {@code order} (null: the rows' own order). */
    static int row(int[] order, int p) {
        return order == null ? p : order[p];
    }

    /** {@code y[order[p]] = act(sums[p] + bias[order[p]])} for positions {@code [p0, p1)}. */
    static void store(float[] sums, int[] order, float[] y, int yOff, float[] bias, boolean relu, int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            int r = order[p];
            y[yOff + r] = Epilogue.scalar(sums[p], bias, r, relu);
        }
    }
}
