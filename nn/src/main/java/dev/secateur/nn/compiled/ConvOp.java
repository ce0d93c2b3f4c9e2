package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.ConvGeometry;

/**
 * A convolution as one matrix product per image: {@code W[outC, inC·kh·kw] · col[inC·kh·kw,
 * outH·outW]}, which is the sparse kernels' batched layout with batch = output pixels, and whose
 * result is the image's NCHW output. A 1×1 stride-1 unpadded convolution uses the image itself as
 * {@code col}. When the kernel was compacted, im2col builds only the rows of the kept inputs.
 * With several threads and several images, images are split over the threads (each product
 * then runs single-threaded); a single image splits the product's rows instead.
 */
final class ConvOp extends LinearOp {
    private final ConvGeometry g;

    ConvOp(int in, int out, String layer, KernelFactory factory, int slots, ConvGeometry g) {
        super(in, out, layer, factory, slots);
        this.g = g;
    }

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        LinearKernel kernel = kernels[slot];
        int threads = Math.min(Math.min(workers.threads(), ws.workers()), n);
        if (threads <= 1) {
            for (int i = 0; i < n; i++) image(kernel, ws, i, 0, workers);
        } else {
            workers.forEach(threads, t -> {
                for (int i = t; i < n; i += threads) image(kernel, ws, i, t, Workers.single());
            });
        }
    }

    private void image(LinearKernel kernel, Workspace ws, int i, int worker, Workers w) {
        float[] x = ws.bufs[in];
        int xi = ws.offs[in] + i * g.inputSize(), hw = g.colCols();
        float[] y = ws.bufs[out];
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
        Im2col.rows(g, sel, x, xi, s, 0);
        kernel.apply(w, s, 0, true, hw, y, yi, s, colSize);
    }

    @Override int weightRows() { return g.outC(); }

    @Override int weightCols() { return g.colRows(); }

    @Override long columns(int n) { return (long) n * g.colCols(); }

    @Override long macsPerSample() { return (long) g.outC() * g.colRows() * g.colCols(); }

    @Override String describe() { return "conv " + layer + " " + g; }

    ConvGeometry geometry() { return g; }
}
