package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Workers;
import java.util.SplittableRandom;

/** Random weights, masks and the format builders shared by the sparse tests. */
final class Fixtures {
    private Fixtures() {}

    static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3)};

    /** Every registered format (built through the registry) plus an unregistered N:M shape. */
    enum Format {
        DENSE("dense"), CSR("csr"), PCSR("pcsr"), INT8_CSR("int8csr"), BSR4("bsr4x1"), BSR8("bsr8x1"), BSR16("bsr16x1"), BITMAP("bitmap16"),
        SELL("sell16"), WSELL("wsell16"), WSELL8("wsell8"), WSELL4("wsell4"), GCSR("gcsr"), NM_2_4("nm2:4"), NM_1_4("nm1:4"), NM_3_8(null);

        /** The registry name, or null for a shape only the tests build. */
        final String registered;

        Format(String registered) {
            this.registered = registered;
        }

        SparseMatrix build(float[] w, int rows, int cols, boolean[] mask) {
            if (registered != null) return SparseFormats.named(registered).build(w, rows, cols, mask);
            return NmMatrix.from(w, rows, cols, mask, 3, 8);
        }

        /** N and M for the N:M formats, else null. */
        int[] nm() {
            return switch (this) {
                case NM_2_4 -> new int[] {2, 4};
                case NM_1_4 -> new int[] {1, 4};
                case NM_3_8 -> new int[] {3, 8};
                default -> null;
            };
        }

        boolean quantized() { return this == INT8_CSR; }

        /**
         * Whether the format's kernels run as SIMD code on this JVM's vectors. Formats written for
         * wider vectors are skipped (they would pass, hundreds of times slower); formats with a
         * scalar fallback (wsell8, wsell4) always run, through whichever path applies here.
         */
        boolean runsHere() {
            return switch (this) {
                case BSR4 -> BsrMatrix.runsHere(4);
                case BSR8 -> BsrMatrix.runsHere(8);
                case BSR16 -> BsrMatrix.runsHere(16);
                case BITMAP -> BitmapMatrix.runsHere();
                case SELL -> SellMatrix.runsHere();
                case WSELL -> WindowedSellMatrix.runsHere();
                case NM_2_4, NM_1_4, NM_3_8 -> NmMatrix.runsHere();
                default -> true;
            };
        }
    }

    /** Values in [-1, 1) without zeros (zeros only where a test puts them on purpose). */
    static float[] weights(SplittableRandom rnd, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            float v = (float) rnd.nextDouble(0.05, 1);
            w[i] = rnd.nextBoolean() ? v : -v;
        }
        return w;
    }

    /**
     * A random mask of the given sparsity, with some whole rows and columns emptied (when
     * {@code holes}) and, for N:M formats, extra entries dropped so every group keeps at most N.
     */
    static boolean[] mask(SplittableRandom rnd, int rows, int cols, double sparsity, boolean holes, int[] nm) {
        boolean[] m = new boolean[rows * cols];
        for (int i = 0; i < m.length; i++) m[i] = rnd.nextDouble() >= sparsity;
        if (holes && rows > 2 && cols > 2) {
            int r = rnd.nextInt(rows), c = rnd.nextInt(cols);
            for (int j = 0; j < cols; j++) m[r * cols + j] = false;
            for (int i = 0; i < rows; i++) m[i * cols + c] = false;
        }
        if (nm != null) enforce(m, rows, cols, nm[0], nm[1]);
        return m;
    }

    /** Drops kept entries beyond the first N of every group of M columns. */
    static void enforce(boolean[] m, int rows, int cols, int n, int groupWidth) {
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g * groupWidth < cols; g++) {
                int used = 0;
                for (int o = 0; o < groupWidth && g * groupWidth + o < cols; o++) {
                    int i = r * cols + g * groupWidth + o;
                    if (m[i] && ++used > n) m[i] = false;
                }
            }
        }
    }

    static float[] masked(float[] w, boolean[] mask) {
        float[] d = w.clone();
        for (int i = 0; i < d.length; i++) if (!mask[i]) d[i] = 0f;
        return d;
    }
}
