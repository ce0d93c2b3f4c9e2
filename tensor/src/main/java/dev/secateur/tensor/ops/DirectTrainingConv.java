package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;

/**
 * Training-time convolution without im2col columns: the forward pass is a {@link DirectConv}
 * whose packed weights are refreshed each step, the weight gradient a {@link ConvWeightGradient}
 * over the same padded images. On planes of a few dozen pixels the direct gradient's short pixel
 * loops cost more than one GEMM over kept columns, and {@link Conv2dTrainingOps} is the faster
 * choice there.
 */
public final class DirectTrainingConv {
    /** Output pixels per plane from which the direct passes beat im2col with kept columns. */
    static final int MIN_PIXELS = 64;

    private final ConvGeometry g;
    private final DirectConv conv;
    private final ConvWeightGradient gradient;

    public DirectTrainingConv(ConvGeometry g) {
        this.g = g;
        this.conv = DirectConv.from(g, new float[g.weightSize()], 0);
        this.gradient = new ConvWeightGradient(g);
    }

    /** Whether this geometry trains faster directly than through im2col columns. */
    public static boolean suits(ConvGeometry g) {
        return (long) g.outH() * g.outW() >= MIN_PIXELS;
    }

    public ConvGeometry geometry() { return g; }

    /** Floats of workspace both passes need for {@code batch} images on {@code workers}. */
    public int workspaceFloats(Workers workers, int batch) {
        return Math.max(conv.workspaceFloats(workers.threads()), gradient.workspaceFloats(workers, batch));
    }

    /** {@code y[n] = conv(x[n], W) + bias} for {@code batch} images; {@code bias} may be null. */
    public void forward(Workers workers, int batch, float[] x, int xOff, float[] weight, int wOff, float[] bias,
                        float[] y, int yOff, float[] ws) {
        conv.repack(weight, wOff);
        conv.forward(workers, x, xOff, batch, y, yOff, bias, false, false, ws, 0);
    }

    /** {@code dW = Σ_n dY[n] ⋆ x[n]}, overwriting {@code dW}. */
    public void backwardWeights(Workers workers, int batch, float[] x, int xOff, float[] dy, int dyOff, float[] dW, int dwOff,
                                float[] ws) {
        gradient.compute(workers, batch, x, xOff, dy, dyOff, dW, dwOff, ws);
    }
}
