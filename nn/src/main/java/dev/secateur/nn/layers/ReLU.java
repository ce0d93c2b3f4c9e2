package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.ops.Elementwise;

/** {@code max(0, x)} elementwise; backward passes the gradient where the output was positive. */
public final class ReLU implements Layer {
    private final String name;
    private Tensor output, gradIn;

    public ReLU(String name) { this.name = name; }

    @Override public String name() { return name; }

    @Override public Tensor forward(Tensor x, boolean training) {
        output = Buffers.ensure(output, x.shape());
        Elementwise.relu(x.data(), x.offset(), output.data(), 0, x.size());
        return output;
    }

    @Override public Tensor backward(Tensor g) {
        gradIn = Buffers.ensure(gradIn, output.shape());
        Elementwise.reluBackward(output.data(), 0, g.data(), g.offset(), gradIn.data(), 0, output.size());
        return gradIn;
    }

    @Override public Shape outputShape(Shape in) { return in; }

    @Override public LayerSpec spec() { return LayerSpec.of("relu", name); }
}
