package dev.secateur.tensor.sparse;

/**
 * A weight and its kept entries, with the counts the kernel choice needs. The weight is row-major
 * {@code rows×cols}; an entry is kept where {@code mask} is true (or, without a mask, where the
 * weight is non-zero).
 */
public record WeightPattern(float[] dense, int rows, int cols, boolean[] mask, long kept) {
    /** Counts the kept entries; validates the shape like every format's {@code from}. */
    public static WeightPattern of(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("weight", dense, rows, cols, mask);
        long kept = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) if (src.kept(r, c)) kept++;
        }
        return new WeightPattern(dense, rows, cols, mask, kept);
    }

    /** Kept entries / all entries (0 for an empty shape). */
    public double density() {
        long n = (long) rows * cols;
        return n == 0 ? 0 : (double) kept / n;
    }

    /** Bytes of the dense float weight. */
    public long denseBytes() {
        return 4L * rows * cols;
    }

    /** Whether every group of {@code m} columns of every row keeps at most {@code n} entries. */
    public boolean isNm(int n, int m) {
        return NmMatrix.satisfies(dense, rows, cols, mask, n, m);
    }
}
