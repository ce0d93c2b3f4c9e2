package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

/**
 * Switches between the sample-major layout {@code [n, F]} (what the caller and the conv/pool
 * steps use) and the feature-major layout {@code [F, n]} (what the dense kernels vectorize), in
 * cache-sized tiles. For {@code n = 1} both layouts are the same and this is a copy.
 */
final class TransposeOp extends Op {
    private static final int TILE = 32;
    private final int features;
    private final boolean toFeatureMajor;

    TransposeOp(int in, int out, int features, boolean toFeatureMajor) {
        super(in, out);
        this.features = features;
        this.toFeatureMajor = toFeatureMajor;
    }

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        float[] x = ws.bufs[in], y = ws.bufs[out];
        int xo = ws.offs[in];
        if (n == 1) {
            System.arraycopy(x, xo, y, 0, features);
            return;
        }
        if (toFeatureMajor) transpose(x, xo, n, features, y, 0);
        else transpose(x, xo, features, n, y, 0);
    }

    /** {@code y[cols, rows] = x[rows, cols]ᵀ} (row-major both), in cache-sized tiles. */
    static void transpose(float[] x, int xo, int rows, int cols, float[] y, int yo) {
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0, src = xo + r * cols + c0; c < c1; c++, src++) y[yo + c * rows + r] = x[src];
                }
            }
        }
    }

    @Override String describe() { return toFeatureMajor ? "to feature-major" : "to sample-major"; }
}
