package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

/** Max or average pooling over {@code kH×kW} windows, no padding, on NCHW samples (no argmax kept). */
final class PoolOp extends Op {
    private final boolean max;
    private final int channels, inH, inW, kh, kw, stride, outH, outW;

    PoolOp(int in, int out, boolean max, int channels, int inH, int inW, int kh, int kw, int stride) {
        super(in, out);
        this.max = max;
        this.channels = channels;
        this.inH = inH;
        this.inW = inW;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.outH = (inH - kh) / stride + 1;
        this.outW = (inW - kw) / stride + 1;
    }

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        float[] x = ws.bufs[in], y = ws.bufs[out];
        int xo = ws.offs[in], planes = n * channels, inPlane = inH * inW, outPlane = outH * outW;
        float inv = 1f / (kh * kw);
        for (int p = 0; p < planes; p++) {
            int xb = xo + p * inPlane, yb = p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    int base = xb + oh * stride * inW + ow * stride;
                    float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0, at = base + i * inW; j < kw; j++, at++) acc = max ? Math.max(acc, x[at]) : acc + x[at];
                    }
                    y[yb + oh * outW + ow] = max ? acc : acc * inv;
                }
            }
        }
    }

    @Override String describe() { return (max ? "maxpool " : "avgpool ") + kh + "x" + kw + "/" + stride; }
}
