package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalization's per-channel passes over NCHW data: one channel is {@code n} planes of
 * {@code spatial} floats, {@code stride} floats apart (the first at {@code off}). Each plane is
 * summed in float vector lanes, the lanes by {@link Lanes#sum} (a fixed tree) into a double, planes
 * in order, so a result does not depend on the JIT state or on which thread runs the channel; a
 * plane's float partials hold {@code spatial / lanes} terms each.
 */
public final class ChannelNorm {
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    private static final boolean FMA = VectorPlatform.FMA;

    private ChannelNorm() {}

    /** {@code Σ x} over the channel. */
    public static double sum(float[] x, int off, int n, int spatial, int stride) {
        check("x", x, off, n, spatial, stride);
        double total = 0;
        for (int s = 0, p = off; s < n; s++, p += stride) {
            int i = 0;
            FloatVector acc = FloatVector.zero(S);
            for (; i + L <= spatial; i += L) acc = acc.add(FloatVector.fromArray(S, x, p + i));
            total += Lanes.sum(acc);
            for (; i < spatial; i++) total += x[p + i];
        }
        return total;
    }

    /** {@code Σ (x − mean)²} over the channel. */
    public static double squaredDeviations(float[] x, int off, int n, int spatial, int stride, float mean) {
        check("x", x, off, n, spatial, stride);
        double total = 0;
        for (int s = 0, p = off; s < n; s++, p += stride) {
            int i = 0;
            FloatVector acc = FloatVector.zero(S);
            for (; i + L <= spatial; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, p + i).sub(mean);
                acc = FMA ? d.fma(d, acc) : d.mul(d).add(acc);
            }
            total += Lanes.sum(acc);
            for (; i < spatial; i++) {
                double d = x[p + i] - mean;
                total += d * d;
            }
        }
        return total;
    }

    /** {@code xh = (x − mean)·inv}, {@code y = xh·gamma + beta}; xh and y use the same layout as x from their offsets. */
    public static void normalize(float[] x, int off, int n, int spatial, int stride, float mean, float inv, float gamma,
                                 float beta, float[] xh, int xhOff, float[] y, int yOff) {
        check("x", x, off, n, spatial, stride);
        check("xh", xh, xhOff, n, spatial, stride);
        check("y", y, yOff, n, spatial, stride);
        for (int s = 0; s < n; s++) {
            int p = off + s * stride, h = xhOff + s * stride, o = yOff + s * stride, i = 0;
            for (; i + L <= spatial; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, p + i).sub(mean).mul(inv);
                v.intoArray(xh, h + i);
                (FMA ? v.fma(gamma, beta) : v.mul(gamma).add(beta)).intoArray(y, o + i);
            }
            for (; i < spatial; i++) {
                float v = (x[p + i] - mean) * inv;
                xh[h + i] = v;
                y[o + i] = v * gamma + beta;
            }
        }
    }

    /** {@code Σ g} and {@code Σ g·xh} over the channel, into {@code sums[at]} and {@code sums[at + 1]}. */
    public static void gradientSums(float[] g, int gOff, float[] xh, int xhOff, int n, int spatial, int stride, double[] sums, int at) {
        check("g", g, gOff, n, spatial, stride);
        check("xh", xh, xhOff, n, spatial, stride);
        if (!Checks.in(sums, at, 2)) Checks.range("sums", sums, at, 2, "channel gradient sums");
        double sg = 0, sgx = 0;
        for (int s = 0; s < n; s++) {
            int p = gOff + s * stride, h = xhOff + s * stride, i = 0;
            FloatVector a = FloatVector.zero(S), b = a;
            for (; i + L <= spatial; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, p + i);
                a = a.add(gv);
                b = FMA ? gv.fma(FloatVector.fromArray(S, xh, h + i), b) : gv.mul(FloatVector.fromArray(S, xh, h + i)).add(b);
            }
            sg += Lanes.sum(a);
            sgx += Lanes.sum(b);
            for (; i < spatial; i++) {
                sg += g[p + i];
                sgx += (double) g[p + i] * xh[h + i];
            }
        }
        sums[at] = sg;
        sums[at + 1] = sgx;
    }

    /** {@code dx = k·(g − meanG − xh·meanGx)}. */
    public static void inputGradient(float[] g, int gOff, float[] xh, int xhOff, int n, int spatial, int stride, float k,
                                     float meanG, float meanGx, float[] dx, int dxOff) {
        check("g", g, gOff, n, spatial, stride);
        check("xh", xh, xhOff, n, spatial, stride);
        check("dx", dx, dxOff, n, spatial, stride);
        for (int s = 0; s < n; s++) {
            int p = gOff + s * stride, h = xhOff + s * stride, o = dxOff + s * stride, i = 0;
            for (; i + L <= spatial; i += L) {
                FloatVector xv = FloatVector.fromArray(S, xh, h + i);
                FloatVector d = FloatVector.fromArray(S, g, p + i).sub(meanG);
                FloatVector m = FloatVector.broadcast(S, -meanGx);
                d = FMA ? xv.fma(m, d) : xv.mul(m).add(d);
                d.mul(k).intoArray(dx, o + i);
            }
            for (; i < spatial; i++) dx[o + i] = k * (g[p + i] - meanG - xh[h + i] * meanGx);
        }
    }

    /** {@code n} planes of {@code spatial} floats, {@code stride} apart from {@code off}, inside {@code a}. */
    private static void check(String name, float[] a, int off, int n, int spatial, int stride) {
        long end = n == 0 ? off : off + (long) (n - 1) * stride + spatial;
        if (a != null && off >= 0 && n >= 0 && spatial >= 0 && stride >= spatial && end <= a.length) return;
        throw new IllegalArgumentException("channel norm: " + name + (a == null ? " is null" : " has " + a.length
                + " floats, needs " + n + " planes of " + spatial + " every " + stride + " from offset " + off));
    }
}
