package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.Conv2dOps;
import dev.secateur.tensor.ops.ConvGeometry;

/**
 * A convolution as one matrix product per image: {@code W[outC, inC·kh·kw] · col[inC·kh·kw,
 * outH·outW]}, which is the sparse kernels' batched layout with batch = output pixels, and whose
 * result is the image's NCHW output. A 1×1 stride-1 unpadded convolution uses the image itself as
 * {@code col}. When the kernel was compacted, im2col builds only the rows of the kept inputs.
 * Several images are multiplied as one product over their patch matrices side by side (up to
 * {@link #GROUP_FLOATS} floats of patches; the kernel splits its rows over the threads), then
 * scattered back to NCHW. When one image's patches already fill that, images are split over
 * the threads (each product single-threaded), or a single image splits the product's rows.
 * A kernel that {@link LinearKernel#convolves() convolves} skips all of that: it convolves the
 * images directly. When a 2×2 stride-2 max pooling follows ({@code pool}), the direct
 * kernel applies it in its epilogue; any other kernel writes the full output to buffer
 * {@code mid}, which is then pooled.
 */
final class ConvOp extends LinearOp {
    private final ConvGeometry g;
    private final int groupFloats;
    /** The fused pooling (null: none) and the buffer holding the unpooled output of kernels that do not pool. */
    private final PoolOp pool;
    private final int mid;

    ConvOp(int in, int out, String layer, KernelFactory factory, int slots, ConvGeometry g, int groupFloats) {
        this(in, out, -1, layer, factory, slots, g, groupFloats);
    }

    /** With {@code mid >= 0}: a 2×2 stride-2 max pooling follows, fused; {@code mid} holds unpooled outputs when needed. */
    ConvOp(int in, int out, int mid, String layer, KernelFactory factory, int slots, ConvGeometry g, int groupFloats) {
        super(in, out, layer, factory, slots);
        this.g = g;
        this.groupFloats = groupFloats;
        this.mid = mid;
        this.pool = mid < 0 ? null : new PoolOp(mid, out, true, g.outC(), g.outH(), g.outW(), 2, 2, 2);
    }

    /** Floats of im2col patches one grouped product may use (4 MB: stays in cache next to the weights). */
    static final int GROUP_FLOATS = 1 << 20;

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        LinearKernel kernel = kernels[slot];
        if (kernel.convolves() && (pool == null || kernel.poolsItself())) {
            kernel.convolve(workers, ws.bufs[in], ws.offs[in], n, ws.bufs[out], 0, pool != null, ws);
            return;
        }
        int dst = pool == null ? out : mid;
        if (kernel.convolves()) {
            kernel.convolve(workers, ws.bufs[in], ws.offs[in], n, ws.bufs[dst], 0, false, ws);
        } else {
            products(kernel, ws, n, dst, workers);
        }
        if (pool != null) pool.run(ws, n, slot, workers);
    }

    private void products(LinearKernel kernel, Workspace ws, int n, int dst, Workers workers) {
        int[] sel = kernel.keptCols();
        int patchRows = sel == null ? g.colRows() : sel.length, hw = g.colCols();
        int group = Math.min(n, Math.max(1, groupFloats / Math.max(1, patchRows * hw)));
        if (group > 1) {
            for (int i0 = 0; i0 < n; i0 += group) grouped(kernel, ws, i0, Math.min(group, n - i0), patchRows, dst, workers);
            return;
        }
        int threads = Math.min(Math.min(workers.threads(), ws.workers()), n);
        if (threads <= 1) {
            for (int i = 0; i < n; i++) image(kernel, ws, i, 0, dst, workers);
        } else {
            workers.forEach(threads, t -> {
                for (int i = t; i < n; i += threads) image(kernel, ws, i, t, dst, Workers.single());
            });
        }
    }

    /**
     * Images {@code [i0, i0+count)} as one product: their patch matrices side by side
     * ({@code [patchRows, count·hw]}), so the kernel's rows are {@code count} times longer (fewer
     * per-row overheads and masked tails), then the {@code [outC, count·hw]} result is scattered to NCHW.
     */
    private void grouped(LinearKernel kernel, Workspace ws, int i0, int count, int patchRows, int dst, Workers w) {
        int hw = g.colCols(), cols = count * hw, outC = g.outC();
        int colSize = patchRows * cols, outSize = outC * cols;
        float[] s = ws.scratch(0, colSize + outSize + kernel.scratchSize(cols, true));
        float[] x = ws.bufs[in], y = ws.bufs[dst];
        for (int i = 0; i < count; i++) {
            Conv2dOps.im2col(g, kernel.keptCols(), x, ws.offs[in] + (i0 + i) * g.inputSize(), s, i * hw, cols);
        }
        kernel.apply(w, s, 0, true, cols, s, colSize, s, colSize + outSize);
        for (int m = 0; m < outC; m++) {
            for (int i = 0; i < count; i++) {
                System.arraycopy(s, colSize + m * cols + i * hw, y, (i0 + i) * g.outputSize() + m * hw, hw);
            }
        }
    }

    private void image(LinearKernel kernel, Workspace ws, int i, int worker, int dst, Workers w) {
        float[] x = ws.bufs[in];
        int xi = ws.offs[in] + i * g.inputSize(), hw = g.colCols();
        float[] y = ws.bufs[dst];
        int yi = i * g.outputSize();
        int[] sel = kernel.keptCols();
        if (g.isPointwise() && sel == null) {
            float[] s = ws.scratch(worker, kernel.scratchSize(hw, true));
            kernel.apply(w, x, xi, true, hw, y, yi, s, 0);
            return;
        }
        int colRows = sel == null ? g.colRows() : sel.length;
        int colSize = colRows * hw;
        float[] s = ws.scratch(worker, colSize + kernel.scratchSize(hw, true));
        Conv2dOps.im2col(g, sel, x, xi, s, 0, hw);
        kernel.apply(w, s, 0, true, hw, y, yi, s, colSize);
    }

    @Override int weightRows() { return g.outC(); }

    @Override int weightCols() { return g.colRows(); }

    @Override long columns(int n) { return (long) n * g.colCols(); }

    @Override long macsPerSample() { return (long) g.outC() * g.colRows() * g.colCols(); }

    @Override String describe() { return "conv " + layer + " " + g + (pool == null ? "" : " + maxpool 2x2/2"); }

    ConvGeometry geometry() { return g; }
}
