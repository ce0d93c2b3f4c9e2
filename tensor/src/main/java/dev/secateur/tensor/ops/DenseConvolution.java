package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import java.util.function.BiFunction;

/**
 * A dense convolution kernel over packed weights, with its fused epilogue: input and output NCHW,
 * bias, optional ReLU and optional 2×2 stride-2 max pooling, workspace from the caller.
 * Implemented by {@link DirectConv} (pixels in the vector lanes), {@link ChannelVectorConv}
 * (output channels in the vector lanes) and, for 3×3 stride-1 layers, {@link WinogradConv}
 * (fewer multiplies; a candidate a tuner times, not a {@link #forLayer} choice).
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
     * Names the compiled code {@link #warmProxy} warms: kernels with the same key run the same
     * register blocks, so a JIT warm-up for one serves them all.
     */
    String warmKey();

    /**
     * A cheap call through this kernel's code for a tuner's JIT warm-up (see
     * {@code KernelTuner.Candidate#proxy}): a kernel whose code the JIT has not compiled yet runs
     * hundreds of times slower, and a tuning that times it then picks a slower kernel.
     */
    Runnable warmProxy();

    /**
     * A proxy for {@link #warmProxy}: the kernel {@code from} builds for {@code inC} input and
     * {@code outC} output channels with layer {@code g}'s kernel and stride on an image of 6 × 11
     * output pixels (no padding), called unpooled and pooled with bias and ReLU, on its own buffers.
     * Callers pick the fewest channels that still run every register block of the real layer, so
     * the warm-up stays cheap on wide layers.
     */
    static Runnable proxy(ConvGeometry g, int inC, int outC, BiFunction<ConvGeometry, float[], DenseConvolution> from) {
        int s = g.stride();
        ConvGeometry small = new ConvGeometry(inC, g.kH() + 5 * s, g.kW() + 10 * s, outC, g.kH(), g.kW(), s, 0);
        float[] w = new float[small.weightSize()], b = new float[outC], x = new float[small.inputSize()];
        // Small non-zero values: the warm-up must not run into subnormals or trivially zero sums.
        for (int i = 0; i < w.length; i++) w[i] = ((i * 7 + 3) % 13 - 6) / 64f;
        for (int i = 0; i < x.length; i++) x[i] = ((i * 5 + 1) % 11) / 16f;
        for (int i = 0; i < b.length; i++) b[i] = (i % 5 - 2) / 8f;
        DenseConvolution conv = from.apply(small, w);
        float[] y = new float[small.outputSize()], work = new float[conv.workspaceFloats(1)];
        Workers one = Workers.single();
        return () -> {
            conv.forward(one, x, 0, 1, y, 0, b, true, false, work, 0);
            conv.forward(one, x, 0, 1, y, 0, b, true, true, work, 0);
        };
    }

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
