package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.kernels.Transposes;

/**
 * Switches between the sample-major layout {@code [n, F]} (what the caller and the conv/pool
 * steps use) and the feature-major layout {@code [F, n]} (what the dense kernels vectorize), by
 * in-register blocks ({@link Transposes}). For {@code n = 1} both layouts are the same and this is a copy.
 */
final class TransposeOp extends Op {
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
        if (toFeatureMajor) Transposes.matrix(x, xo, n, features, y, 0);
        else Transposes.matrix(x, xo, features, n, y, 0);
    }

    @Override String describe() { return toFeatureMajor ? "to feature-major" : "to sample-major"; }
}
