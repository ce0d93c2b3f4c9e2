package dev.secateur.nn.compiled;

/**
 * A step whose work is a matrix product with a layer's weight (dense or convolution): holds the
 * chosen kernel per calibrated batch size, and the factory that builds candidates.
 */
abstract class LinearOp extends Op {
    final String layer;
    final KernelFactory factory;
    final LinearKernel[] kernels;

    LinearOp(int in, int out, String layer, KernelFactory factory, int slots) {
        super(in, out);
        this.layer = layer;
        this.factory = factory;
        this.kernels = new LinearKernel[slots];
    }

    /** Rows × columns of the weight matrix (outputs × inputs). */
    abstract int weightRows();

    abstract int weightCols();

    /** Activation columns one call with {@code n} samples multiplies (n, or n·outH·outW for a convolution). */
    abstract long columns(int n);

    /** Multiply-adds per sample with the dense weight. */
    abstract long macsPerSample();
}
