package dev.secateur.bench.models;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.zoo.Models;
import dev.secateur.prune.compact.StructuredCompactor;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.report.CompressionReport;
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

    /** Filters (and fc neurons) removed per layer by the filter-pruned benchmark row, as in docs/bench/compression.md's VGG bar. */
    public static final double FILTER_SPARSITY = 0.27;

    /** A filter-pruned model in both forms: {@code masked} (full size, removed filters zero) and {@code compacted} (the same function, smaller). */
    public record FilterPruned(Model masked, Model compacted, String description) {}

    /**
     * The model ({@link #prepare(String, boolean) dense}) with {@link #FILTER_SPARSITY} of the filters of
     * every layer but the output removed by L1 norm, one shot (speed does not depend on fine-tuning),
     * then compacted with {@link StructuredCompactor}.
     */
    public static FilterPruned prepareFilterPruned(String name) throws IOException {
        Prepared dense = prepare(name, false);
        Model m = dense.model();
        long before = flops(m);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, Granularity.FILTER, Scope.LAYER, 1 - FILTER_SPARSITY));
        Model small = new StructuredCompactor().compact(m);
        long after = flops(small);
        return new FilterPruned(m, small, String.format("%s, %.0f%% of the filters per layer removed (L1) and compacted: FLOPs %,d -> %,d (%.1f%%)",
                dense.description(), 100 * FILTER_SPARSITY, before, after, 100.0 * (after - before) / before));
    }

    /** Output rows per block of the block-pruned benchmark row: one 512-bit vector of floats. */
    public static final int BLOCK_ROWS = 16;

    /**
     * The model ({@link #prepare(String, boolean) dense}) with whole {@value #BLOCK_ROWS}×1 blocks
     * (that many consecutive outputs of one input) removed by L1 norm, every layer to the
     * benchmark density, one shot (speed does not depend on fine-tuning).
     */
    public static Prepared prepareBlockPruned(String name) throws IOException {
        Prepared dense = prepare(name, false);
        Model m = dense.model();
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, new Granularity.Block(BLOCK_ROWS, 1), Scope.LAYER, targetDensity(name)));
        return new Prepared(m, String.format("%s, pruned in %dx1 blocks (L1, per layer) to density %.3f", dense.description(), BLOCK_ROWS,
                ModelPruner.density(m)));
    }

    private static long flops(Model m) {
        return CompressionReport.footprints(m).stream().mapToLong(f -> f.flopsDense()).sum();
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
            m = CompressedModelFile.load(file).model(); // a plain model file or a pruned one (`secateur prune --out`)
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
