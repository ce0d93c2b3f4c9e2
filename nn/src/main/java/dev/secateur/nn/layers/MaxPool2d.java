package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.PoolGeometry;
import dev.secateur.tensor.ops.Pooling;

/**
 * Max pooling over {@code k×k} windows with the given stride, no padding (floor mode). Remembers
 * the argmax of every window so backward routes each gradient to exactly one input (the first
 * maximum on ties). Kernels: {@link Pooling}.
 */
public final class MaxPool2d implements Layer {
    private final String name;
    private final int k, stride;
    private Tensor output, gradIn;
    private Shape inShape;
    private int[] argmax = new int[0];
    private PoolGeometry geometry;
    private Workers workers = Workers.shared();

    public MaxPool2d(String name, int k, int stride) {
        if (k <= 0 || stride <= 0) throw new IllegalArgumentException("maxpool " + name + ": kernel and stride must be positive, got " + k + ", " + stride);
        this.name = name;
        this.k = k;
        this.stride = stride;
    }

    @Override public String name() { return name; }

    @Override public Tensor forward(Tensor x, boolean training) {
        Buffers.requireRank("maxpool " + name, x, 4);
        inShape = x.shape();
        int n = x.dim(0);
        geometry = geometry(x.dim(1), x.dim(2), x.dim(3));
        output = Buffers.ensure(output, n, x.dim(1), geometry.outH(), geometry.outW());
        if (argmax.length != output.size()) argmax = new int[output.size()];
        Pooling.maxPool2dForward(workers, geometry, n, x.data(), x.offset(), output.data(), 0, argmax, 0);
        return output;
    }

    private PoolGeometry geometry(int c, int h, int w) {
        if (h < k || w < k) throw new IllegalArgumentException("maxpool " + name + ": input " + h + "x" + w + " smaller than window " + k);
        PoolGeometry g = geometry;
        return g != null && g.channels() == c && g.inH() == h && g.inW() == w ? g : PoolGeometry.of(c, h, w, k, stride, 0);
    }

    private int out(int size) {
        if (size < k) throw new IllegalArgumentException("maxpool " + name + ": input size " + size + " smaller than window " + k);
        return (size - k) / stride + 1;
    }

    @Override public Tensor backward(Tensor g) {
        gradIn = Buffers.ensure(gradIn, inShape);
        Pooling.maxPool2dBackward(workers, geometry, inShape.dim(0), g.data(), g.offset(), argmax, 0, gradIn.data(), 0);
        return gradIn;
    }

    @Override public void useWorkers(Workers w) { this.workers = w; }

    @Override public Shape outputShape(Shape in) {
        if (in.rank() != 3) throw new IllegalArgumentException("maxpool " + name + ": expected [C, H, W], got " + in);
        return Shape.of(in.dim(0), out(in.dim(1)), out(in.dim(2)));
    }

    @Override public LayerSpec spec() { return LayerSpec.of("maxpool2d", name, "kernel", k, "stride", stride); }
}
