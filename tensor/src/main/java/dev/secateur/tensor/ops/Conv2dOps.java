package dev.secateur.tensor.ops;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;

import java.util.Arrays;

/**
 * 2-D convolution on NCHW batches through im2col + {@link Gemm#sgemm}: per image,
 * {@code Y[outC, outH*outW] = W[outC, inC*kH*kW] · col[inC*kH*kW, outH*outW]}. A 1×1, stride-1,
 * unpadded convolution ({@link ConvGeometry#isPointwise()}) multiplies the image directly (its
 * im2col is the image itself).
 *
 * <p>Threads: when the batch has at least two images and the workspace holds several per-image
 * slices, images are split over the pool (each slice its own columns, single-threaded GEMM);
 * otherwise images run one after another with a multi-threaded GEMM. Forward and input gradients
 * of each image do not depend on the split; weight gradients are summed per slice and then in
 * slice order, so results are bit-identical for a fixed pool size and workspace.
 *
 * <p>Workspace: {@link #workspaceSize(ConvGeometry)} floats suffice for every call (one slice);
 * {@link #workspaceSize(ConvGeometry, int)} gives enough for {@code threads} slices.
 */
public final class Conv2dOps {
    private Conv2dOps() {}

    /** Floats of workspace needed for one slice (0 for pointwise convolutions). */
    public static int workspaceSize(ConvGeometry g) {
        return g.isPointwise() ? 0 : g.colSize();
    }

    /** Floats of workspace that let every op use {@code threads} slices in parallel. */
    public static int workspaceSize(ConvGeometry g, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads + " for " + g);
        if (threads == 1) return workspaceSize(g);
        return Checks.size(g + " workspace for " + threads + " threads", threads, (long) workspaceSize(g) + g.weightSize());
    }

    // ---------------------------------------------------------------- im2col / col2im

    /**
     * Writes the im2col matrix of one image: {@code col[(c*kH+i)*kW+j, oh*outW+ow] =
     * x[c, oh*stride-pad+i, ow*stride-pad+j]} (0 outside the image), row-major
     * {@code [inC*kH*kW, outH*outW]}.
     */
    public static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff) {
        String ctx = "im2col " + g;
        Checks.range("x", x, xOff, g.inputSize(), ctx);
        Checks.range("col", col, colOff, g.colSize(), ctx);
        im2colUnchecked(g, x, xOff, col, colOff);
    }

    /** Adds the adjoint of im2col: {@code dx[c, ih, iw] += Σ col entries that im2col read from there}. */
    public static void col2im(ConvGeometry g, float[] col, int colOff, float[] dx, int dxOff) {
        String ctx = "col2im " + g;
        Checks.range("col", col, colOff, g.colSize(), ctx);
        Checks.range("dx", dx, dxOff, g.inputSize(), ctx);
        col2imUnchecked(g, col, colOff, dx, dxOff);
    }

    static void im2colUnchecked(ConvGeometry g, float[] x, int xOff, float[] col, int colOff) {
        int inH = g.inH(), inW = g.inW(), kH = g.kH(), kW = g.kW(), s = g.stride(), pad = g.pad();
        int outH = g.outH(), outW = g.outW();
        int row = colOff;
        for (int c = 0; c < g.inC(); c++) {
            int plane = xOff + c * inH * inW;
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    int owLo = firstInside(j, s, pad), owHi = endInside(j, s, pad, inW, outW);
                    for (int oh = 0; oh < outH; oh++, row += outW) {
                        int ih = oh * s - pad + i;
                        if (ih < 0 || ih >= inH || owLo >= owHi) {
                            Arrays.fill(col, row, row + outW, 0f);
                            continue;
                        }
                        Arrays.fill(col, row, row + owLo, 0f);
                        int src = plane + ih * inW + owLo * s - pad + j;
                        if (s == 1) {
                            System.arraycopy(x, src, col, row + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++, src += s) col[row + ow] = x[src];
                        }
                        Arrays.fill(col, row + owHi, row + outW, 0f);
                    }
                }
            }
        }
    }

    static void col2imUnchecked(ConvGeometry g, float[] col, int colOff, float[] dx, int dxOff) {
        int inH = g.inH(), inW = g.inW(), kH = g.kH(), kW = g.kW(), s = g.stride(), pad = g.pad();
        int outH = g.outH(), outW = g.outW();
        int row = colOff;
        for (int c = 0; c < g.inC(); c++) {
            int plane = dxOff + c * inH * inW;
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    int owLo = firstInside(j, s, pad), owHi = endInside(j, s, pad, inW, outW);
                    for (int oh = 0; oh < outH; oh++, row += outW) {
                        int ih = oh * s - pad + i;
                        if (ih < 0 || ih >= inH) continue;
                        int dst = plane + ih * inW + owLo * s - pad + j;
                        for (int ow = owLo; ow < owHi; ow++, dst += s) dx[dst] += col[row + ow];
                    }
                }
            }
        }
    }

    /** First output column whose input column {@code ow*s-pad+j} is >= 0. */
    private static int firstInside(int j, int s, int pad) {
        int need = pad - j; // ow*s >= need
        return need <= 0 ? 0 : (need + s - 1) / s;
    }

    /** One past the last output column whose input column is < inW (clamped to [0, outW]). */
    private static int endInside(int j, int s, int pad, int inW, int outW) {
        int lim = inW - 1 + pad - j; // ow*s <= lim
        if (lim < 0) return 0;
        return Math.min(outW, lim / s + 1);
    }

    // ---------------------------------------------------------------- forward

    /**
     * {@code y[n] = conv(x[n], W) + bias} for {@code batch} NCHW images; {@code y} is overwritten.
     *
     * @param weight    {@code [outC, inC*kH*kW]} from {@code wOff}
     * @param bias      {@code outC} values from index 0, or null
     * @param workspace at least {@link #workspaceSize(ConvGeometry)} floats (may be null when that is 0)
     */
    public static void forward(Workers workers, ConvGeometry g, int batch, float[] x, int xOff,
                               float[] weight, int wOff, float[] bias, float[] y, int yOff, float[] workspace) {
        String ctx = "conv forward " + g + " batch " + batch;
        checkBatch(ctx, g, batch);
        Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
        Checks.range("weight", weight, wOff, g.weightSize(), ctx);
        if (bias != null) Checks.range("bias", bias, 0, g.outC(), ctx);
        Checks.range("y", y, yOff, (long) batch * g.outputSize(), ctx);
        int per = workspaceSize(g);
        int slices = slices(workers, batch, workspace, per, per, ctx);
        if (batch == 0) return;
        if (slices <= 1) {
            for (int n = 0; n < batch; n++) forwardImage(workers, g, x, xOff, weight, wOff, bias, y, yOff, workspace, 0, n);
        } else {
            workers.forEach(slices, t -> {
                for (int n = t; n < batch; n += slices) {
                    forwardImage(Workers.single(), g, x, xOff, weight, wOff, bias, y, yOff, workspace, t * per, n);
                }
            });
        }
    }

    private static void forwardImage(Workers w, ConvGeometry g, float[] x, int xOff, float[] weight, int wOff,
                                     float[] bias, float[] y, int yOff, float[] ws, int wsOff, int n) {
        int k = g.colRows(), hw = g.colCols(), outC = g.outC();
        int xi = xOff + n * g.inputSize(), yi = yOff + n * g.outputSize();
        if (g.isPointwise()) {
            Gemm.sgemm(w, false, false, outC, hw, k, 1f, weight, wOff, k, x, xi, hw, 0f, y, yi, hw);
        } else {
            im2colUnchecked(g, x, xi, ws, wsOff);
            Gemm.sgemm(w, false, false, outC, hw, k, 1f, weight, wOff, k, ws, wsOff, hw, 0f, y, yi, hw);
        }
        if (bias != null) Elementwise.addBiasChannels(y, yi, 1, outC, hw, bias, 0);
    }

    // ---------------------------------------------------------------- backward

    /**
     * Accumulates the weight and bias gradients: {@code dW += Σ_n dY[n] · col(x[n])ᵀ},
     * {@code db[f] += Σ_n Σ_p dY[n, f, p]}.
     *
     * @param dW        {@code [outC, inC*kH*kW]} from {@code dwOff}, accumulated into
     * @param db        {@code outC} values from index 0, accumulated into, or null
     * @param workspace at least {@link #workspaceSize(ConvGeometry)} floats; with
     *                  {@link #workspaceSize(ConvGeometry, int)} the batch is split over threads
     */
    public static void backwardWeights(Workers workers, ConvGeometry g, int batch, float[] x, int xOff,
                                       float[] dy, int dyOff, float[] dW, int dwOff, float[] db, float[] workspace) {
        String ctx = "conv backwardWeights " + g + " batch " + batch;
        checkBatch(ctx, g, batch);
        Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
        Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
        Checks.range("dW", dW, dwOff, g.weightSize(), ctx);
        if (db != null) Checks.range("db", db, 0, g.outC(), ctx);
        int col = workspaceSize(g), per = col + g.weightSize();
        int slices = slices(workers, batch, workspace, col, per, ctx);
        if (batch == 0) return;
        if (slices <= 1) {
            for (int n = 0; n < batch; n++) weightGradImage(workers, g, x, xOff, dy, dyOff, dW, dwOff, 1f, workspace, 0, n);
        } else {
            int wsz = g.weightSize();
            workers.forEach(slices, t -> {
                int base = t * per, partial = base + col;
                for (int n = t; n < batch; n += slices) {
                    weightGradImage(Workers.single(), g, x, xOff, dy, dyOff, workspace, partial, n == t ? 0f : 1f,
                            workspace, base, n);
                }
            });
            // Fixed summation order over slices keeps the result bit-identical run to run.
            for (int t = 0; t < slices; t++) {
                Elementwise.axpy(1f, workspace, t * per + col, dW, dwOff, wsz);
            }
        }
        if (db != null) Elementwise.sumChannels(dy, dyOff, batch, g.outC(), g.colCols(), db, 0);
    }

    private static void weightGradImage(Workers w, ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                        float[] dW, int dwOff, float beta, float[] ws, int wsOff, int n) {
        int k = g.colRows(), hw = g.colCols(), outC = g.outC();
        int xi = xOff + n * g.inputSize(), yi = dyOff + n * g.outputSize();
        float[] colArr = x;
        int colOff = xi;
        if (!g.isPointwise()) {
            im2colUnchecked(g, x, xi, ws, wsOff);
            colArr = ws;
            colOff = wsOff;
        }
        Gemm.sgemm(w, false, true, outC, k, hw, 1f, dy, yi, hw, colArr, colOff, hw, beta, dW, dwOff, k);
    }

    /**
     * Input gradient: {@code dx[n] = col2im(Wᵀ · dY[n])}; {@code dx} is overwritten.
     *
     * @param workspace at least {@link #workspaceSize(ConvGeometry)} floats (may be null when that is 0)
     */
    public static void backwardInput(Workers workers, ConvGeometry g, int batch, float[] dy, int dyOff,
                                     float[] weight, int wOff, float[] dx, int dxOff, float[] workspace) {
        String ctx = "conv backwardInput " + g + " batch " + batch;
        checkBatch(ctx, g, batch);
        Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
        Checks.range("weight", weight, wOff, g.weightSize(), ctx);
        Checks.range("dx", dx, dxOff, (long) batch * g.inputSize(), ctx);
        int per = workspaceSize(g);
        int slices = slices(workers, batch, workspace, per, per, ctx);
        if (batch == 0) return;
        if (slices <= 1) {
            for (int n = 0; n < batch; n++) inputGradImage(workers, g, dy, dyOff, weight, wOff, dx, dxOff, workspace, 0, n);
        } else {
            workers.forEach(slices, t -> {
                for (int n = t; n < batch; n += slices) {
                    inputGradImage(Workers.single(), g, dy, dyOff, weight, wOff, dx, dxOff, workspace, t * per, n);
                }
            });
        }
    }

    private static void inputGradImage(Workers w, ConvGeometry g, float[] dy, int dyOff, float[] weight, int wOff,
                                       float[] dx, int dxOff, float[] ws, int wsOff, int n) {
        int k = g.colRows(), hw = g.colCols(), outC = g.outC();
        int xi = dxOff + n * g.inputSize(), yi = dyOff + n * g.outputSize();
        if (g.isPointwise()) {
            Gemm.sgemm(w, true, false, k, hw, outC, 1f, weight, wOff, k, dy, yi, hw, 0f, dx, xi, hw);
        } else {
            Gemm.sgemm(w, true, false, k, hw, outC, 1f, weight, wOff, k, dy, yi, hw, 0f, ws, wsOff, hw);
            Arrays.fill(dx, xi, xi + g.inputSize(), 0f);
            col2imUnchecked(g, ws, wsOff, dx, xi);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void checkBatch(String ctx, ConvGeometry g, int batch) {
        if (g == null) throw new IllegalArgumentException("geometry is null in " + ctx);
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0 in " + ctx);
        Checks.size(ctx, batch, Math.max(g.inputSize(), g.outputSize()));
    }

    /**
     * How many per-image slices fit the workspace and are worth running in parallel: a lone slice
     * needs {@code one} floats, each of several slices needs {@code each} floats.
     */
    private static int slices(Workers workers, int batch, float[] ws, int one, int each, String ctx) {
        if (workers == null) throw new IllegalArgumentException("workers is null in " + ctx);
        int have = ws == null ? 0 : ws.length;
        if (have < one) {
            throw new IllegalArgumentException("workspace has " + have + " floats, needs at least " + one + " in " + ctx);
        }
        int max = Math.min(workers.threads(), batch);
        if (max < 2) return 1;
        int fit = each == 0 ? max : have / each;
        return Math.max(1, Math.min(max, fit));
    }
}
