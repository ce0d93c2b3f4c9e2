package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.nn.Parameter;
import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.Elementwise;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Fully connected layer {@code y = x·Wᵀ + b}, weight {@code [out, in]} row-major as in PyTorch,
 * bias {@code [out]}. Inputs of any rank are read as {@code [N, in]} (features flattened).
 * Forward and backward are three GEMMs (the transposes are free in {@link Gemm}).
 */
public final class Dense implements Layer {
    private final String name;
    private final int in, out;
    private final Parameter weight, bias;
    private Workers workers = Workers.shared();
    private Tensor input, output, gradIn;

    public Dense(String name, int in, int out) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("dense " + name + ": sizes must be positive, got in=" + in + ", out=" + out);
        this.name = name;
        this.in = in;
        this.out = out;
        this.weight = new Parameter(name + ".weight", Tensor.zeros(out, in));
        this.bias = new Parameter(name + ".bias", Tensor.zeros(out));
    }

    public int inFeatures() { return in; }
    public int outFeatures() { return out; }
    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }

    @Override public String name() { return name; }

    /** PyTorch's default: weights and bias uniform in ±1/sqrt(in). */
    @Override public void initialize(SplittableRandom rng) {
        Init.uniform(weight.value(), rng, 1.0 / Math.sqrt(in));
        Init.uniform(bias.value(), rng, 1.0 / Math.sqrt(in));
        weight.applyMask();
    }

    @Override public void useWorkers(Workers w) { this.workers = w; }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.dim(0);
        if (x.size() != n * in) {
            throw new IllegalArgumentException("dense " + name + ": expected " + in + " features per sample, got shape " + x.shape());
        }
        output = Buffers.ensure(output, n, out);
        float[] y = output.data();
        float[] b = bias.value().data();
        // Start from the bias so one GEMM with beta = 1 finishes the job.
        for (int r = 0; r < n; r++) System.arraycopy(b, 0, y, r * out, out);
        Gemm.sgemm(workers, false, true, n, out, in, 1f, x.data(), x.offset(), in,
                weight.value().data(), 0, in, 1f, y, 0, out);
        input = x;
        return output;
    }

    @Override public Tensor backward(Tensor g) {
        weightGradients(g);
        int n = input.dim(0);
        // dx = g·W  ([N, out]·[out, in])
        gradIn = Buffers.ensure(gradIn, input.shape());
        Gemm.sgemm(workers, false, false, n, in, out, 1f, g.data(), g.offset(), out,
                weight.value().data(), 0, in, 0f, gradIn.data(), 0, in);
        return gradIn;
    }

    @Override public void backwardParameters(Tensor g) { weightGradients(g); }

    private void weightGradients(Tensor g) {
        int n = input.dim(0);
        if (g.size() != n * out) throw new IllegalArgumentException("dense " + name + ": gradient shape " + g.shape() + " does not match output [" + n + ", " + out + "]");
        // dW = gᵀ·x  ([out, N]·[N, in])
        Gemm.sgemm(workers, true, false, out, in, n, 1f, g.data(), g.offset(), out,
                input.data(), input.offset(), in, 0f, weight.grad().data(), 0, in);
        float[] gd = g.data();
        bias.grad().fill(0f);
        Elementwise.sumRows(gd, g.offset(), n, out, bias.grad().data(), 0);
    }

    @Override public List<Parameter> parameters() { return List.of(weight, bias); }

    @Override public Shape outputShape(Shape s) {
        if (s.size() != in) throw new IllegalArgumentException("dense " + name + ": input sample " + s + " has " + s.size() + " features, expected " + in);
        return Shape.of(out);
    }

    @Override public long macs(Shape s) { return (long) in * out; }

    @Override public LayerSpec spec() { return LayerSpec.of("dense", name, "in", in, "out", out); }
}
