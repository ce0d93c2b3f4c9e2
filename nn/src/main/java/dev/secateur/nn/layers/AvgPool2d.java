package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.PoolGeometry;
import dev.secateur.tensor.ops.Pooling;

/**
 * Average pooling over {@code k×k} windows with the given stride, no padding (floor mode).
 * {@link #global(String)} makes the global average pool a ResNet ends with (window = whole map).
 */
public final class AvgPool2d implements Layer {
    private final String name;
    private final int k, stride;
    private Tensor output, gradIn;
    private Shape inShape;
    private PoolGeometry geometry;
    private Workers workers = Workers.shared();

    /** @param k window size; 0 means global (the whole feature map) */
    public AvgPool2d(String name, int k, int stride) {
        if (k < 0 || stride <= 0) throw new IllegalArgumentException("avgpool " + name + ": invalid kernel " + k + " / stride " + stride);
        this.name = name;
        this.k = k;
        this.stride = stride;
    }

    /** Global average pooling: [C, H, W] to [C, 1, 1]. */
    public static AvgPool2d global(String name) { return new AvgPool2d(name, 0, 1); }

    @Override public String name() { return name; }

    private int kh(int h) { return k == 0 ? h : k; }

    private int out(int size, int win) {
        if (size < win) throw new IllegalArgumentException("avgpool " + name + ": input size " + size + " smaller than window " + win);
        return (size - win) / stride + 1;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        Buffers.requireRank("avgpool " + name, x, 4);
        inShape = x.shape();
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int kh = kh(h), kw = k == 0 ? w : k;
        out(h, kh);
        out(w, kw);
        if (geometry == null || geometry.channels() != c || geometry.inH() != h || geometry.inW() != w) {
            geometry = new PoolGeometry(c, h, w, kh, kw, stride, 0);
        }
        output = Buffers.ensure(output, n, c, geometry.outH(), geometry.outW());
        Pooling.avgPool2dForward(workers, geometry, n, x.data(), x.offset(), output.data(), 0);
        return output;
    }

    @Override public Tensor backward(Tensor g) {
        gradIn = Buffers.ensure(gradIn, inShape);
        Pooling.avgPool2dBackward(workers, geometry, inShape.dim(0), g.data(), g.offset(), gradIn.data(), 0);
        return gradIn;
    }

    @Override public void useWorkers(Workers w) { this.workers = w; }

    @Override public Shape outputShape(Shape in) {
        if (in.rank() != 3) throw new IllegalArgumentException("avgpool " + name + ": expected [C, H, W], got " + in);
        int kh = kh(in.dim(1)), kw = k == 0 ? in.dim(2) : k;
        return Shape.of(in.dim(0), out(in.dim(1), kh), out(in.dim(2), kw));
    }

    @Override public LayerSpec spec() { return LayerSpec.of("avgpool2d", name, "kernel", k, "stride", stride); }
}
