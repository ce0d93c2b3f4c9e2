package dev.secateur.tensor.sparse;

import java.util.Arrays;

/**
 * Column indices stored as unsigned 16-bit deltas (XNNPACK-style: the kernel only advances a
 * cursor, no index arithmetic). A row (or block row, or bitmap group) has {@code chains}
 * cursors, all starting at column 0; entry q of the row uses cursor {@code q % chains}, moves it
 * by its delta and reads that column. Several chains let a kernel keep several independent
 * cursor additions in flight (one chain is a 1-cycle dependency per entry).
 *
 * <p>A gap wider than 65535 is bridged by filler entries of delta 65535 whose values are zero,
 * so any column count works with two bytes per index. Fillers only exist when cols > 65536;
 * they add {@code 0·x} to a product and {@link SparseMatrix#toDense()} skips them (their value
 * is +0.0).
 */
final class DeltaIndex {
    static final int MAX_DELTA = 0xFFFF;

    private final int[] cursor;
    private int q;

    DeltaIndex(int chains) {
        this.cursor = new int[chains];
    }

    void startRow() {
        Arrays.fill(cursor, 0);
        q = 0;
    }

    /**
     * Appends the entries that reach {@code col} (ascending within a row): fillers, then the
     * entry used for {@code col}. Writes deltas into {@code out} from {@code at} unless
     * {@code out} is null (counting pass); returns the position after the last entry.
     */
    int add(int col, char[] out, int at) {
        int k = cursor.length;
        while (col - cursor[q % k] > MAX_DELTA) {
            if (out != null) out[at] = (char) MAX_DELTA;
            at++;
            cursor[q % k] += MAX_DELTA;
            q++;
        }
        if (out != null) out[at] = (char) (col - cursor[q % k]);
        cursor[q % k] = col;
        q++;
        return at + 1;
    }
}
