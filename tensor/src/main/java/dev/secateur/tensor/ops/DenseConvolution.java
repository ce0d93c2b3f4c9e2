package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;

/**
 * A dense convolution kernel over packed weights, with its fused epilogue: input and output NCHW,
 * bias, optional ReLU and optional 2×2 stride-2 max pooling, workspace from the caller.
 * Implemented by {@link DirectConv} (pixels in the vector lanes) and {@link ChannelVectorConv}
 * (output channels in the vector lanes).
 */
public interface DenseConvolution {
    ConvGeometry geometry();

    /** Output floats per image: {@code outC·outH·outW}, or {@code outC·⌊outH/2⌋·⌊outW/2⌋} pooled. */
    default int outputSize(boolean pool) {
        ConvGeometry g = geometry();
        return pool ? g.outC() * (g.outH() / 2) * (g.outW() / 2) : g.outputSize();
    }

    /** Bytes of the packed weight. */
    long byteSize();

    /** Floats of workspace {@link #forward} needs on {@code threads} threads. */
    int workspaceFloats(int threads);

    /**
     * {@code y = pool(act(conv(x, W) + b))} for {@code n} CHW images stored one after another.
     *
     * @param bias {@code outC} biases, or null
     * @param pool whether a 2×2 stride-2 max pooling follows
     * @param work at least {@link #workspaceFloats workspaceFloats(workers.threads())} floats from {@code workOff}
     */
    void forward(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, boolean pool,
                 float[] work, int workOff);

    /**
     * The faster dense kernel for layer {@code g} on this platform: channels in the lanes when
     * {@link ChannelVectorConv#suits} the layer, else pixels in the lanes (few input channels: the
     * channel kernel's reduction loops are too short; one lane block of filters: one weight
     * vector per broadcast leaves it load-bound).
     */
    static DenseConvolution forLayer(ConvGeometry g, float[] weight, int wOff) {
        return ChannelVectorConv.suits(g) ? ChannelVectorConv.from(g, weight, wOff) : DirectConv.from(g, weight, wOff);
    }
}
