package dev.secateur.tensor.ops;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;

/**
 * Training-time 2-D convolution (im2col + GEMM) that keeps the forward pass's im2col columns
 * for the weight gradient: {@link #forward} writes the columns of the whole batch into a
 * caller-owned buffer of {@link #columnsSize} floats, and {@link #backwardWeights} multiplies the
 * output gradient with those columns instead of building them a second time. The input gradient
 * needs no columns ({@link Conv2dOps#backwardInput}).
 *
 * <p>Images are cut into one contiguous range per thread; within a range, groups of images have
 * their columns side by side (one GEMM of {@code group·outH·outW} columns per group). The columns
 * of the group starting at image {@code n} begin at {@code n·colSize} with leading dimension
 * {@code group·outH·outW}, so both passes must be called with the same pool and batch size.
 * Weight-gradient partials are summed in range order: results are bit-identical for a fixed pool
 * size.
 */
public final class Conv2dTrainingOps {
    private Conv2dTrainingOps() {}

    /** GEMM columns a group aims for (small feature maps give one image too few columns). */
    private static final int TARGET_COLUMNS = 512;
    private static final int MAX_GROUP = 16;
    /** Below this many filters the products use {@link RowDots} (the GEMM tile is 8 rows tall). */
    private static final int FEW_FILTERS = 8;

    /** Floats of the column buffer for {@code batch} images. */
    public static int columnsSize(ConvGeometry g, int batch) {
        long n = (long) batch * g.colSize();
        if (batch < 0 || n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("im2col columns of " + batch + " images of " + g + " do not fit an array");
        return (int) n;
    }

    /** Floats of workspace {@link #forward} and {@link #backwardWeights} need with this pool and batch. */
    public static int workspaceSize(Workers workers, ConvGeometry g, int batch) {
        long n = (long) slices(workers, batch) * slot(g);
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("workspace of " + g + " batch " + batch + " does not fit an array");
        return (int) n;
    }

    /**
     * {@code y[n] = conv(x[n], W) + bias}, overwriting {@code y}; the im2col columns of every image
     * are left in {@code cols} for {@link #backwardWeights}.
     *
     * @param weight {@code [outC, inC·kH·kW]} from {@code wOff}
     * @param bias   {@code outC} values from index 0, or null
     */
    public static void forward(Workers workers, ConvGeometry g, int batch, float[] x, int xOff, float[] weight, int wOff,
                               float[] bias, float[] y, int yOff, float[] cols, float[] ws) {
        if (!(commonOk(workers, g, batch, cols, ws) && Checks.in(x, xOff, (long) batch * g.inputSize())
                && Checks.in(weight, wOff, g.weightSize()) && (bias == null || Checks.in(bias, 0, g.outC()))
                && Checks.in(y, yOff, (long) batch * g.outputSize()))) {
            String ctx = "training conv forward " + g + " batch " + batch;
            checkCommon(ctx, workers, g, batch, cols, ws);
            Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
            Checks.range("weight", weight, wOff, g.weightSize(), ctx);
            if (bias != null) Checks.range("bias", bias, 0, g.outC(), ctx);
            Checks.range("y", y, yOff, (long) batch * g.outputSize(), ctx);
        }
        if (batch == 0) return;
        int slices = slices(workers, batch), slot = slot(g);
        if (slices == 1) {
            forwardRange(g, 0, batch, x, xOff, weight, wOff, bias, y, yOff, cols, ws, 0);
        } else {
            workers.forEach(slices, t -> forwardRange(g, first(batch, slices, t), first(batch, slices, t + 1),
                    x, xOff, weight, wOff, bias, y, yOff, cols, ws, t * slot));
        }
    }

    private static void forwardRange(ConvGeometry g, int from, int to, float[] x, int xOff, float[] weight, int wOff,
                                     float[] bias, float[] y, int yOff, float[] cols, float[] ws, int wsOff) {
        int k = g.colRows(), hw = g.colCols(), outC = g.outC(), group = group(g);
        for (int n = from; n < to; n += group) {
            int gn = Math.min(group, to - n), width = gn * hw, c0 = n * g.colSize();
            int yi = yOff + n * g.outputSize();
            for (int i = 0; i < gn; i++) Im2col.im2col(g, x, xOff + (n + i) * g.inputSize(), cols, c0 + i * hw, width);
            if (gn == 1) {
                product(outC, hw, k, weight, wOff, cols, c0, y, yi);
                if (bias != null) Elementwise.addBiasChannels(y, yi, 1, outC, hw, bias, 0);
            } else {
                product(outC, width, k, weight, wOff, cols, c0, ws, wsOff);
                if (bias != null) Elementwise.addBiasChannels(ws, wsOff, 1, outC, width, bias, 0);
                fromGrouped(ws, wsOff, gn, outC, hw, y, yi);
            }
        }
    }

    /**
     * {@code dW = Σ_n dY[n] · col(x[n])ᵀ}, overwriting {@code dW}, from the columns that
     * {@link #forward} left in {@code cols} (same pool, geometry and batch).
     */
    public static void backwardWeights(Workers workers, ConvGeometry g, int batch, float[] dy, int dyOff, float[] cols,
                                       float[] dW, int dwOff, float[] ws) {
        if (!(commonOk(workers, g, batch, cols, ws) && Checks.in(dy, dyOff, (long) batch * g.outputSize())
                && Checks.in(dW, dwOff, g.weightSize()))) {
            String ctx = "training conv backwardWeights " + g + " batch " + batch;
            checkCommon(ctx, workers, g, batch, cols, ws);
            Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
            Checks.range("dW", dW, dwOff, g.weightSize(), ctx);
        }
        int wsz = g.weightSize();
        if (batch == 0) {
            java.util.Arrays.fill(dW, dwOff, dwOff + wsz, 0f);
            return;
        }
        int slices = slices(workers, batch), slot = slot(g);
        if (slices == 1) {
            weightRange(g, 0, batch, dy, dyOff, cols, dW, dwOff, ws, 0);
            return;
        }
        workers.forEach(slices, t -> weightRange(g, first(batch, slices, t), first(batch, slices, t + 1), dy, dyOff, cols,
                ws, t * slot + slot - wsz, ws, t * slot));
        // Fixed summation order over ranges keeps the result bit-identical run to run.
        System.arraycopy(ws, slot - wsz, dW, dwOff, wsz);
        for (int t = 1; t < slices; t++) Elementwise.axpy(1f, ws, t * slot + slot - wsz, dW, dwOff, wsz);
    }

    private static void weightRange(ConvGeometry g, int from, int to, float[] dy, int dyOff, float[] cols,
                                    float[] dW, int dwOff, float[] ws, int wsOff) {
        int k = g.colRows(), hw = g.colCols(), outC = g.outC(), group = group(g);
        for (int n = from; n < to; n += group) {
            int gn = Math.min(group, to - n), width = gn * hw, c0 = n * g.colSize();
            float beta = n > from ? 1f : 0f;
            int yi = dyOff + n * g.outputSize();
            if (gn == 1) {
                gradient(outC, k, hw, dy, yi, cols, c0, beta, dW, dwOff);
            } else {
                toGrouped(dy, yi, gn, outC, hw, ws, wsOff);
                gradient(outC, k, width, ws, wsOff, cols, c0, beta, dW, dwOff);
            }
        }
    }

    /** {@code Y[outC, n] = W[outC, k] · col[k, n]}. */
    private static void product(int outC, int n, int k, float[] w, int wOff, float[] col, int colOff, float[] y, int yOff) {
        if (outC < FEW_FILTERS) RowDots.ab(outC, n, k, w, wOff, k, col, colOff, n, y, yOff, n);
        else Gemm.sgemm(Workers.single(), false, false, outC, n, k, 1f, w, wOff, k, col, colOff, n, 0f, y, yOff, n);
    }

    /** {@code dW = beta·dW + dY[outC, n] · col[k, n]ᵀ}. */
    private static void gradient(int outC, int k, int n, float[] dy, int dyOff, float[] col, int colOff, float beta,
                                 float[] dW, int dwOff) {
        if (outC < FEW_FILTERS) RowDots.abt(outC, k, n, dy, dyOff, n, col, colOff, n, beta, dW, dwOff, k);
        else Gemm.sgemm(Workers.single(), false, true, outC, k, n, 1f, dy, dyOff, n, col, colOff, n, beta, dW, dwOff, k);
    }

    /** NCHW {@code [gn][c][hw]} → grouped {@code [c][gn·hw]}. */
    private static void toGrouped(float[] src, int srcOff, int gn, int channels, int hw, float[] dst, int dstOff) {
        int width = gn * hw;
        for (int i = 0; i < gn; i++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(src, srcOff + (i * channels + c) * hw, dst, dstOff + c * width + i * hw, hw);
            }
        }
    }

    /** Grouped {@code [c][gn·hw]} → NCHW {@code [gn][c][hw]}. */
    private static void fromGrouped(float[] src, int srcOff, int gn, int channels, int hw, float[] dst, int dstOff) {
        int width = gn * hw;
        for (int i = 0; i < gn; i++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(src, srcOff + c * width + i * hw, dst, dstOff + (i * channels + c) * hw, hw);
            }
        }
    }

    private static int group(ConvGeometry g) {
        int want = (TARGET_COLUMNS + g.colCols() - 1) / g.colCols();
        return Math.max(1, Math.min(MAX_GROUP, want));
    }

    /** One range's workspace: a grouped output (gradient) plus a partial weight gradient. */
    private static int slot(ConvGeometry g) {
        return group(g) * g.outputSize() + g.weightSize();
    }

    private static int slices(Workers workers, int batch) {
        return Math.max(1, Math.min(workers.threads(), batch));
    }

    private static int first(int batch, int slices, int t) {
        return (int) ((long) batch * t / slices);
    }

    /** The common preconditions, without building a message (the hot path allocates nothing). */
    private static boolean commonOk(Workers workers, ConvGeometry g, int batch, float[] cols, float[] ws) {
        return workers != null && g != null && batch >= 0 && Checks.fits(batch, Math.max(g.inputSize(), g.outputSize()))
                && Checks.fits(batch, g.colSize()) && Checks.in(cols, 0, (long) batch * g.colSize())
                && Checks.in(ws, 0, (long) slices(workers, batch) * slot(g));
    }

    private static void checkCommon(String ctx, Workers workers, ConvGeometry g, int batch, float[] cols, float[] ws) {
        if (workers == null) throw new IllegalArgumentException("workers is null in " + ctx);
        if (g == null) throw new IllegalArgumentException("geometry is null in " + ctx);
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0 in " + ctx);
        Checks.size(ctx, batch, Math.max(g.inputSize(), g.outputSize()));
        Checks.range("cols", cols, 0, columnsSize(g, batch), ctx);
        Checks.range("workspace", ws, 0, workspaceSize(workers, g, batch), ctx);
    }
}
