package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

/** {@code max(0, x)} elementwise; backward passes the gradient where the output was positive. */
public final class ReLU implements Layer {
    private final String name;
    private Tensor output, gradIn;

    public ReLU(String name) { this.name = name; }

    @Override public String name() { return name; }

    @Override public Tensor forward(Tensor x, boolean training) {
        output = Buffers.ensure(output, x.shape());
        float[] src = x.data(), dst = output.data();
        int off = x.offset(), n = x.size();
        for (int i = 0; i < n; i++) dst[i] = Math.max(src[off + i], 0f);
        return output;
    }

    @Override public Tensor backward(Tensor g) {
        gradIn = Buffers.ensure(gradIn, output.shape());
        float[] y = output.data(), gd = g.data(), dst = gradIn.data();
        int off = g.offset(), n = output.size();
        for (int i = 0; i < n; i++) dst[i] = y[i] > 0f ? gd[off + i] : 0f;
        return gradIn;
    }

    @Override public Shape outputShape(Shape in) { return in; }

    @Override public LayerSpec spec() { return LayerSpec.of("relu", name); }
}
