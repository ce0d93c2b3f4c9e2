package dev.secateur.bench.suite;

import dev.secateur.bench.models.BenchModels;
import dev.secateur.datasets.Dataset;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.schedule.DatasetEvaluator;
import dev.secateur.prune.schedule.DatasetFineTuner;
import dev.secateur.prune.schedule.EvaluationData;
import dev.secateur.prune.schedule.GradualPruning;
import dev.secateur.prune.schedule.IterativePruning;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Accuracy against compression: each model (the shipped trained weights) pruned by each
 * criterion and schedule to each density with the prune library, then its test accuracy and the
 * size of its compressed file. Unstructured, layer scope. Figures per point: {@code accuracy}
 * (with the 99.9% binomial half-width over the test images), {@code bytes} of the compressed
 * file, {@code compression} (dense float32 bytes / compressed bytes) and {@code density}.
 *
 * @param testImages    test images evaluated (the first ones; 0 = all)
 * @param trainImages   training images the fine-tuning schedules use (0 = all)
 */
public record AccuracySweep(List<String> models, List<Criterion> criteria, List<Schedule> schedules, List<Double> densities,
                            int testImages, int trainImages, Path dataDir) {
    /** z of a two-sided 99.9% interval, the confidence JMH reports for timings. */
    static final double Z999 = 3.2905;

    /** How a model goes from dense to the target density. */
    public enum Schedule {
        /** Prune once, no training. */
        ONE_SHOT("one-shot"),
        /** Prune once, then one epoch of fine-tuning. */
        ONE_SHOT_FT("one-shot+ft"),
        /** Three pruning steps on a geometric path, one epoch of fine-tuning after each. */
        ITERATIVE("iterative"),
        /** Zhu and Gupta's cubic ramp over two epochs of training, ten pruning events. */
        GRADUAL("gradual");

        final String label;

        Schedule(String label) { this.label = label; }
    }

    public AccuracySweep {
        models = List.copyOf(models);
        criteria = List.copyOf(criteria);
        schedules = List.copyOf(schedules);
        densities = List.copyOf(densities);
    }

    /** Points this sweep measures (one per model × criterion × schedule × density, plus the dense model). */
    public int points() {
        return models.size() * (1 + criteria.size() * schedules.size() * densities.size());
    }

    /** Runs the sweep; {@code progress} receives one call per point done. */
    public List<Figure> run(Consumer<String> progress) throws IOException {
        List<Figure> out = new ArrayList<>();
        for (String name : models) {
            Model probe = BenchModels.prepare(name, false).model();
            TrainTest data = EvaluationData.load(probe.inputShape(), dataDir);
            Dataset test = first(data.test(), testImages);
            Dataset train = first(data.train(), trainImages);
            long denseBytes = CompressedModelFile.denseBytes(probe);
            point(out, name, "none", "dense", 1.0, probe, new DatasetEvaluator(test).accuracy(probe), test.size(), denseBytes);
            progress.accept(name + " dense");
            for (Criterion c : criteria) {
                for (Schedule s : schedules) {
                    for (double d : densities) {
                        Model m = BenchModels.prepare(name, false).model();
                        prune(m, c, s, d, train, test);
                        point(out, name, c.name().toLowerCase(Locale.ROOT).replace('_', '-'), s.label, d, m,
                                new DatasetEvaluator(test).accuracy(m), test.size(), denseBytes);
                        progress.accept(String.format(Locale.ROOT, "%s %s %s density %.3f", name, c, s.label, d));
                    }
                }
            }
        }
        return out;
    }

    private static void prune(Model m, Criterion c, Schedule s, double density, Dataset train, Dataset test) {
        PruningPlan plan = PruningPlan.uniform(c, new Granularity.Unstructured(), Scope.LAYER, density);
        Consumer<String> quiet = line -> { };
        DatasetEvaluator eval = new DatasetEvaluator(test);
        switch (s) {
            case ONE_SHOT -> new ModelPruner().apply(m, plan);
            case ONE_SHOT_FT -> IterativePruning.oneShot(1).run(m, plan, new CompressionHistory(), tuner(train), eval, quiet);
            case ITERATIVE -> new IterativePruning(3, 1, Double.NaN, false).run(m, plan, new CompressionHistory(), tuner(train), eval, quiet);
            case GRADUAL -> new GradualPruning(2, 10, 0.8).run(m, plan, new CompressionHistory(), tuner(train), eval, quiet);
        }
    }

    private static DatasetFineTuner tuner(Dataset train) {
        return DatasetFineTuner.adam(train, 1e-4, 7);
    }

    private static void point(List<Figure> out, String model, String criterion, String schedule, double target, Model m,
                              double accuracy, int n, long denseBytes) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("model", model);
        p.put("criterion", criterion);
        p.put("schedule", schedule);
        p.put("target", String.format(Locale.ROOT, "%.3f", target));
        long bytes = CompressedModelFile.toBytes(m, new CompressionHistory(), false).length;
        double err = Z999 * Math.sqrt(accuracy * (1 - accuracy) / Math.max(1, n));
        out.add(new Figure("accuracy", "accuracy", p, accuracy, err, "", false, false));
        out.add(new Figure("accuracy", "bytes", p, bytes, 0, "B", true, false));
        out.add(new Figure("accuracy", "compression", p, denseBytes / (double) bytes, 0, "x", false, true));
        out.add(new Figure("accuracy", "density", p, ModelPruner.density(m), 0, "", true, true));
    }

    private static Dataset first(Dataset d, int n) {
        return n <= 0 || n >= d.size() ? d : d.subset(0, n);
    }
}
