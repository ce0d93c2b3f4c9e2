package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Max or average pooling over {@code kH×kW} windows, no padding, on NCHW samples (no argmax kept). */
final class PoolOp extends Op {
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final int L = S.length();
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
        boolean window2 = max && kh == 2 && kw == 2 && stride == 2;
        float[] row = window2 ? ws.scratch(0, 2 * outW + L) : null;
        for (int p = 0; p < planes; p++) {
            int xb = xo + p * inPlane, yb = p * outPlane;
            if (!max) avgPlane(x, xb, y, yb);
            else if (window2) max2x2(x, xb, y, yb, row);
            else maxPlane(x, xb, y, yb);
        }
    }

    /**
     * The common 2×2 stride-2 window: the maxima of every column pair of two input rows are
     * formed a vector at a time into {@code row} (the even entries are the window maxima), then
     * picked out. Vectors stop before the last pair of the rows (a vector reads one past it).
     */
    private void max2x2(float[] x, int xb, float[] y, int yb, float[] row) {
        int pairs = 2 * outW;
        for (int oh = 0; oh < outH; oh++) {
            int r0 = xb + 2 * oh * inW, r1 = r0 + inW, o = yb + oh * outW, c = 0;
            for (; c + L < pairs; c += L) {
                FloatVector a = FloatVector.fromArray(S, x, r0 + c), b = FloatVector.fromArray(S, x, r1 + c);
                FloatVector a1 = FloatVector.fromArray(S, x, r0 + c + 1), b1 = FloatVector.fromArray(S, x, r1 + c + 1);
                // Float max is Java code where it is not SIMD (x86 without AVX): integer lanes there.
                FloatVector m = FLOAT_MAX ? a.max(b).max(a1.max(b1)) : VectorMax.max(VectorMax.max(a, b), VectorMax.max(a1, b1));
                m.intoArray(row, c);
            }
            int ow = 0;
            for (; 2 * ow < c; ow++) y[o + ow] = row[2 * ow];
            for (; ow < outW; ow++) {
                int k = 2 * ow;
                y[o + ow] = Math.max(Math.max(x[r0 + k], x[r0 + k + 1]), Math.max(x[r1 + k], x[r1 + k + 1]));
            }
        }
    }

    private void maxPlane(float[] x, int xb, float[] y, int yb) {
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                int base = xb + oh * stride * inW + ow * stride;
                float acc = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < kh; i++) {
                    for (int j = 0, at = base + i * inW; j < kw; j++, at++) acc = Math.max(acc, x[at]);
                }
                y[yb + oh * outW + ow] = acc;
            }
        }
    }

    private void avgPlane(float[] x, int xb, float[] y, int yb) {
        float inv = 1f / (kh * kw);
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                int base = xb + oh * stride * inW + ow * stride;
                float acc = 0f;
                for (int i = 0; i < kh; i++) {
                    for (int j = 0, at = base + i * inW; j < kw; j++, at++) acc += x[at];
                }
                y[yb + oh * outW + ow] = acc * inv;
            }
        }
    }

    @Override String describe() { return (max ? "maxpool " : "avgpool ") + kh + "x" + kw + "/" + stride; }
}
