package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.nn.Parameter;
import dev.secateur.tensor.ops.Conv2dOps;
import dev.secateur.tensor.ops.Conv2dTrainingOps;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.ops.DirectInputGradient;
import dev.secateur.tensor.ops.DirectTrainingConv;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;

import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution (cross-correlation as in PyTorch) with square stride and zero padding. Weight
 * {@code [outC, inC, kH, kW]}, bias {@code [outC]}. The work is done by
 * {@link Conv2dOps} (im2col + GEMM, images split over the worker threads, weight-gradient
 * partials summed in a fixed order), so results are deterministic for a fixed thread count. A
 * training forward goes through {@link DirectTrainingConv} (no columns at all), or, for few
 * filters on a small plane, through {@link Conv2dTrainingOps}, which keeps the batch's im2col
 * columns so that backward does not build them again. The input gradient of a stride-1 layer with
 * a few input channels or more is a direct convolution too ({@link DirectInputGradient}).
 */
public final class Conv2d implements Layer {
    private final String name;
    private final int inC, outC, kh, kw, stride, pad;
    private final Parameter weight, bias;
    private Workers workers = Workers.shared();

    // Geometry and workspace of the last call (rebuilt only when the input size changes).
    private Tensor input, output, gradIn;
    private ConvGeometry geometry;
    private float[] workspace = new float[0];
    // Training: the last training forward's im2col columns and the workspace of the training ops.
    private float[] columns = new float[0], trainWorkspace = new float[0];
    private boolean columnsValid;
    // Training through the direct passes where they suit the layer, and whether the last forward did.
    private DirectTrainingConv direct;
    private boolean directValid;
    // Input gradient of stride-1 layers as a direct convolution.
    private DirectInputGradient directInput;

    public Conv2d(String name, int inC, int outC, int kernel, int stride, int pad) {
        this(name, inC, outC, kernel, kernel, stride, pad);
    }

    public Conv2d(String name, int inC, int outC, int kh, int kw, int stride, int pad) {
        if (inC <= 0 || outC <= 0 || kh <= 0 || kw <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException("conv2d " + name + ": invalid geometry inC=" + inC + " outC=" + outC + " kernel="
                    + kh + "x" + kw + " stride=" + stride + " pad=" + pad);
        }
        this.name = name;
        this.inC = inC;
        this.outC = outC;
        this.kh = kh;
        this.kw = kw;
        this.stride = stride;
        this.pad = pad;
        this.weight = new Parameter(name + ".weight", Tensor.zeros(outC, inC, kh, kw));
        this.bias = new Parameter(name + ".bias", Tensor.zeros(outC));
    }

    public int inChannels() { return inC; }
    public int outChannels() { return outC; }
    public int kernelHeight() { return kh; }
    public int kernelWidth() { return kw; }
    public int stride() { return stride; }
    public int padding() { return pad; }
    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }

    @Override public String name() { return name; }

    /** PyTorch's default: weights and bias uniform in ±1/sqrt(fanIn). */
    @Override public void initialize(SplittableRandom rng) {
        int fanIn = inC * kh * kw;
        Init.uniform(weight.value(), rng, 1.0 / Math.sqrt(fanIn));
        Init.uniform(bias.value(), rng, 1.0 / Math.sqrt(fanIn));
        weight.applyMask();
    }

    @Override public void useWorkers(Workers workers) { this.workers = workers; }

    @Override public Tensor forward(Tensor x, boolean training) {
        Buffers.requireRank("conv2d " + name, x, 4);
        if (x.dim(1) != inC) throw new IllegalArgumentException("conv2d " + name + ": expected " + inC + " input channels, got shape " + x.shape());
        int n = x.dim(0);
        ConvGeometry g = geometry(x.dim(2), x.dim(3));
        input = x;
        output = Buffers.ensure(output, n, outC, g.outH(), g.outW());
        directValid = training && DirectTrainingConv.suits(g);
        columnsValid = training && !directValid;
        if (directValid) {
            if (direct == null || !direct.geometry().equals(g)) direct = new DirectTrainingConv(g);
            int ws = direct.workspaceFloats(workers, n);
            if (trainWorkspace.length < ws) trainWorkspace = new float[ws];
            direct.forward(workers, n, x.data(), x.offset(), weight.value().data(), 0, bias.value().data(), output.data(), 0,
                    trainWorkspace);
        } else if (training) {
            ensureTrainingBuffers(g, n);
            Conv2dTrainingOps.forward(workers, g, n, x.data(), x.offset(), weight.value().data(), 0, bias.value().data(),
                    output.data(), 0, columns, trainWorkspace);
        } else {
            Conv2dOps.forward(workers, g, n, x.data(), x.offset(), weight.value().data(), 0, bias.value().data(),
                    output.data(), 0, workspace);
        }
        return output;
    }

    private void ensureTrainingBuffers(ConvGeometry g, int n) {
        int cols = Conv2dTrainingOps.columnsSize(g, n), ws = Conv2dTrainingOps.workspaceSize(workers, g, n);
        if (columns.length < cols) columns = new float[cols];
        if (trainWorkspace.length < ws) trainWorkspace = new float[ws];
    }

    private ConvGeometry geometry(int h, int w) {
        if (geometry == null || geometry.inH() != h || geometry.inW() != w) {
            if (h + 2 * pad < kh || w + 2 * pad < kw) {
                throw new IllegalArgumentException("conv2d " + name + ": input " + h + "x" + w + " (+2x" + pad + " padding) smaller than kernel " + kh + "x" + kw);
            }
            geometry = new ConvGeometry(inC, h, w, outC, kh, kw, stride, pad);
        }
        int need = Conv2dOps.workspaceSize(geometry, workers.threads());
        if (workspace.length < need) workspace = new float[need];
        return geometry;
    }

    private int outSize(int size, int k) {
        if (size + 2 * pad < k) throw new IllegalArgumentException("conv2d " + name + ": input " + size + " (+2x" + pad + " padding) smaller than kernel " + k);
        return (size + 2 * pad - k) / stride + 1;
    }

    @Override public Tensor backward(Tensor g) {
        return backward(g, true);
    }

    /** The parameter gradients only: the first layer of a model needs no input gradient. */
    @Override public void backwardParameters(Tensor g) {
        backward(g, false);
    }

    private Tensor backward(Tensor g, boolean inputGradient) {
        if (g.size() != output.size()) throw new IllegalArgumentException("conv2d " + name + ": gradient " + g.shape() + " does not match output " + output.shape());
        int n = input.dim(0);
        ConvGeometry geo = geometry(input.dim(2), input.dim(3));
        if (directValid) {
            direct.backwardWeights(workers, n, input.data(), input.offset(), g.data(), g.offset(), weight.grad().data(), 0,
                    trainWorkspace);
        } else if (columnsValid) {
            Conv2dTrainingOps.backwardWeights(workers, geo, n, g.data(), g.offset(), columns, weight.grad().data(), 0, trainWorkspace);
        } else {
            // The ops accumulate weight gradients; this layer's contract is to overwrite them.
            weight.grad().fill(0f);
            Conv2dOps.backwardWeights(workers, geo, n, input.data(), input.offset(), g.data(), g.offset(),
                    weight.grad().data(), 0, null, workspace);
        }
        bias.grad().fill(0f);
        sumChannels(g, n, geo.outH() * geo.outW(), bias.grad().data());
        if (!inputGradient) return null;
        gradIn = Buffers.ensure(gradIn, input.shape());
        if (DirectInputGradient.suits(geo)) {
            if (directInput == null || !directInput.geometry().equals(geo)) directInput = new DirectInputGradient(geo);
            int ws = directInput.workspaceFloats(workers.threads());
            if (trainWorkspace.length < ws) trainWorkspace = new float[ws];
            directInput.compute(workers, n, g.data(), g.offset(), weight.value().data(), 0, gradIn.data(), 0, trainWorkspace);
        } else {
            Conv2dOps.backwardInput(workers, geo, n, g.data(), g.offset(), weight.value().data(), 0, gradIn.data(), 0, workspace);
        }
        return gradIn;
    }

    /**
     * Bias gradient with a fixed summation order. (Elementwise.sumChannels ends in a lane
     * reduction whose rounding differs between interpreted and compiled code, which broke
     * run-to-run reproducibility of training.)
     */
    private void sumChannels(Tensor g, int n, int spatial, float[] db) {
        float[] d = g.data();
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < outC; o++) {
                // Four running sums (a fixed order) let the adds overlap.
                float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
                int i = g.offset() + (s * outC + o) * spatial, e = i + spatial;
                for (; i + 3 < e; i += 4) {
                    a0 += d[i];
                    a1 += d[i + 1];
                    a2 += d[i + 2];
                    a3 += d[i + 3];
                }
                for (; i < e; i++) a0 += d[i];
                db[o] += (a0 + a1) + (a2 + a3);
            }
        }
    }

    @Override public List<Parameter> parameters() { return List.of(weight, bias); }

    @Override public Shape outputShape(Shape in) {
        if (in.rank() != 3 || in.dim(0) != inC) throw new IllegalArgumentException("conv2d " + name + ": expected input [" + inC + ", H, W], got " + in);
        return Shape.of(outC, outSize(in.dim(1), kh), outSize(in.dim(2), kw));
    }

    @Override public long macs(Shape in) {
        Shape o = outputShape(in);
        return (long) o.dim(1) * o.dim(2) * outC * inC * kh * kw;
    }

    @Override public LayerSpec spec() {
        return LayerSpec.of("conv2d", name, "in_channels", inC, "out_channels", outC, "kernel_h", kh, "kernel_w", kw,
                "stride", stride, "padding", pad);
    }
}
