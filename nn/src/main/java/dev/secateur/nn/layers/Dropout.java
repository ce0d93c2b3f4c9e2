package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Inverted dropout: in training each element is zeroed with probability {@code p} and the rest
 * scaled by {@code 1/(1-p)}; identity in evaluation. The random stream is seeded (by
 * {@link #initialize} from the model seed), so training is reproducible.
 */
public final class Dropout implements Layer {
    private final String name;
    private final float p;
    private SplittableRandom rng = new SplittableRandom(0);
    private Tensor output, gradIn;
    private float[] scale = new float[0];

    public Dropout(String name, double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout " + name + ": probability must be in [0, 1), got " + p);
        this.name = name;
        this.p = (float) p;
    }

    @Override public String name() { return name; }

    @Override public void initialize(SplittableRandom r) { rng = r.split(); }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (!training || p == 0f) return x;
        output = Buffers.ensure(output, x.shape());
        if (scale.length != x.size()) scale = new float[x.size()];
        float keep = 1f / (1f - p);
        double drop = p;
        float[] src = x.data(), dst = output.data();
        for (int i = 0, off = x.offset(); i < scale.length; i++) {
            // u < p ? 0 : keep without a branch (random, so half of them mispredicted): u − p lies in
            // (−1, 1) and is negative exactly when u < p, so 1 + floor(u − p) is 0 or 1.
            scale[i] = keep * (float) (1.0 + Math.floor(rng.nextDouble() - drop));
            dst[i] = src[off + i] * scale[i];
        }
        return output;
    }

    @Override public Tensor backward(Tensor g) {
        if (p == 0f) return g;
        gradIn = Buffers.ensure(gradIn, g.shape());
        float[] gd = g.data(), dst = gradIn.data();
        for (int i = 0, off = g.offset(); i < scale.length; i++) dst[i] = gd[off + i] * scale[i];
        return gradIn;
    }

    @Override public Shape outputShape(Shape in) { return in; }

    @Override public LayerSpec spec() { return LayerSpec.of("dropout", name, "p", (double) p); }
}
