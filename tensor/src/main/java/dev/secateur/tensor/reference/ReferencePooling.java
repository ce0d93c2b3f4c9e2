package dev.secateur.tensor.reference;

import dev.secateur.tensor.ops.PoolGeometry;

/** Scalar pooling by definition (float64 sums): the yardstick for {@link dev.secateur.tensor.ops.Pooling}. */
public final class ReferencePooling {
    private ReferencePooling() {}

    /** Max over each window (padding never wins). */
    public static double[] maxForward(PoolGeometry g, int batch, float[] x) {
        return pool(g, batch, x, true);
    }

    /** Mean over each window, dividing by kH*kW (padding counts as zeros). */
    public static double[] avgForward(PoolGeometry g, int batch, float[] x) {
        return pool(g, batch, x, false);
    }

    private static double[] pool(PoolGeometry g, int batch, float[] x, boolean max) {
        int oh = g.outH(), ow = g.outW(), planes = batch * g.channels();
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int a = 0; a < oh; a++) {
                for (int b = 0; b < ow; b++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int i = 0; i < g.kH(); i++) {
                        for (int j = 0; j < g.kW(); j++) {
                            int h = a * g.stride() - g.pad() + i, w = b * g.stride() - g.pad() + j;
                            if (h < 0 || h >= g.inH() || w < 0 || w >= g.inW()) continue;
                            double v = x[(p * g.inH() + h) * g.inW() + w];
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    y[(p * oh + a) * ow + b] = max ? acc : acc / (g.kH() * g.kW());
                }
            }
        }
        return y;
    }

    /** Gradient of average pooling: each input gets Σ dy/(kH*kW) over the windows that hold it. */
    public static double[] avgBackward(PoolGeometry g, int batch, float[] dy) {
        int oh = g.outH(), ow = g.outW(), planes = batch * g.channels();
        double[] dx = new double[planes * g.inH() * g.inW()];
        for (int p = 0; p < planes; p++) {
            for (int a = 0; a < oh; a++) {
                for (int b = 0; b < ow; b++) {
                    double d = dy[(p * oh + a) * ow + b] / (double) (g.kH() * g.kW());
                    for (int i = 0; i < g.kH(); i++) {
                        for (int j = 0; j < g.kW(); j++) {
                            int h = a * g.stride() - g.pad() + i, w = b * g.stride() - g.pad() + j;
                            if (h < 0 || h >= g.inH() || w < 0 || w >= g.inW()) continue;
                            dx[(p * g.inH() + h) * g.inW() + w] += d;
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** Gradient of max pooling, routing each dy to the first maximum of its window. */
    public static double[] maxBackward(PoolGeometry g, int batch, float[] x, float[] dy) {
        int oh = g.outH(), ow = g.outW(), planes = batch * g.channels();
        double[] dx = new double[planes * g.inH() * g.inW()];
        for (int p = 0; p < planes; p++) {
            for (int a = 0; a < oh; a++) {
                for (int b = 0; b < ow; b++) {
                    int best = -1;
                    for (int i = 0; i < g.kH(); i++) {
                        for (int j = 0; j < g.kW(); j++) {
                            int h = a * g.stride() - g.pad() + i, w = b * g.stride() - g.pad() + j;
                            if (h < 0 || h >= g.inH() || w < 0 || w >= g.inW()) continue;
                            int idx = (p * g.inH() + h) * g.inW() + w;
                            if (best < 0 || x[idx] > x[best]) best = idx;
                        }
                    }
                    dx[best] += dy[(p * oh + a) * ow + b];
                }
            }
        }
        return dx;
    }
}
