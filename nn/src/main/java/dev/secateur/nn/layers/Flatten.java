package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

/** Reshapes {@code [N, ...]} to {@code [N, features]} (a view; no copy). */
public final class Flatten implements Layer {
    private final String name;
    private Shape inShape;

    public Flatten(String name) { this.name = name; }

    @Override public String name() { return name; }

    @Override public Tensor forward(Tensor x, boolean training) {
        inShape = x.shape();
        int n = x.dim(0);
        return x.reshape(n, n == 0 ? 0 : x.size() / n);
    }

    @Override public Tensor backward(Tensor g) { return g.reshape(inShape.toArray()); }

    @Override public Shape outputShape(Shape in) { return Shape.of(in.size()); }

    @Override public LayerSpec spec() { return LayerSpec.of("flatten", name); }
}
