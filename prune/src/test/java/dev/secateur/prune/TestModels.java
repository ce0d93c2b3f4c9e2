package dev.secateur.prune;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Flatten;
import dev.secateur.nn.layers.MaxPool2d;
import dev.secateur.nn.layers.ReLU;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import java.util.List;

/** Small models for pipeline tests. */
public final class TestModels {
    private TestModels() {}

    /** Flatten → 16·12 → ReLU → 12·8 → ReLU → 8·3 on [1, 4, 4] inputs. */
    public static Model mlp(long seed) {
        List<Layer> layers = List.of(new Flatten("flat"), new Dense("fc1", 16, 12), new ReLU("r1"),
                new Dense("fc2", 12, 8), new ReLU("r2"), new Dense("fc3", 8, 3));
        return new Model("mlp", Shape.of(1, 4, 4), layers).initialize(seed);
    }

    /** conv → BN → ReLU → residual(conv → BN → ReLU → conv, identity) → pool → flatten → dense, on [2, 6, 6]. */
    public static Model convNet(long seed) {
        ResidualBlock block = new ResidualBlock("res",
                List.of(new Conv2d("rc1", 4, 4, 3, 1, 1), new BatchNorm("rbn1", 4), new ReLU("rr1"), new Conv2d("rc2", 4, 4, 3, 1, 1)),
                List.of());
        List<Layer> layers = List.of(new Conv2d("c1", 2, 4, 3, 1, 1), new BatchNorm("bn1", 4), new ReLU("r1"), block,
                new MaxPool2d("pool", 2, 2), new Flatten("flat"), new Dense("fc", 4 * 3 * 3, 5));
        return new Model("convnet", Shape.of(2, 6, 6), layers).initialize(seed);
    }

    public static Tensor input(long seed, Model m, int batch) {
        int[] dims = new int[m.inputShape().rank() + 1];
        dims[0] = batch;
        System.arraycopy(m.inputShape().toArray(), 0, dims, 1, m.inputShape().rank());
        return Tensor.randomUniform(seed, -1f, 1f, dims);
    }
}
