package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.nn.Parameter;
import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution (cross-correlation as in PyTorch) with square stride and zero padding. Weight
 * {@code [outC, inC, kH, kW]}, bias {@code [outC]}. Each sample is unfolded by im2col and
 * multiplied by the weight with one GEMM; the batch is split into one contiguous chunk per worker
 * thread, each with its own column buffer and partial weight gradient, and the partials are summed
 * in chunk order, so results are deterministic for a fixed thread count.
 */
public final class Conv2d implements Layer {
    private final String name;
    private final int inC, outC, kh, kw, stride, pad;
    private final Parameter weight, bias;
    private Workers workers = Workers.shared();

    // Per-call geometry and buffers (reused while the batch shape is unchanged).
    private Tensor input, output, gradIn, gradOut;
    private int n, h, w, oh, ow, chunks;
    private float[][] cols = new float[0][], dcols = new float[0][], dW = new float[0][], dB = new float[0][];
    private final Workers.Task forwardTask = this::forwardChunk;
    private final Workers.Task backwardTask = this::backwardChunk;

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

    /** Kaiming-uniform for ReLU (bound sqrt(6 / fanIn)); bias uniform ±1/sqrt(fanIn). */
    @Override public void initialize(SplittableRandom rng) {
        int fanIn = inC * kh * kw;
        Init.uniform(weight.value(), rng, Math.sqrt(6.0 / fanIn));
        Init.uniform(bias.value(), rng, 1.0 / Math.sqrt(fanIn));
        weight.applyMask();
    }

    @Override public void useWorkers(Workers workers) { this.workers = workers; }

    private int k() { return inC * kh * kw; }

    @Override public Tensor forward(Tensor x, boolean training) {
        Buffers.requireRank("conv2d " + name, x, 4);
        if (x.dim(1) != inC) throw new IllegalArgumentException("conv2d " + name + ": expected " + inC + " input channels, got shape " + x.shape());
        n = x.dim(0);
        h = x.dim(2);
        w = x.dim(3);
        oh = outSize(h, kh);
        ow = outSize(w, kw);
        input = x;
        output = Buffers.ensure(output, n, outC, oh, ow);
        prepareChunks(false);
        workers.forEach(chunks, forwardTask);
        return output;
    }

    private int outSize(int size, int k) {
        int o = (size + 2 * pad - k) / stride + 1;
        if (size + 2 * pad < k) throw new IllegalArgumentException("conv2d " + name + ": input " + size + " (+2×" + pad + " padding) smaller than kernel " + k);
        return o;
    }

    private void prepareChunks(boolean backward) {
        chunks = Math.max(1, Math.min(workers.threads(), n));
        int colSize = k() * oh * ow;
        if (cols.length != chunks) {
            cols = new float[chunks][];
            dcols = new float[chunks][];
            dW = new float[chunks][];
            dB = new float[chunks][];
        }
        for (int t = 0; t < chunks; t++) {
            if (cols[t] == null || cols[t].length != colSize) cols[t] = new float[colSize];
            if (backward) {
                if (dcols[t] == null || dcols[t].length != colSize) dcols[t] = new float[colSize];
                if (dW[t] == null) dW[t] = new float[outC * k()];
                if (dB[t] == null) dB[t] = new float[outC];
            }
        }
    }

    private int chunkStart(int t) { return (int) ((long) n * t / chunks); }

    private void forwardChunk(int t) {
        int p = oh * ow, kk = k();
        float[] col = cols[t], x = input.data(), y = output.data(), wt = weight.value().data(), b = bias.value().data();
        int inStride = inC * h * w, outStride = outC * p;
        for (int s = chunkStart(t), e = chunkStart(t + 1); s < e; s++) {
            int yOff = s * outStride;
            for (int o = 0; o < outC; o++) Arrays.fill(y, yOff + o * p, yOff + (o + 1) * p, b[o]);
            Im2col.im2col(x, input.offset() + s * inStride, inC, h, w, kh, kw, stride, pad, oh, ow, col);
            Gemm.sgemm(Workers.single(), false, false, outC, p, kk, 1f, wt, 0, kk, col, 0, p, 1f, y, yOff, p);
        }
    }

    @Override public Tensor backward(Tensor g) {
        if (g.size() != output.size()) throw new IllegalArgumentException("conv2d " + name + ": gradient " + g.shape() + " does not match output " + output.shape());
        gradOut = g;
        gradIn = Buffers.ensure(gradIn, input.shape());
        prepareChunks(true);
        workers.forEach(chunks, backwardTask);
        // Deterministic reduction: partial gradients summed in chunk order.
        float[] gw = weight.grad().data(), gb = bias.grad().data();
        System.arraycopy(dW[0], 0, gw, 0, gw.length);
        System.arraycopy(dB[0], 0, gb, 0, gb.length);
        for (int t = 1; t < chunks; t++) {
            float[] pw = dW[t], pb = dB[t];
            for (int i = 0; i < gw.length; i++) gw[i] += pw[i];
            for (int i = 0; i < gb.length; i++) gb[i] += pb[i];
        }
        return gradIn;
    }

    private void backwardChunk(int t) {
        int p = oh * ow, kk = k();
        float[] col = cols[t], dcol = dcols[t], pw = dW[t], pb = dB[t];
        float[] x = input.data(), gd = gradOut.data(), wt = weight.value().data(), dx = gradIn.data();
        Arrays.fill(pw, 0f);
        Arrays.fill(pb, 0f);
        int inStride = inC * h * w, outStride = outC * p;
        for (int s = chunkStart(t), e = chunkStart(t + 1); s < e; s++) {
            int gOff = gradOut.offset() + s * outStride;
            for (int o = 0; o < outC; o++) {
                float acc = 0f;
                for (int i = gOff + o * p, end = i + p; i < end; i++) acc += gd[i];
                pb[o] += acc;
            }
            Im2col.im2col(x, input.offset() + s * inStride, inC, h, w, kh, kw, stride, pad, oh, ow, col);
            // dW += g_s · colᵀ   ([outC, P]·[P, K])
            Gemm.sgemm(Workers.single(), false, true, outC, kk, p, 1f, gd, gOff, p, col, 0, p, 1f, pw, 0, kk);
            // dcol = Wᵀ · g_s    ([K, outC]·[outC, P])
            Gemm.sgemm(Workers.single(), true, false, kk, p, outC, 1f, wt, 0, kk, gd, gOff, p, 0f, dcol, 0, p);
            Arrays.fill(dx, s * inStride, (s + 1) * inStride, 0f);
            Im2col.col2im(dcol, inC, h, w, kh, kw, stride, pad, oh, ow, dx, s * inStride);
        }
    }

    @Override public List<Parameter> parameters() { return List.of(weight, bias); }

    @Override public Shape outputShape(Shape in) {
        if (in.rank() != 3 || in.dim(0) != inC) throw new IllegalArgumentException("conv2d " + name + ": expected input [" + inC + ", H, W], got " + in);
        return Shape.of(outC, outSize(in.dim(1), kh), outSize(in.dim(2), kw));
    }

    @Override public long macs(Shape in) {
        Shape o = outputShape(in);
        return (long) o.dim(1) * o.dim(2) * outC * k();
    }

    @Override public LayerSpec spec() {
        return LayerSpec.of("conv2d", name, "in_channels", inC, "out_channels", outC, "kernel_h", kh, "kernel_w", kw,
                "stride", stride, "padding", pad);
    }
}
