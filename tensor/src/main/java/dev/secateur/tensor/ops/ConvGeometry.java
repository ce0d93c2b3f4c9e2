package dev.secateur.tensor.ops;

/**
 * Shape of one 2-D convolution (NCHW, groups 1, dilation 1): {@code inC×inH×inW} input images,
 * {@code outC} filters of {@code inC×kH×kW}, the same stride and zero padding in both directions.
 * The weight is laid out {@code [outC, inC*kH*kW]} (= {@code [outC, inC, kH, kW]}).
 *
 * @throws IllegalArgumentException on non-positive sizes, stride < 1, negative padding, a kernel
 *         larger than the padded input, or sizes that overflow an int array
 */
public record ConvGeometry(int inC, int inH, int inW, int outC, int kH, int kW, int stride, int pad) {

    public ConvGeometry {
        if (inC < 1 || inH < 1 || inW < 1 || outC < 1 || kH < 1 || kW < 1) {
            throw new IllegalArgumentException("conv sizes must be >= 1: " + describe(inC, inH, inW, outC, kH, kW, stride, pad));
        }
        if (stride < 1) throw new IllegalArgumentException("conv stride must be >= 1: " + describe(inC, inH, inW, outC, kH, kW, stride, pad));
        if (pad < 0) throw new IllegalArgumentException("conv padding must be >= 0: " + describe(inC, inH, inW, outC, kH, kW, stride, pad));
        if (kH > inH + 2L * pad || kW > inW + 2L * pad) {
            throw new IllegalArgumentException("conv kernel " + kH + "x" + kW + " is larger than the padded input "
                    + (inH + 2L * pad) + "x" + (inW + 2L * pad) + ": " + describe(inC, inH, inW, outC, kH, kW, stride, pad));
        }
        String ctx = describe(inC, inH, inW, outC, kH, kW, stride, pad);
        long oh = (inH + 2L * pad - kH) / stride + 1, ow = (inW + 2L * pad - kW) / stride + 1;
        Checks.size(ctx, inC, kH, kW, oh, ow);
        Checks.size(ctx, inC, inH + 2L * pad, inW + 2L * pad);
        Checks.size(ctx, outC, inC, kH, kW);
        Checks.size(ctx, outC, oh, ow);
    }

    /** Convenience: a square kernel. */
    public static ConvGeometry of(int inC, int inH, int inW, int outC, int k, int stride, int pad) {
        return new ConvGeometry(inC, inH, inW, outC, k, k, stride, pad);
    }

    public int outH() { return (inH + 2 * pad - kH) / stride + 1; }

    public int outW() { return (inW + 2 * pad - kW) / stride + 1; }

    /** Rows of the im2col matrix = columns of the weight matrix: {@code inC*kH*kW}. */
    public int colRows() { return inC * kH * kW; }

    /** Columns of the im2col matrix: {@code outH*outW}. */
    public int colCols() { return outH() * outW(); }

    /** Elements of one image's im2col matrix. */
    public int colSize() { return colRows() * colCols(); }

    /** Elements of one input image. */
    public int inputSize() { return inC * inH * inW; }

    /** Elements of one output image. */
    public int outputSize() { return outC * outH() * outW(); }

    /** Elements of the weight. */
    public int weightSize() { return outC * colRows(); }

    /** True when the convolution is a plain matrix product per image (1×1, stride 1, no padding). */
    public boolean isPointwise() { return kH == 1 && kW == 1 && stride == 1 && pad == 0; }

    /** Multiply-adds per image times two: {@code 2·outC·outH·outW·inC·kH·kW}. */
    public long flopsPerImage() { return 2L * outC * outH() * outW() * inC * kH * kW; }

    @Override public String toString() { return describe(inC, inH, inW, outC, kH, kW, stride, pad); }

    private static String describe(int inC, int inH, int inW, int outC, int kH, int kW, int stride, int pad) {
        return "conv(in " + inC + "x" + inH + "x" + inW + ", out " + outC + ", kernel " + kH + "x" + kW
                + ", stride " + stride + ", pad " + pad + ")";
    }
}
