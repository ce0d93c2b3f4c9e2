package dev.secateur.tensor.sparse;

/**
 * The validated input of every {@code from(...)}: a dense row-major M×K weight and which of its
 * entries are kept (the mask, or the non-zero pattern when no mask is given).
 */
final class WeightSource {
    final float[] dense;
    final int rows;
    final int cols;
    private final boolean[] mask;

    private WeightSource(float[] dense, int rows, int cols, boolean[] mask) {
        this.dense = dense;
        this.rows = rows;
        this.cols = cols;
        this.mask = mask;
    }

    static WeightSource of(String format, float[] dense, int rows, int cols, boolean[] mask) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(format + ": negative shape " + rows + "x" + cols);
        }
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(format + ": shape " + rows + "x" + cols + " has more than 2^31 entries");
        }
        if (dense == null) throw new IllegalArgumentException(format + ": dense weight array is null");
        if (dense.length != n) {
            throw new IllegalArgumentException(format + ": dense weight has " + dense.length + " elements, shape "
                    + rows + "x" + cols + " needs " + n);
        }
        if (mask != null && mask.length != n) {
            throw new IllegalArgumentException(format + ": mask has " + mask.length + " elements, shape "
                    + rows + "x" + cols + " needs " + n);
        }
        return new WeightSource(dense, rows, cols, mask);
    }

    /** Whether entry (r, c) is kept. */
    boolean kept(int r, int c) {
        int i = r * cols + c;
        return mask != null ? mask[i] : dense[i] != 0f;
    }

    /** The stored value of (r, c): the weight when kept, else zero (for block padding). */
    float value(int r, int c) {
        return kept(r, c) ? dense[r * cols + c] : 0f;
    }
}
