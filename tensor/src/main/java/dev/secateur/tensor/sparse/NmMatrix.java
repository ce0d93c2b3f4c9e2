package dev.secateur.tensor.sparse;

/**
 * N:M structured sparsity along the input dimension: every group of M consecutive columns of a
 * row keeps at most N weights (2:4, 1:4, 2:8, …; M ≤ 16). Each group stores exactly N slots
 * (value + in-group offset); groups with fewer kept weights are padded with zero slots. Offsets
 * are 4-bit, two per byte, so a slot costs 4.5 bytes and the loops have no row imbalance. A last
 * partial group (K not a multiple of M) follows the same rule over its width.
 */
public final class NmMatrix extends AbstractSparseMatrix implements SparseMatrix {
    final int n;
    final int m;
    final int groups;
    /** Slots per row, rounded up to even so every row starts on a whole offset byte. */
    final int rowSlots;
    final float[] values;
    final byte[] offsets;

    private NmMatrix(int rows, int cols, int n, int m, long nonZeros, float[] values, byte[] offsets, int rowSlots) {
        super(rows, cols, nonZeros, Partition.of(uniform(rows, rowSlots)));
        this.n = n;
        this.m = m;
        this.groups = (cols + m - 1) / m;
        this.rowSlots = rowSlots;
        this.values = values;
        this.offsets = offsets;
    }

    private static long[] uniform(int rows, int slots) {
        long[] w = new long[rows];
        java.util.Arrays.fill(w, slots);
        return w;
    }

    /** N:M over the non-zero entries of the dense weight; IAE when some group has more than N. */
    public static NmMatrix from(float[] dense, int rows, int cols, int n, int m) {
        return from(dense, rows, cols, null, n, m);
    }

    /**
     * N:M over the entries where {@code mask} is true (null: the non-zeros).
     *
     * @throws IllegalArgumentException when N, M are out of range (1 ≤ N ≤ M ≤ 16) or a group of M
     *         columns of some row keeps more than N entries
     */
    public static NmMatrix from(float[] dense, int rows, int cols, boolean[] mask, int n, int m) {
        String name = "nm" + n + ":" + m;
        if (m < 1 || m > 16 || n < 1 || n > m) {
            throw new IllegalArgumentException(name + ": need 1 <= N <= M <= 16, got N=" + n + ", M=" + m);
        }
        WeightSource src = WeightSource.of(name, dense, rows, cols, mask);
        int groups = (cols + m - 1) / m;
        long slots = (long) groups * n;
        int rowSlots = (int) Math.min(Integer.MAX_VALUE, slots + (slots & 1));
        long total = (long) rows * rowSlots;
        if (total > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " needs " + total + " slots, too many");
        }
        float[] values = new float[(int) total];
        byte[] offsets = new byte[(int) (total / 2)];
        long kept = 0;
        for (int r = 0; r < rows; r++) {
            int p = r * rowSlots;
            for (int g = 0; g < groups; g++) {
                int used = 0;
                for (int o = 0; o < m && g * m + o < cols; o++) {
                    if (!src.kept(r, g * m + o)) continue;
                    if (used == n) {
                        throw new IllegalArgumentException(name + ": row " + r + ", columns [" + g * m + ", "
                                + Math.min(cols, g * m + m) + ") keep more than " + n + " of " + m + " entries");
                    }
                    values[p + used] = dense[r * cols + g * m + o];
                    offsets[(p + used) >> 1] |= (byte) (o << (((p + used) & 1) << 2));
                    used++;
                }
                kept += used;
                p += n;
            }
        }
        return new NmMatrix(rows, cols, n, m, kept, values, offsets, rowSlots);
    }

    /** Whether every group of M columns of every row keeps at most N entries. */
    public static boolean satisfies(float[] dense, int rows, int cols, boolean[] mask, int n, int m) {
        WeightSource src = WeightSource.of("nm" + n + ":" + m, dense, rows, cols, mask);
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g * m < cols; g++) {
                int used = 0;
                for (int o = 0; o < m && g * m + o < cols; o++) if (src.kept(r, g * m + o)) used++;
                if (used > n) return false;
            }
        }
        return true;
    }

    public int n() { return n; }

    public int m() { return m; }

    @Override public long byteSize() { return 4L * values.length + offsets.length; }

    @Override public String format() { return "nm" + n + ":" + m; }

    int offset(int slot) {
        return (offsets[slot >> 1] >>> ((slot & 1) << 2)) & 15;
    }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int p = r * rowSlots;
            for (int g = 0; g < groups; g++) {
                for (int j = 0; j < n; j++, p++) {
                    // Padding slots are +0.0 at offset 0; skipping +0.0 keeps a kept weight there intact.
                    if (Float.floatToRawIntBits(values[p]) != 0) d[r * cols + g * m + offset(p)] = values[p];
                }
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        if (n == 2) NmKernels.vector2(this, x, xOff, y, yOff, bias, relu, u0, u1);
        else NmKernels.vector(this, x, xOff, y, yOff, bias, relu, u0, u1);
    }

    @Override void batchRange(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu,
                              int u0, int u1) {
        NmKernels.batch(this, x, xOff, batch, y, yOff, bias, relu, u0, u1);
    }
}
