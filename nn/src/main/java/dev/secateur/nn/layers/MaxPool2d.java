package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import java.util.Arrays;

/**
 * Max pooling over {@code k×k} windows with the given stride, no padding (floor mode). Remembers
 * the argmax of every window so backward routes each gradient to exactly one input (the first
 * maximum on ties).
 */
public final class MaxPool2d implements Layer {
    private final String name;
    private final int k, stride;
    private Tensor output, gradIn;
    private Shape inShape;
    private int[] argmax = new int[0];

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
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = out(h), ow = out(w);
        output = Buffers.ensure(output, n, c, oh, ow);
        if (argmax.length != output.size()) argmax = new int[output.size()];
        float[] src = x.data(), dst = output.data();
        int xo = x.offset();
        for (int plane = 0, o = 0; plane < n * c; plane++) {
            int base = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, o++) {
                    int best = base + oy * stride * w + ox * stride;
                    float m = src[xo + best];
                    for (int i = 0; i < k; i++) {
                        int row = base + (oy * stride + i) * w + ox * stride;
                        for (int j = 0; j < k; j++) {
                            float v = src[xo + row + j];
                            if (v > m) { m = v; best = row + j; }
                        }
                    }
                    dst[o] = m;
                    argmax[o] = best;
                }
            }
        }
        return output;
    }

    private int out(int size) {
        if (size < k) throw new IllegalArgumentException("maxpool " + name + ": input size " + size + " smaller than window " + k);
        return (size - k) / stride + 1;
    }

    @Override public Tensor backward(Tensor g) {
        gradIn = Buffers.ensure(gradIn, inShape);
        float[] dx = gradIn.data(), gd = g.data();
        Arrays.fill(dx, 0f);
        int go = g.offset();
        for (int o = 0; o < output.size(); o++) dx[argmax[o]] += gd[go + o];
        return gradIn;
    }

    @Override public Shape outputShape(Shape in) {
        if (in.rank() != 3) throw new IllegalArgumentException("maxpool " + name + ": expected [C, H, W], got " + in);
        return Shape.of(in.dim(0), out(in.dim(1)), out(in.dim(2)));
    }

    @Override public LayerSpec spec() { return LayerSpec.of("maxpool2d", name, "kernel", k, "stride", stride); }
}
