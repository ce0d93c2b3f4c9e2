package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

/**
 * A BatchNorm that had no dense/conv layer to fold into: {@code y = x·scale[c] + shift[c]} per
 * channel, on NCHW samples or, for features, in the feature-major layout {@code [C, n]}.
 */
final class AffineOp extends Op {
    private final float[] scale, shift;
    private final int spatial;
    private final boolean featureMajor;

    AffineOp(int in, int out, float[] scale, float[] shift, int spatial, boolean featureMajor) {
        super(in, out);
        this.scale = scale;
        this.shift = shift;
        this.spatial = spatial;
        this.featureMajor = featureMajor;
    }

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        float[] x = ws.bufs[in], y = ws.bufs[out];
        int xo = ws.offs[in], channels = scale.length;
        if (featureMajor) {
            for (int c = 0; c < channels; c++) {
                for (int j = 0, at = c * n; j < n; j++, at++) y[at] = x[xo + at] * scale[c] + shift[c];
            }
            return;
        }
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < channels; c++) {
                for (int i = (s * channels + c) * spatial, e = i + spatial; i < e; i++) y[i] = x[xo + i] * scale[c] + shift[c];
            }
        }
    }

    @Override String describe() { return "batchnorm (unfolded)"; }
}
