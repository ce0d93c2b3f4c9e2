package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.nn.Parameter;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import java.util.List;

/**
 * Batch normalization over channels: {@code [N, C, H, W]} (2-D, statistics over N·H·W) or
 * {@code [N, C]} (1-D, over N). Training uses batch statistics (biased variance) and updates the
 * running mean / variance (unbiased, momentum 0.1, as in PyTorch); evaluation uses the running
 * statistics. {@link #foldInto} merges an eval-mode BatchNorm into the preceding layer.
 */
public final class BatchNorm implements Layer {
    private final String name;
    private final int channels;
    private final double eps, momentum;
    private final Parameter gamma, beta, runningMean, runningVar;
    private Tensor output, gradIn, xhat;
    private final double[] invStd;
    private int n, spatial;

    public BatchNorm(String name, int channels) { this(name, channels, 1e-5, 0.1); }

    public BatchNorm(String name, int channels, double eps, double momentum) {
        if (channels <= 0 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batchnorm " + name + ": invalid channels=" + channels + " eps=" + eps + " momentum=" + momentum);
        }
        this.name = name;
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.gamma = new Parameter(name + ".weight", Tensor.zeros(channels));
        this.beta = new Parameter(name + ".bias", Tensor.zeros(channels));
        this.runningMean = new Parameter(name + ".running_mean", Tensor.zeros(channels));
        this.runningVar = new Parameter(name + ".running_var", Tensor.zeros(channels));
        gamma.value().fill(1f);
        runningVar.value().fill(1f);
        invStd = new double[channels];
    }

    public int channels() { return channels; }
    public double eps() { return eps; }
    public Parameter gamma() { return gamma; }
    public Parameter beta() { return beta; }
    public Parameter runningMean() { return runningMean; }
    public Parameter runningVar() { return runningVar; }

    @Override public String name() { return name; }

    @Override public void initialize(java.util.SplittableRandom rng) {
        gamma.value().fill(1f);
        beta.value().fill(0f);
        runningMean.value().fill(0f);
        runningVar.value().fill(1f);
    }

    private void geometry(Tensor x) {
        if ((x.rank() != 2 && x.rank() != 4) || x.dim(1) != channels) {
            throw new IllegalArgumentException("batchnorm " + name + ": expected [N, " + channels + "] or [N, " + channels + ", H, W], got " + x.shape());
        }
        n = x.dim(0);
        spatial = x.rank() == 4 ? x.dim(2) * x.dim(3) : 1;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        geometry(x);
        output = Buffers.ensure(output, x.shape());
        float[] src = x.data(), y = output.data(), g = gamma.value().data(), b = beta.value().data();
        float[] rm = runningMean.value().data(), rv = runningVar.value().data();
        int xo = x.offset(), cs = channels * spatial;
        if (!training) {
            for (int c = 0; c < channels; c++) {
                float scale = (float) (g[c] / Math.sqrt(rv[c] + eps)), shift = b[c] - rm[c] * scale;
                for (int s = 0; s < n; s++) {
                    for (int i = s * cs + c * spatial, e = i + spatial; i < e; i++) y[i] = src[xo + i] * scale + shift;
                }
            }
            return output;
        }
        xhat = Buffers.ensure(xhat, x.shape());
        float[] xh = xhat.data();
        long count = (long) n * spatial;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int s = 0; s < n; s++) for (int i = s * cs + c * spatial, e = i + spatial; i < e; i++) sum += src[xo + i];
            double mean = sum / count, sq = 0;
            for (int s = 0; s < n; s++) {
                for (int i = s * cs + c * spatial, e = i + spatial; i < e; i++) { double d = src[xo + i] - mean; sq += d * d; }
            }
            double var = sq / count;
            double inv = 1.0 / Math.sqrt(var + eps);
            invStd[c] = inv;
            float fm = (float) mean, fi = (float) inv;
            for (int s = 0; s < n; s++) {
                for (int i = s * cs + c * spatial, e = i + spatial; i < e; i++) {
                    float h = (src[xo + i] - fm) * fi;
                    xh[i] = h;
                    y[i] = h * g[c] + b[c];
                }
            }
            double unbiased = count > 1 ? var * count / (count - 1) : var;
            rm[c] = (float) ((1 - momentum) * rm[c] + momentum * mean);
            rv[c] = (float) ((1 - momentum) * rv[c] + momentum * unbiased);
        }
        return output;
    }

    @Override public Tensor backward(Tensor gOut) {
        gradIn = Buffers.ensure(gradIn, output.shape());
        float[] gd = gOut.data(), dx = gradIn.data(), xh = xhat.data(), g = gamma.value().data();
        float[] dg = gamma.grad().data(), db = beta.grad().data();
        int go = gOut.offset(), cs = channels * spatial;
        long count = (long) n * spatial;
        for (int c = 0; c < channels; c++) {
            double sg = 0, sgx = 0;
            for (int s = 0; s < n; s++) {
                for (int i = s * cs + c * spatial, e = i + spatial; i < e; i++) { sg += gd[go + i]; sgx += gd[go + i] * xh[i]; }
            }
            dg[c] = (float) sgx;
            db[c] = (float) sg;
            // dx = γ·invStd·(g − mean(g) − x̂·mean(g·x̂))
            float k = (float) (g[c] * invStd[c]), mg = (float) (sg / count), mgx = (float) (sgx / count);
            for (int s = 0; s < n; s++) {
                for (int i = s * cs + c * spatial, e = i + spatial; i < e; i++) dx[i] = k * (gd[go + i] - mg - xh[i] * mgx);
            }
        }
        return gradIn;
    }

    /**
     * A copy of {@code previous} (a {@link Dense} or {@link Conv2d} whose outputs this layer
     * normalizes) with this layer's eval-mode affine map folded into its weights and bias:
     * {@code W' = W·γ/√(σ²+ε)}, {@code b' = (b − μ)·γ/√(σ²+ε) + β}. Masks carry over.
     */
    public Layer foldInto(Layer previous) {
        float[] g = gamma.value().data(), b = beta.value().data(), rm = runningMean.value().data(), rv = runningVar.value().data();
        Parameter w, bias;
        Layer folded;
        if (previous instanceof Conv2d c && c.outChannels() == channels) {
            Conv2d f = new Conv2d(c.name(), c.inChannels(), c.outChannels(), c.kernelHeight(), c.kernelWidth(), c.stride(), c.padding());
            f.weight().value().copyFrom(c.weight().value());
            f.bias().value().copyFrom(c.bias().value());
            if (c.weight().hasMask()) f.weight().setMask(c.weight().mask());
            w = f.weight();
            bias = f.bias();
            folded = f;
        } else if (previous instanceof Dense d && d.outFeatures() == channels) {
            Dense f = new Dense(d.name(), d.inFeatures(), d.outFeatures());
            f.weight().value().copyFrom(d.weight().value());
            f.bias().value().copyFrom(d.bias().value());
            if (d.weight().hasMask()) f.weight().setMask(d.weight().mask());
            w = f.weight();
            bias = f.bias();
            folded = f;
        } else {
            throw new IllegalArgumentException("batchnorm " + name + " (" + channels + " channels) cannot fold into " + previous.name()
                    + " (" + previous.spec().type() + "): need a dense or conv2d layer with " + channels + " outputs");
        }
        float[] wd = w.value().data(), bd = bias.value().data();
        int per = wd.length / channels;
        for (int c = 0; c < channels; c++) {
            double scale = g[c] / Math.sqrt(rv[c] + eps);
            for (int i = c * per; i < (c + 1) * per; i++) wd[i] = (float) (wd[i] * scale);
            bd[c] = (float) ((bd[c] - rm[c]) * scale + b[c]);
        }
        return folded;
    }

    @Override public List<Parameter> parameters() { return List.of(gamma, beta); }

    @Override public List<Parameter> buffers() { return List.of(runningMean, runningVar); }

    @Override public Shape outputShape(Shape in) {
        if ((in.rank() != 1 && in.rank() != 3) || in.dim(0) != channels) {
            throw new IllegalArgumentException("batchnorm " + name + ": expected [" + channels + "] or [" + channels + ", H, W], got " + in);
        }
        return in;
    }

    @Override public LayerSpec spec() { return LayerSpec.of("batchnorm", name, "channels", channels, "eps", eps, "momentum", momentum); }
}
