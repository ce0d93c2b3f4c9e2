package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

/**
 * A fully connected layer in the feature-major layout: input {@code [K, n]}, output
 * {@code [M, n]} (the layout in which the sparse kernels vectorize along the batch). Bias and a
 * following ReLU are applied in the kernel's epilogue.
 */
final class DenseOp extends LinearOp {
    private final int k, m;

    DenseOp(int in, int out, String layer, KernelFactory factory, int slots, int k, int m) {
        super(in, out, layer, factory, slots);
        this.k = k;
        this.m = m;
    }

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        LinearKernel kernel = kernels[slot];
        float[] scratch = ws.scratch(0, kernel.scratchSize(n, false));
        kernel.apply(workers, ws.bufs[in], ws.offs[in], false, n, ws.bufs[out], 0, scratch, 0);
    }

    @Override int weightRows() { return m; }

    @Override int weightCols() { return k; }

    @Override long columns(int n) { return n; }

    @Override long macsPerSample() { return (long) m * k; }

    @Override String describe() { return "dense " + layer + " " + k + "->" + m; }
}
