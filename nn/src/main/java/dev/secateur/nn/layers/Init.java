package dev.secateur.nn.layers;

import dev.secateur.tensor.Tensor;

import java.util.SplittableRandom;

/** Parameter initialization helpers (seeded, so a model seed fixes every weight). */
final class Init {
    private Init() {}

    static void uniform(Tensor t, SplittableRandom rng, double bound) {
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) d[t.offset() + i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
}
