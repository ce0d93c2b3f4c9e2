package dev.secateur.tensor.ops;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;

import java.util.Arrays;

/**
 * 2-D convolution on NCHW batches through im2col + {@link Gemm#sgemm}:
 * {@code Y[outC, outH*outW] = W[outC, inC*kH*kW] · col[inC*kH*kW, outH*outW]} per image. A 1×1,
 * stride-1, unpadded convolution ({@link ConvGeometry#isPointwise()}) multiplies each image
 * directly (its im2col is the image itself).
 *
 * <p>Small feature maps give GEMM too few columns, so when the workspace allows, images are
 * taken in <em>groups</em>: the im2col matrices of a group sit side by side and one GEMM of
 * {@code group*outH*outW} columns serves them all; outputs and output gradients are copied
 * between NCHW and that grouped layout.
 *
 * <p>Threads: with at least two images and a workspace that holds several <em>slices</em>, the
 * batch is cut into one contiguous range of images per slice, each with its own workspace and a
 * single-threaded GEMM; otherwise images run in order with a multi-threaded GEMM. Weight gradients
 * are summed per slice and then in slice order, so results are bit-identical for a fixed pool size
 * and workspace length.
 *
 * <p>Workspace: {@link #workspaceSize(ConvGeometry)} floats suffice for every call (one slice,
 * one image at a time); {@link #workspaceSize(ConvGeometry, int)} is what the fastest plan for
 * {@code threads} threads uses.
 */
public final class Conv2dOps {
    private Conv2dOps() {}

    /** GEMM columns a group aims for: below a few hundred the packed kernel's edges and call costs dominate. */
    private static final int TARGET_COLUMNS = 384;
    /** Below this many filters forward and weight gradient use {@link RowDots} (the GEMM tile is 8 rows tall). */
    private static final int FEW_FILTERS = 8;
    /** Upper bound on images per group (keeps grouped workspaces within L2-sized blocks). */
    private static final int MAX_GROUP = 16;

    /** Floats of workspace needed for one slice working one image at a time (0 for pointwise convolutions). */
    public static int workspaceSize(ConvGeometry g) {
        return g.isPointwise() ? 0 : g.colSize();
    }

    /** Floats of workspace that let every op use {@code threads} slices with full-size image groups. */
    public static int workspaceSize(ConvGeometry g, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads + " for " + g);
        long slot = Math.max(groupFloats(g, idealGroup(g)) + (threads > 1 ? g.weightSize() : 0), workspaceSize(g));
        if (!Checks.fits(threads, slot)) Checks.size(g + " workspace for " + threads + " threads", threads, slot);
        return (int) (threads * slot);
    }

    // ---------------------------------------------------------------- im2col / col2im

    /**
     * Writes the im2col matrix of one image: {@code col[(c*kH+i)*kW+j, oh*outW+ow] =
     * x[c, oh*stride-pad+i, ow*stride-pad+j]} (0 outside the image), row-major
     * {@code [inC*kH*kW, outH*outW]}.
     */
    public static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff) {
        if (g == null || !Checks.in(x, xOff, g.inputSize()) || !Checks.in(col, colOff, g.colSize())) {
            String ctx = "im2col " + g;
            if (g == null) throw new IllegalArgumentException("geometry is null in im2col");
            Checks.range("x", x, xOff, g.inputSize(), ctx);
            Checks.range("col", col, colOff, g.colSize(), ctx);
        }
        Im2col.im2col(g, x, xOff, col, colOff, g.colCols());
    }

    /**
     * im2col of selected patch rows into a matrix with leading dimension {@code ld ≥ outH·outW}
     * (several images' patches side by side): row {@code ri} of {@code col} is patch row
     * {@code sel[ri]} (all {@code inC·kH·kW} rows when {@code sel} is null). A convolution whose
     * pruned weight never reads some patch rows builds only the others.
     */
    public static void im2col(ConvGeometry g, int[] sel, float[] x, int xOff, float[] col, int colOff, int ld) {
        if (g == null) throw new IllegalArgumentException("geometry is null in im2col");
        String ctx = "im2col " + g;
        int rows = sel == null ? g.colRows() : sel.length;
        if (ld < g.colCols()) throw new IllegalArgumentException("leading dimension " + ld + " < outH*outW " + g.colCols() + " in " + ctx);
        if (sel != null) {
            for (int r : sel) {
                if (r < 0 || r >= g.colRows()) throw new IllegalArgumentException("patch row " + r + " outside [0, " + g.colRows() + ") in " + ctx);
            }
        }
        Checks.range("x", x, xOff, g.inputSize(), ctx);
        if (rows > 0) Checks.range("col", col, colOff, (long) (rows - 1) * ld + g.colCols(), ctx);
        Im2col.im2col(g, sel, x, xOff, col, colOff, ld);
    }

    /** Adds the adjoint of im2col: {@code dx[c, ih, iw] += Σ col entries that im2col read from there}. */
    public static void col2im(ConvGeometry g, float[] col, int colOff, float[] dx, int dxOff) {
        if (g == null || !Checks.in(col, colOff, g.colSize()) || !Checks.in(dx, dxOff, g.inputSize())) {
            String ctx = "col2im " + g;
            if (g == null) throw new IllegalArgumentException("geometry is null in col2im");
            Checks.range("col", col, colOff, g.colSize(), ctx);
            Checks.range("dx", dx, dxOff, g.inputSize(), ctx);
        }
        Im2col.col2im(g, col, colOff, g.colCols(), dx, dxOff);
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
        if (!(batchOk(workers, g, batch) && Checks.in(x, xOff, (long) batch * g.inputSize())
                && Checks.in(weight, wOff, g.weightSize()) && (bias == null || Checks.in(bias, 0, g.outC()))
                && Checks.in(y, yOff, (long) batch * g.outputSize()) && length(workspace) >= workspaceSize(g))) {
            String ctx = "conv forward " + g + " batch " + batch;
            checkBatch(ctx, workers, g, batch);
            Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
            Checks.range("weight", weight, wOff, g.weightSize(), ctx);
            if (bias != null) Checks.range("bias", bias, 0, g.outC(), ctx);
            Checks.range("y", y, yOff, (long) batch * g.outputSize(), ctx);
            checkWorkspace(ctx, workspace, workspaceSize(g));
        }
        if (batch == 0) return;
        long plan = plan(workers, g, batch, length(workspace), 0);
        int slices = slicesOf(plan), group = groupOf(plan);
        if (slices == 1) {
            forwardRange(workers, g, 0, batch, group, x, xOff, weight, wOff, bias, y, yOff, workspace, 0);
            return;
        }
        int slot = length(workspace) / slices;
        workers.forEach(slices, t -> forwardRange(Workers.single(), g, first(batch, slices, t), first(batch, slices, t + 1),
                group, x, xOff, weight, wOff, bias, y, yOff, workspace, t * slot));
    }

    private static void forwardRange(Workers w, ConvGeometry g, int from, int to, int group, float[] x, int xOff,
                                     float[] weight, int wOff, float[] bias, float[] y, int yOff, float[] ws, int wsOff) {
        int k = g.colRows(), hw = g.colCols(), outC = g.outC();
        int step = g.isPointwise() ? 1 : group;
        for (int n = from; n < to; n += step) {
            int gn = Math.min(step, to - n), cols = gn * hw;
            int xi = xOff + n * g.inputSize(), yi = yOff + n * g.outputSize();
            if (g.isPointwise()) {
                product(w, outC, hw, k, weight, wOff, x, xi, y, yi);
                if (bias != null) Elementwise.addBiasChannels(y, yi, 1, outC, hw, bias, 0);
            } else if (gn == 1) {
                Im2col.im2col(g, x, xi, ws, wsOff, hw);
                product(w, outC, hw, k, weight, wOff, ws, wsOff, y, yi);
                if (bias != null) Elementwise.addBiasChannels(y, yi, 1, outC, hw, bias, 0);
            } else {
                int out = wsOff + gn * g.colSize();
                for (int i = 0; i < gn; i++) Im2col.im2col(g, x, xi + i * g.inputSize(), ws, wsOff + i * hw, cols);
                product(w, outC, cols, k, weight, wOff, ws, wsOff, ws, out);
                if (bias != null) Elementwise.addBiasChannels(ws, out, 1, outC, cols, bias, 0);
                fromGrouped(ws, out, gn, outC, hw, y, yi);
            }
        }
    }

    /** {@code Y[outC, cols] = W[outC, k] · col[k, cols]}; few filters skip the packed GEMM (see {@link RowDots}). */
    private static void product(Workers w, int outC, int cols, int k, float[] weight, int wOff, float[] col, int colOff,
                                float[] y, int yOff) {
        if (outC < FEW_FILTERS) {
            RowDots.ab(outC, cols, k, weight, wOff, k, col, colOff, cols, y, yOff, cols);
        } else {
            Gemm.sgemm(w, false, false, outC, cols, k, 1f, weight, wOff, k, col, colOff, cols, 0f, y, yOff, cols);
        }
    }

    // ---------------------------------------------------------------- backward

    /**
     * Accumulates the weight and bias gradients: {@code dW += Σ_n dY[n] · col(x[n])ᵀ},
     * {@code db[f] += Σ_n Σ_p dY[n, f, p]}.
     *
     * @param dW        {@code [outC, inC*kH*kW]} from {@code dwOff}, accumulated into
     * @param db        {@code outC} values from index 0, accumulated into, or null
     * @param workspace at least {@link #workspaceSize(ConvGeometry)} floats
     */
    public static void backwardWeights(Workers workers, ConvGeometry g, int batch, float[] x, int xOff,
                                       float[] dy, int dyOff, float[] dW, int dwOff, float[] db, float[] workspace) {
        if (!(batchOk(workers, g, batch) && Checks.in(x, xOff, (long) batch * g.inputSize())
                && Checks.in(dy, dyOff, (long) batch * g.outputSize()) && Checks.in(dW, dwOff, g.weightSize())
                && (db == null || Checks.in(db, 0, g.outC())) && length(workspace) >= workspaceSize(g))) {
            String ctx = "conv backwardWeights " + g + " batch " + batch;
            checkBatch(ctx, workers, g, batch);
            Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
            Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
            Checks.range("dW", dW, dwOff, g.weightSize(), ctx);
            if (db != null) Checks.range("db", db, 0, g.outC(), ctx);
            checkWorkspace(ctx, workspace, workspaceSize(g));
        }
        if (batch == 0) return;
        long plan = plan(workers, g, batch, length(workspace), g.weightSize());
        int slices = slicesOf(plan), group = groupOf(plan);
        if (slices == 1) {
            weightGradRange(workers, g, 0, batch, group, x, xOff, dy, dyOff, dW, dwOff, true, workspace, 0);
        } else {
            int slot = length(workspace) / slices, wsz = g.weightSize();
            workers.forEach(slices, t -> weightGradRange(Workers.single(), g, first(batch, slices, t),
                    first(batch, slices, t + 1), group, x, xOff, dy, dyOff, workspace, t * slot + slot - wsz, false,
                    workspace, t * slot));
            // Fixed summation order over slices keeps the result bit-identical run to run.
            for (int t = 0; t < slices; t++) Elementwise.axpy(1f, workspace, t * slot + slot - wsz, dW, dwOff, wsz);
        }
        if (db != null) Elementwise.sumChannels(dy, dyOff, batch, g.outC(), g.colCols(), db, 0);
    }

    /** {@code dW (+)= Σ over images [from, to) of dY·colᵀ}; {@code accumulate == false} overwrites first. */
    private static void weightGradRange(Workers w, ConvGeometry g, int from, int to, int group, float[] x, int xOff,
                                        float[] dy, int dyOff, float[] dW, int dwOff, boolean accumulate,
                                        float[] ws, int wsOff) {
        int k = g.colRows(), hw = g.colCols(), outC = g.outC();
        int step = g.isPointwise() ? 1 : group;
        for (int n = from; n < to; n += step) {
            float beta = accumulate || n > from ? 1f : 0f;
            int gn = Math.min(step, to - n), cols = gn * hw;
            int xi = xOff + n * g.inputSize(), yi = dyOff + n * g.outputSize();
            if (g.isPointwise()) {
                addGradient(w, outC, k, hw, dy, yi, x, xi, beta, dW, dwOff);
            } else if (gn == 1) {
                Im2col.im2col(g, x, xi, ws, wsOff, hw);
                addGradient(w, outC, k, hw, dy, yi, ws, wsOff, beta, dW, dwOff);
            } else {
                int dyg = wsOff + gn * g.colSize();
                for (int i = 0; i < gn; i++) Im2col.im2col(g, x, xi + i * g.inputSize(), ws, wsOff + i * hw, cols);
                toGrouped(dy, yi, gn, outC, hw, ws, dyg);
                addGradient(w, outC, k, cols, ws, dyg, ws, wsOff, beta, dW, dwOff);
            }
        }
    }

    /**
     * {@code dW = beta·dW + dY·colᵀ} with dY {@code [outC, cols]} and col {@code [k, cols]}. With
     * fewer filters than the GEMM micro-tile has rows, plain row dot products win (no packing, no
     * padded tile rows).
     */
    private static void addGradient(Workers w, int outC, int k, int cols, float[] dy, int dyOff, float[] col, int colOff,
                                    float beta, float[] dW, int dwOff) {
        if (outC < FEW_FILTERS) {
            RowDots.abt(outC, k, cols, dy, dyOff, cols, col, colOff, cols, beta, dW, dwOff, k);
        } else {
            Gemm.sgemm(w, false, true, outC, k, cols, 1f, dy, dyOff, cols, col, colOff, cols, beta, dW, dwOff, k);
        }
    }

    /**
     * Input gradient: {@code dx[n] = col2im(Wᵀ · dY[n])}; {@code dx} is overwritten.
     *
     * @param workspace at least {@link #workspaceSize(ConvGeometry)} floats (may be null when that is 0)
     */
    public static void backwardInput(Workers workers, ConvGeometry g, int batch, float[] dy, int dyOff,
                                     float[] weight, int wOff, float[] dx, int dxOff, float[] workspace) {
        if (!(batchOk(workers, g, batch) && Checks.in(dy, dyOff, (long) batch * g.outputSize())
                && Checks.in(weight, wOff, g.weightSize()) && Checks.in(dx, dxOff, (long) batch * g.inputSize())
                && length(workspace) >= workspaceSize(g))) {
            String ctx = "conv backwardInput " + g + " batch " + batch;
            checkBatch(ctx, workers, g, batch);
            Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
            Checks.range("weight", weight, wOff, g.weightSize(), ctx);
            Checks.range("dx", dx, dxOff, (long) batch * g.inputSize(), ctx);
            checkWorkspace(ctx, workspace, workspaceSize(g));
        }
        if (batch == 0) return;
        long plan = plan(workers, g, batch, length(workspace), 0);
        int slices = slicesOf(plan), group = groupOf(plan);
        if (slices == 1) {
            inputGradRange(workers, g, 0, batch, group, dy, dyOff, weight, wOff, dx, dxOff, workspace, 0);
            return;
        }
        int slot = length(workspace) / slices;
        workers.forEach(slices, t -> inputGradRange(Workers.single(), g, first(batch, slices, t),
                first(batch, slices, t + 1), group, dy, dyOff, weight, wOff, dx, dxOff, workspace, t * slot));
    }

    private static void inputGradRange(Workers w, ConvGeometry g, int from, int to, int group, float[] dy, int dyOff,
                                       float[] weight, int wOff, float[] dx, int dxOff, float[] ws, int wsOff) {
        int k = g.colRows(), hw = g.colCols(), outC = g.outC();
        int step = g.isPointwise() ? 1 : group;
        for (int n = from; n < to; n += step) {
            int gn = Math.min(step, to - n), cols = gn * hw;
            int xi = dxOff + n * g.inputSize(), yi = dyOff + n * g.outputSize();
            if (g.isPointwise()) {
                Gemm.sgemm(w, true, false, k, hw, outC, 1f, weight, wOff, k, dy, yi, hw, 0f, dx, xi, hw);
                continue;
            }
            if (gn == 1) {
                Gemm.sgemm(w, true, false, k, hw, outC, 1f, weight, wOff, k, dy, yi, hw, 0f, ws, wsOff, hw);
            } else {
                int dyg = wsOff + gn * g.colSize();
                toGrouped(dy, yi, gn, outC, hw, ws, dyg);
                Gemm.sgemm(w, true, false, k, cols, outC, 1f, weight, wOff, k, ws, dyg, cols, 0f, ws, wsOff, cols);
            }
            Arrays.fill(dx, xi, xi + gn * g.inputSize(), 0f);
            for (int i = 0; i < gn; i++) Im2col.col2im(g, ws, wsOff + i * hw, cols, dx, xi + i * g.inputSize());
        }
    }

    // ---------------------------------------------------------------- grouped layout

    /** NCHW {@code [gn][c][hw]} → grouped {@code [c][gn*hw]}. */
    private static void toGrouped(float[] src, int srcOff, int gn, int channels, int hw, float[] dst, int dstOff) {
        int cols = gn * hw;
        for (int i = 0; i < gn; i++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(src, srcOff + (i * channels + c) * hw, dst, dstOff + c * cols + i * hw, hw);
            }
        }
    }

    /** Grouped {@code [c][gn*hw]} → NCHW {@code [gn][c][hw]}. */
    private static void fromGrouped(float[] src, int srcOff, int gn, int channels, int hw, float[] dst, int dstOff) {
        int cols = gn * hw;
        for (int i = 0; i < gn; i++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(src, srcOff + c * cols + i * hw, dst, dstOff + (i * channels + c) * hw, hw);
            }
        }
    }

    // ---------------------------------------------------------------- planning

    /** Images per group that give GEMM about {@link #TARGET_COLUMNS} columns (1 for pointwise). */
    private static int idealGroup(ConvGeometry g) {
        if (g.isPointwise()) return 1;
        int want = (TARGET_COLUMNS + g.colCols() - 1) / g.colCols();
        return Math.max(1, Math.min(MAX_GROUP, want));
    }

    /** Workspace floats of one slice running groups of {@code group} images (without a partial dW). */
    private static long groupFloats(ConvGeometry g, int group) {
        if (g.isPointwise()) return 0;
        return group == 1 ? g.colSize() : (long) group * ((long) g.colSize() + g.outputSize());
    }

    /**
     * Picks the number of slices (parallel image ranges) and the group size that fit a workspace
     * of {@code have} floats: as many slices as threads and images allow, then the largest group
     * up to the ideal. {@code extra} floats per slice are needed when there are several slices.
     * Returns {@code slices << 32 | group}.
     */
    private static long plan(Workers workers, ConvGeometry g, int batch, int have, int extra) {
        int ideal = idealGroup(g);
        for (int s = Math.min(workers.threads(), batch); s >= 2; s--) {
            long per = have / s - (long) extra;
            int perSlice = (batch + s - 1) / s;
            for (int gr = Math.min(ideal, perSlice); gr >= 1; gr--) {
                if (groupFloats(g, gr) <= per) return ((long) s << 32) | gr;
            }
        }
        for (int gr = Math.min(ideal, batch); gr >= 1; gr--) {
            if (groupFloats(g, gr) <= have) return (1L << 32) | gr;
        }
        return (1L << 32) | 1;
    }

    private static int slicesOf(long plan) { return (int) (plan >>> 32); }

    private static int groupOf(long plan) { return (int) plan; }

    /** First image of slice {@code t} of {@code slices} contiguous ranges. */
    private static int first(int batch, int slices, int t) {
        return (int) ((long) batch * t / slices);
    }

    // ---------------------------------------------------------------- checks

    private static boolean batchOk(Workers workers, ConvGeometry g, int batch) {
        return workers != null && g != null && Checks.fits(batch, Math.max(g.inputSize(), g.outputSize()));
    }

    private static void checkBatch(String ctx, Workers workers, ConvGeometry g, int batch) {
        if (workers == null) throw new IllegalArgumentException("workers is null in " + ctx);
        if (g == null) throw new IllegalArgumentException("geometry is null in " + ctx);
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0 in " + ctx);
        Checks.size(ctx, batch, Math.max(g.inputSize(), g.outputSize()));
    }

    private static int length(float[] a) {
        return a == null ? 0 : a.length;
    }

    private static void checkWorkspace(String ctx, float[] ws, int need) {
        if (length(ws) < need) {
            throw new IllegalArgumentException("workspace has " + length(ws) + " floats, needs at least " + need + " in " + ctx);
        }
    }
}
