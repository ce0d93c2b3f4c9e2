package dev.secateur.tensor.reference;

import dev.secateur.tensor.ops.ConvGeometry;

/**
 * Direct (no im2col) float64 convolution over NCHW batches: the yardstick for
 * {@link dev.secateur.tensor.ops.Conv2dOps}. Also gives Σ|w·x| per output, the scale of float32
 * rounding error for tolerances.
 */
public final class ReferenceConv {
    private ReferenceConv() {}

    /** {@code y[n, f, oh, ow] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x[n, c, oh*s-p+i, ow*s-p+j]}. */
    public static double[] forward(ConvGeometry g, int batch, float[] x, float[] w, float[] bias) {
        return convolve(g, batch, x, w, bias, false);
    }

    /** Σ |W·x| per output (bias included as |b|): rounding-error scale for {@link #forward}. */
    public static double[] forwardAbs(ConvGeometry g, int batch, float[] x, float[] w, float[] bias) {
        return convolve(g, batch, x, w, bias, true);
    }

    private static double[] convolve(ConvGeometry g, int batch, float[] x, float[] w, float[] bias, boolean abs) {
        int oh = g.outH(), ow = g.outW();
        double[] y = new double[batch * g.outputSize()];
        for (int n = 0; n < batch; n++) {
            for (int f = 0; f < g.outC(); f++) {
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        double s = bias == null ? 0 : (abs ? Math.abs(bias[f]) : bias[f]);
                        for (int c = 0; c < g.inC(); c++) {
                            for (int i = 0; i < g.kH(); i++) {
                                int ih = p * g.stride() - g.pad() + i;
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int j = 0; j < g.kW(); j++) {
                                    int iw = q * g.stride() - g.pad() + j;
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    double prod = (double) w[((f * g.inC() + c) * g.kH() + i) * g.kW() + j]
                                            * x[((n * g.inC() + c) * g.inH() + ih) * g.inW() + iw];
                                    s += abs ? Math.abs(prod) : prod;
                                }
                            }
                        }
                        y[((n * g.outC() + f) * oh + p) * ow + q] = s;
                    }
                }
            }
        }
        return y;
    }

    /** {@code dW[f, c, i, j] = Σ_{n, oh, ow} dy[n, f, oh, ow] · x[n, c, oh*s-p+i, ow*s-p+j]}. */
    public static double[] weightGradient(ConvGeometry g, int batch, float[] x, float[] dy) {
        int oh = g.outH(), ow = g.outW();
        double[] dw = new double[g.weightSize()];
        for (int f = 0; f < g.outC(); f++) {
            for (int c = 0; c < g.inC(); c++) {
                for (int i = 0; i < g.kH(); i++) {
                    for (int j = 0; j < g.kW(); j++) {
                        double s = 0;
                        for (int n = 0; n < batch; n++) {
                            for (int p = 0; p < oh; p++) {
                                int ih = p * g.stride() - g.pad() + i;
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int q = 0; q < ow; q++) {
                                    int iw = q * g.stride() - g.pad() + j;
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    s += (double) dy[((n * g.outC() + f) * oh + p) * ow + q]
                                            * x[((n * g.inC() + c) * g.inH() + ih) * g.inW() + iw];
                                }
                            }
                        }
                        dw[((f * g.inC() + c) * g.kH() + i) * g.kW() + j] = s;
                    }
                }
            }
        }
        return dw;
    }

    /** {@code db[f] = Σ_{n, oh, ow} dy[n, f, oh, ow]}. */
    public static double[] biasGradient(ConvGeometry g, int batch, float[] dy) {
        int hw = g.outH() * g.outW();
        double[] db = new double[g.outC()];
        for (int n = 0; n < batch; n++) {
            for (int f = 0; f < g.outC(); f++) {
                for (int p = 0; p < hw; p++) db[f] += dy[(n * g.outC() + f) * hw + p];
            }
        }
        return db;
    }

    /** {@code dx[n, c, ih, iw] = Σ over outputs that read it of W · dy}. */
    public static double[] inputGradient(ConvGeometry g, int batch, float[] dy, float[] w) {
        int oh = g.outH(), ow = g.outW();
        double[] dx = new double[batch * g.inputSize()];
        for (int n = 0; n < batch; n++) {
            for (int f = 0; f < g.outC(); f++) {
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        double d = dy[((n * g.outC() + f) * oh + p) * ow + q];
                        for (int c = 0; c < g.inC(); c++) {
                            for (int i = 0; i < g.kH(); i++) {
                                int ih = p * g.stride() - g.pad() + i;
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int j = 0; j < g.kW(); j++) {
                                    int iw = q * g.stride() - g.pad() + j;
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    dx[((n * g.inC() + c) * g.inH() + ih) * g.inW() + iw]
                                            += d * w[((f * g.inC() + c) * g.kH() + i) * g.kW() + j];
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** The im2col matrix of image {@code n} by its definition (float64 copy). */
    public static double[] im2col(ConvGeometry g, float[] x, int n) {
        int oh = g.outH(), ow = g.outW();
        double[] col = new double[g.colSize()];
        for (int c = 0; c < g.inC(); c++) {
            for (int i = 0; i < g.kH(); i++) {
                for (int j = 0; j < g.kW(); j++) {
                    int row = (c * g.kH() + i) * g.kW() + j;
                    for (int p = 0; p < oh; p++) {
                        for (int q = 0; q < ow; q++) {
                            int ih = p * g.stride() - g.pad() + i, iw = q * g.stride() - g.pad() + j;
                            boolean in = ih >= 0 && ih < g.inH() && iw >= 0 && iw < g.inW();
                            col[row * oh * ow + p * ow + q] = in ? x[((n * g.inC() + c) * g.inH() + ih) * g.inW() + iw] : 0;
                        }
                    }
                }
            }
        }
        return col;
    }
}
