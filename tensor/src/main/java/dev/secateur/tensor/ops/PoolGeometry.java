package dev.secateur.tensor.ops;

/**
 * Shape of a 2-D pooling window over NCHW images of {@code channels×inH×inW}: a {@code kH×kW}
 * window, one stride and one padding for both directions. Padding is at most half the window (as
 * in PyTorch), so every window overlaps the image.
 */
public record PoolGeometry(int channels, int inH, int inW, int kH, int kW, int stride, int pad) {

    public PoolGeometry {
        String ctx = describe(channels, inH, inW, kH, kW, stride, pad);
        if (channels < 1 || inH < 1 || inW < 1 || kH < 1 || kW < 1) {
            throw new IllegalArgumentException("pool sizes must be >= 1: " + ctx);
        }
        if (stride < 1) throw new IllegalArgumentException("pool stride must be >= 1: " + ctx);
        if (pad < 0 || 2 * pad > kH || 2 * pad > kW) {
            throw new IllegalArgumentException("pool padding must be between 0 and half the window: " + ctx);
        }
        if (kH > inH + 2L * pad || kW > inW + 2L * pad) {
            throw new IllegalArgumentException("pool window " + kH + "x" + kW + " is larger than the padded input "
                    + (inH + 2L * pad) + "x" + (inW + 2L * pad) + ": " + ctx);
        }
        Checks.size(ctx, channels, inH, inW);
        Checks.size(ctx, channels, (inH + 2L * pad - kH) / stride + 1, (inW + 2L * pad - kW) / stride + 1);
    }

    /** Convenience: a square window. */
    public static PoolGeometry of(int channels, int inH, int inW, int k, int stride, int pad) {
        return new PoolGeometry(channels, inH, inW, k, k, stride, pad);
    }

    public int outH() { return (inH + 2 * pad - kH) / stride + 1; }

    public int outW() { return (inW + 2 * pad - kW) / stride + 1; }

    /** Elements of one input image. */
    public int inputSize() { return channels * inH * inW; }

    /** Elements of one output image. */
    public int outputSize() { return channels * outH() * outW(); }

    @Override public String toString() { return describe(channels, inH, inW, kH, kW, stride, pad); }

    private static String describe(int channels, int inH, int inW, int kH, int kW, int stride, int pad) {
        return "pool(in " + channels + "x" + inH + "x" + inW + ", window " + kH + "x" + kW
                + ", stride " + stride + ", pad " + pad + ")";
    }
}
