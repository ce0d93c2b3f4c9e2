package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

/**
 * A fully connected layer with its output in the feature-major layout {@code [M, n]} (the layout
 * in which the sparse kernels vectorize along the batch). Its input is feature-major
 * {@code [K, n]} too, or sample-major {@code [n, K]} when {@code sampleMajorInput} (the first dense
 * layer after the input or a convolution): the dense kernel reads that directly, the others
 * transpose it into their scratch. Bias and a following ReLU are applied in the kernel's epilogue.
 */
final class DenseOp extends LinearOp {
    private final int k, m;
    private final boolean sampleMajorInput;

    DenseOp(int in, int out, String layer, KernelFactory factory, int slots, int k, int m) {
        this(in, out, layer, factory, slots, k, m, false);
    }

    DenseOp(int in, int out, String layer, KernelFactory factory, int slots, int k, int m, boolean sampleMajorInput) {
        super(in, out, layer, factory, slots);
        this.k = k;
        this.m = m;
        this.sampleMajorInput = sampleMajorInput;
    }

    @Override void run(Workspace ws, int n, int slot, Workers workers) {
        LinearKernel kernel = kernels[slot];
        if (sampleMajorInput) {
            float[] scratch = ws.scratch(0, kernel.scratchSizeSampleMajor(n));
            kernel.applySampleMajor(workers, ws.bufs[in], ws.offs[in], n, ws.bufs[out], 0, scratch, 0);
            return;
        }
        float[] scratch = ws.scratch(0, kernel.scratchSize(n, false));
        kernel.apply(workers, ws.bufs[in], ws.offs[in], false, n, ws.bufs[out], 0, scratch, 0);
    }

    /** Whether the input is sample-major (then the dense kernel and panel CSR run their sample-major entry). */
    boolean sampleMajorInput() { return sampleMajorInput; }

    @Override int weightRows() { return m; }

    @Override int weightCols() { return k; }

    @Override long columns(int n) { return n; }

    @Override long macsPerSample() { return (long) m * k; }

    @Override String describe() { return "dense " + layer + " " + k + "->" + m; }
}
