package dev.secateur.nn.layers;

/**
 * Unfolding of one NCHW sample into the {@code [C·kH·kW, oH·oW]} column matrix a convolution
 * multiplies by its {@code [outC, C·kH·kW]} weight, and the adjoint (col2im, accumulating).
 * Package-private: the tensor ops module's kernels replace these when they land.
 */
final class Im2col {
    private Im2col() {}

    static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride, int pad,
                       int oh, int ow, float[] col) {
        int p = oh * ow;
        for (int ch = 0; ch < c; ch++) {
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int row = ((ch * kh + ki) * kw + kj) * p;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * stride - pad + ki;
                        int dst = row + oy * ow;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = xOff + (ch * h + iy) * w;
                        if (stride == 1) {
                            // Contiguous run: copy the in-range middle, zero the padded ends.
                            int lo = Math.max(0, pad - kj), hi = Math.min(ow, w + pad - kj);
                            for (int ox = 0; ox < lo && ox < ow; ox++) col[dst + ox] = 0f;
                            if (hi > lo) System.arraycopy(x, src + lo - pad + kj, col, dst + lo, hi - lo);
                            for (int ox = Math.max(hi, lo); ox < ow; ox++) col[dst + ox] = 0f;
                        } else {
                            for (int ox = 0; ox < ow; ox++) {
                                int ix = ox * stride - pad + kj;
                                col[dst + ox] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /** Adds the columns back into {@code dx} (which the caller zeroed). */
    static void col2im(float[] col, int c, int h, int w, int kh, int kw, int stride, int pad,
                       int oh, int ow, float[] dx, int dxOff) {
        int p = oh * ow;
        for (int ch = 0; ch < c; ch++) {
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int row = ((ch * kh + ki) * kw + kj) * p;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * stride - pad + ki;
                        if (iy < 0 || iy >= h) continue;
                        int dst = dxOff + (ch * h + iy) * w;
                        int src = row + oy * ow;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * stride - pad + kj;
                            if (ix >= 0 && ix < w) dx[dst + ix] += col[src + ox];
                        }
                    }
                }
            }
        }
    }
}
