package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;

/**
 * A stride-1 convolution's input gradient as a direct convolution: {@code dX} is the output
 * gradient, zero-padded by {@code k − 1 − pad}, correlated with the weights flipped in both
 * spatial axes and with input and output channels swapped. A {@link DirectConv} over that
 * geometry does it without the im2col columns and the col2im scatter of
 * {@link Conv2dOps#backwardInput}; its packed weights are refreshed from the layer's each call.
 */
public final class DirectInputGradient {
    private final ConvGeometry g;
    private final DirectConv conv;
    private final float[] flipped;

    public DirectInputGradient(ConvGeometry g) {
        if (!supports(g)) throw new IllegalArgumentException("direct input gradient needs stride 1 and padding below the kernel: " + g);
        this.g = g;
        this.flipped = new float[g.weightSize()];
        ConvGeometry back = new ConvGeometry(g.outC(), g.outH(), g.outW(), g.inC(), g.kH(), g.kW(), 1, g.kH() - 1 - g.pad());
        this.conv = DirectConv.from(back, flipped, 0);
    }

    /** Stride 1, square kernel, padding no wider than {@code k − 1}. */
    public static boolean supports(ConvGeometry g) {
        return g != null && g.stride() == 1 && g.kH() == g.kW() && g.pad() <= g.kH() - 1;
    }

    /**
     * Supported, and faster than GEMM + col2im: the layer's input channels are the direct
     * convolution's filters, and with fewer than half a register block of them most of its FMAs
     * would be wasted (a one-channel image's gradient ran at half the GEMM path's speed).
     */
    public static boolean suits(ConvGeometry g) {
        return supports(g) && 2 * g.inC() >= DirectConv.FILTERS;
    }

    public ConvGeometry geometry() { return g; }

    /** Floats of workspace {@link #compute} needs on {@code threads} threads. */
    public int workspaceFloats(int threads) {
        return conv.workspaceFloats(threads);
    }

    /** {@code dx[n] = ∂L/∂x[n]} for {@code batch} output gradients, overwriting {@code dx}. */
    public void compute(Workers workers, int batch, float[] dy, int dyOff, float[] weight, int wOff, float[] dx, int dxOff,
                        float[] ws) {
        if (!(workers != null && batch >= 0 && Checks.in(dy, dyOff, (long) batch * g.outputSize())
                && Checks.in(weight, wOff, g.weightSize()) && Checks.in(dx, dxOff, (long) batch * g.inputSize())
                && Checks.in(ws, 0, workspaceFloats(workers.threads())))) {
            String ctx = "direct input gradient " + g + " batch " + batch;
            if (workers == null) throw new IllegalArgumentException("workers is null in " + ctx);
            if (batch < 0) throw new IllegalArgumentException("batch must be >= 0 in " + ctx);
            Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
            Checks.range("weight", weight, wOff, g.weightSize(), ctx);
            Checks.range("dx", dx, dxOff, (long) batch * g.inputSize(), ctx);
            Checks.range("workspace", ws, 0, workspaceFloats(workers.threads()), ctx);
        }
        int inC = g.inC(), outC = g.outC(), k = g.kH(), taps = k * k;
        for (int f = 0; f < outC; f++) {
            for (int c = 0; c < inC; c++) {
                int src = wOff + (f * inC + c) * taps, dst = (c * outC + f) * taps;
                for (int t = 0; t < taps; t++) flipped[dst + t] = weight[src + taps - 1 - t];
            }
        }
        conv.repack(flipped, 0);
        conv.forward(workers, dy, dyOff, batch, dx, dxOff, null, false, false, ws, 0);
    }
}
