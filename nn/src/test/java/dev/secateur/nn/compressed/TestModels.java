package dev.secateur.nn.compressed;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Flatten;
import dev.secateur.nn.layers.MaxPool2d;
import dev.secateur.nn.layers.ReLU;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small models, and masks from a plain magnitude threshold (nn has no pruners). */
final class TestModels {
    private TestModels() {}

    /** conv → BN → ReLU → residual(conv → BN → ReLU → conv, identity) → pool → flatten → dense, on [2, 6, 6]. */
    static Model convNet(long seed) {
        ResidualBlock block = new ResidualBlock("res",
                List.of(new Conv2d("rc1", 4, 4, 3, 1, 1), new BatchNorm("rbn1", 4), new ReLU("rr1"), new Conv2d("rc2", 4, 4, 3, 1, 1)),
                List.of());
        List<Layer> layers = List.of(new Conv2d("c1", 2, 4, 3, 1, 1), new BatchNorm("bn1", 4), new ReLU("r1"), block,
                new MaxPool2d("pool", 2, 2), new Flatten("flat"), new Dense("fc", 4 * 3 * 3, 5));
        return new Model("convnet", Shape.of(2, 6, 6), layers).initialize(seed);
    }

    /** Flatten → 16·12 → ReLU → 12·8 → ReLU → 8·3 on [1, 4, 4] inputs. */
    static Model mlp(long seed) {
        List<Layer> layers = List.of(new Flatten("flat"), new Dense("fc1", 16, 12), new ReLU("r1"),
                new Dense("fc2", 12, 8), new ReLU("r2"), new Dense("fc3", 8, 3));
        return new Model("mlp", Shape.of(1, 4, 4), layers).initialize(seed);
    }

    /** The dense and conv weights in forward order (the ones the file encodes). */
    static List<Parameter> weights(Model m) {
        List<Parameter> out = new ArrayList<>();
        collect(m.layers(), out);
        return out;
    }

    private static void collect(List<Layer> layers, List<Parameter> out) {
        for (Layer l : layers) {
            switch (l) {
                case Dense d -> out.add(d.weight());
                case Conv2d c -> out.add(c.weight());
                case ResidualBlock r -> {
                    collect(r.mainPath(), out);
                    collect(r.shortcutPath(), out);
                }
                default -> { }
            }
        }
    }

    /** Masks every weight tensor to its {@code round(density × size)} largest magnitudes. */
    static void keepLargest(Model m, double density) {
        for (Parameter p : weights(m)) {
            float[] v = p.value().toArray();
            Integer[] order = new Integer[v.length];
            for (int i = 0; i < v.length; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Float.compare(Math.abs(v[b]), Math.abs(v[a])));
            boolean[] keep = new boolean[v.length];
            for (int k = 0; k < Math.round(density * v.length); k++) keep[order[k]] = true;
            p.setMask(keep);
        }
    }
}
