package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.Elementwise;

/**
 * {@code max(0, x)} elementwise; backward passes the gradient where the output was positive.
 * Large tensors are cut into one slice per worker thread (elementwise: the result does not depend
 * on the cut).
 */
public final class ReLU implements Layer {
    /** Floats per thread below which a second thread costs more than it saves. */
    private static final int MIN_SLICE = 1 << 15;
    private final String name;
    private Tensor output, gradIn;
    private Workers workers = Workers.shared();

    public ReLU(String name) { this.name = name; }

    @Override public String name() { return name; }

    @Override public void useWorkers(Workers workers) { this.workers = workers; }

    @Override public Tensor forward(Tensor x, boolean training) {
        output = Buffers.ensure(output, x.shape());
        float[] src = x.data(), y = output.data();
        int xo = x.offset();
        forEachSlice(x.size(), (from, to) -> Elementwise.relu(src, xo + from, y, from, to - from));
        return output;
    }

    @Override public Tensor backward(Tensor g) {
        gradIn = Buffers.ensure(gradIn, output.shape());
        float[] y = output.data(), gd = g.data(), dx = gradIn.data();
        int go = g.offset();
        forEachSlice(output.size(), (from, to) -> Elementwise.reluBackward(y, from, gd, go + from, dx, from, to - from));
        return gradIn;
    }

    private void forEachSlice(int n, Slice body) {
        int parts = Math.max(1, Math.min(workers.threads(), n / MIN_SLICE));
        if (parts == 1) {
            body.run(0, n);
            return;
        }
        workers.forEach(parts, t -> body.run(bound(n, parts, t), bound(n, parts, t + 1)));
    }

    /** Slice boundaries on multiples of 64 floats (whole cache lines, whole vectors). */
    private static int bound(int n, int parts, int t) {
        return t == parts ? n : (int) ((long) n * t / parts) & ~63;
    }

    private interface Slice {
        void run(int from, int to);
    }

    @Override public Shape outputShape(Shape in) { return in; }

    @Override public LayerSpec spec() { return LayerSpec.of("relu", name); }
}
