package dev.secateur.tensor.sparse;

/**
 * Column indices stored as unsigned 16-bit deltas (XNNPACK-style: the kernel only advances a
 * pointer). Each row (or block row) starts at column 0; an entry with delta d moves the cursor
 * by d and is then used. A gap wider than 65535 is bridged by filler entries of delta 65535 whose
 * values are zero, so any column count works with two bytes per index; fillers only exist when
 * cols > 65536 and land on masked-out columns, so they never change a product or
 * {@link SparseMatrix#toDense()}.
 */
final class DeltaIndex {
    static final int MAX_DELTA = 0xFFFF;

    private DeltaIndex() {}

    /** Entries (fillers included) needed to move the cursor from {@code cursor} to {@code col} and use it. */
    static int entries(int cursor, int col) {
        int gap = col - cursor;
        return 1 + (gap > MAX_DELTA ? (gap - 1) / MAX_DELTA : 0);
    }

    /**
     * Writes the deltas reaching {@code col} from {@code cursor} into {@code deltas} from {@code at};
     * returns the position after the last one (the used entry is at the return value minus one).
     */
    static int write(char[] deltas, int at, int cursor, int col) {
        while (col - cursor > MAX_DELTA) {
            deltas[at++] = (char) MAX_DELTA;
            cursor += MAX_DELTA;
        }
        deltas[at++] = (char) (col - cursor);
        return at;
    }
}
