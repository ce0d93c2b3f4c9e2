package dev.secateur.bench.models;

import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.zoo.Models;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pruned models the model benchmarks run: the shipped pretrained model
 * {@code models/<name>.safetensors} when present (looked up under {@code -Dsecateur.models=DIR},
 * else {@code ./models}), otherwise the zoo architecture with random weights (seed 1), in both
 * cases magnitude-pruned (L1, unstructured, every layer to the same density) with the prune
 * module's {@link ModelPruner} unless the weights already are that sparse. The description says
 * which.
 */
public final class BenchModels {
    private BenchModels() {}

    /** A benchmark model and how it was made. */
    public record Prepared(Model model, String description) {}

    /** Kept fraction per model: LeNet-300-100 ≥ 92% sparse, LeNet-5 and the small VGG 12× compression. */
    public static double targetDensity(String name) {
        return switch (name) {
            case "lenet300" -> 0.08;
            case "lenet5", "vgg" -> 1.0 / 12;
            default -> throw new IllegalArgumentException("no benchmark density for model '" + name + "' (lenet300, lenet5, vgg)");
        };
    }

    public static Prepared prepare(String name) throws IOException {
        return prepare(name, true);
    }

    /** The model, magnitude-pruned to its benchmark density when {@code pruned}, else as trained (dense). */
    public static Prepared prepare(String name, boolean pruned) throws IOException {
        double density = pruned ? targetDensity(name) : 1.0;
        Path dir = Path.of(System.getProperty("secateur.models", "models"));
        Path file = dir.resolve(name + ".safetensors");
        Model m;
        String source;
        if (Files.isRegularFile(file)) {
            m = ModelFile.load(file);
            source = "pretrained " + file;
        } else {
            m = Models.byName(name, Models.FASHION_MNIST, 1);
            source = "zoo " + name + " with random weights (seed 1; no " + file + ")";
        }
        double before = ModelPruner.density(m);
        if (before > density + 1e-3) {
            new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, new Granularity.Unstructured(), Scope.LAYER, density));
            source += String.format(", magnitude-pruned (L1, unstructured, per layer) from density %.3f to %.3f", before, ModelPruner.density(m));
        } else {
            source += String.format(", already at density %.3f", before);
        }
        return new Prepared(m, source);
    }
}
