package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorPlatform;

/**
 * Training-time convolution without im2col columns: the forward pass is a {@link DirectConv}
 * whose packed weights are refreshed each step, the weight gradient a {@link ConvWeightGradient}
 * over the same padded images. Only where the gradient would leave most of its lanes empty (few
 * filters on a small plane) is {@link Conv2dTrainingOps}, im2col with the columns kept for the
 * gradient, the better choice.
 */
public final class DirectTrainingConv {
    private static final int L = VectorPlatform.LANES;

    private final ConvGeometry g;
    private final DirectConv conv;
    private final ConvWeightGradient gradient;

    public DirectTrainingConv(ConvGeometry g) {
        this.g = g;
        this.conv = DirectConv.from(g, new float[g.weightSize()], 0);
        this.gradient = new ConvWeightGradient(g);
    }

    /**
     * Whether this geometry trains faster directly than through im2col columns: when the weight
     * gradient fills its lanes with filters (half a vector or more) or with pixels (planes of
     * {@value ConvWeightGradient#PIXEL_LANES_FROM} or more).
     */
    public static boolean suits(ConvGeometry g) {
        return 2 * g.outC() >= L || (long) g.outH() * g.outW() >= ConvWeightGradient.PIXEL_LANES_FROM;
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
