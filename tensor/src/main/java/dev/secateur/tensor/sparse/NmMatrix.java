package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;

/**
 * N:M structured sparsity along the input dimension: every group of M consecutive columns of a
 * row keeps at most N weights (2:4, 1:4, 4:8, …; M ≤ 16). Each group stores exactly N slots;
 * groups with fewer kept weights are padded with zero slots, so the loops are regular and rows
 * are balanced. A last partial group (K not a multiple of M) follows the same rule over its width.
 *
 * <p>Slots are cut into windows of 16 (one vector); window w of a row covers the 16/N groups
 * starting at column {@code (16w/N)·M}, i.e. {@code 16·M/N} columns. Each slot stores its value
 * and a one-byte index: its column's position inside the window. When N divides 16 and the window
 * is 32 or 64 columns wide (2:4, 1:4, 4:8, 2:8, 1:2, …), the batch-1 kernel loads the window of
 * x into two or four registers and picks every slot's input with an in-register two-vector
 * permute ({@code selectFrom}) — no gather, no index arithmetic: 5 bytes per slot.
 */
public final class NmMatrix extends AbstractSparseMatrix implements SparseMatrix {
    static final int W = 16;
    final int n;
    final int m;
    /** Slots per row: groups·N rounded up to whole windows of 16 (padding slots are zero). */
    final int rowSlots;
    /** Columns covered by one window of 16 slots when N divides 16, else 0. */
    final int windowWidth;
    final float[] values;
    final byte[] pos;

    private NmMatrix(int rows, int cols, int n, int m, long nonZeros, float[] values, byte[] pos, int rowSlots) {
        super(rows, cols, nonZeros, Partition.of(uniform(rows, rowSlots)));
        this.n = n;
        this.m = m;
        this.rowSlots = rowSlots;
        this.windowWidth = W % n == 0 ? W / n * m : 0;
        this.values = values;
        this.pos = pos;
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
        long groups = (cols + m - 1) / m;
        long slots = (groups * n + W - 1) / W * W;
        long total = rows * slots;
        if (total > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " needs " + total + " slots, too many");
        }
        int rowSlots = (int) slots;
        float[] values = new float[(int) total];
        byte[] pos = new byte[(int) total];
        long kept = 0;
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                int used = 0;
                for (int o = 0; o < m && g * m + o < cols; o++) {
                    if (!src.kept(r, g * m + o)) continue;
                    if (used == n) {
                        throw new IllegalArgumentException(name + ": row " + r + ", columns [" + g * m + ", "
                                + Math.min(cols, g * m + m) + ") keep more than " + n + " of " + m + " entries");
                    }
                    int s = g * n + used;
                    values[r * rowSlots + s] = dense[r * cols + g * m + o];
                    pos[r * rowSlots + s] = (byte) (g * m + o - windowStart(s, n, m));
                    used++;
                }
                kept += used;
            }
        }
        return new NmMatrix(rows, cols, n, m, kept, values, pos, rowSlots);
    }

    /** First column of the window holding slot s (a slot index within its row). */
    static int windowStart(int s, int n, int m) {
        return (s / W * W) / n * m;
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

    @Override public long byteSize() { return 5L * values.length; }

    /**
     * Whether its kernels run as SIMD code here: they are written for 16 float lanes (512-bit
     * vectors, AVX-512), and a species wider than the JVM's vectors runs hundreds of times slower.
     */
    public static boolean runsHere() {
        return VectorPlatform.supportsLanes(16);
    }

    @Override public String format() { return "nm" + n + ":" + m; }

    /** Column of slot s (index within its row). */
    int column(int s) {
        return windowStart(s, n, m) + (pos[s] & 0xFF);
    }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < rowSlots; s++) {
                float v = values[r * rowSlots + s];
                // Padding slots are +0.0; skipping +0.0 keeps a kept weight at the same column intact.
                if (Float.floatToRawIntBits(v) != 0) {
                    d[r * cols + windowStart(s, n, m) + (pos[r * rowSlots + s] & 0xFF)] = v;
                }
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        if (windowWidth == 32) NmKernels.vector32(this, x, xOff, y, yOff, bias, relu, u0, u1);
        else if (windowWidth == 64) NmKernels.vector64(this, x, xOff, y, yOff, bias, relu, u0, u1);
        else NmKernels.vector(this, x, xOff, y, yOff, bias, relu, u0, u1);
    }

    @Override void batchRange(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu,
                              int u0, int u1) {
        NmKernels.batch(this, x, xOff, batch, y, yOff, bias, relu, u0, u1);
    }
}
