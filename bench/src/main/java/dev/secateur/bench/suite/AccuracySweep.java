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

    /** Receives one call per point done, with that point's estimated seconds. */
    public interface Progress {
        void done(double estimateSeconds, String what);
    }

    /** Fashion-MNIST's training and test set sizes: what 0 images means. */
    private static final int TRAIN_SET = 60_000, TEST_SET = 10_000;

    /**
     * Estimated seconds per image of one training step and of one inference, per model, on one
     * core of a 2-core AVX-512 machine (LeNet-5's epoch takes about 8 s); other models count as
     * LeNet-5.
     */
    private static double trainSecondsPerImage(String model) {
        return model.equals("lenet300") ? 25e-6 : 130e-6;
    }

    private static double testSecondsPerImage(String model) {
        return model.equals("lenet300") ? 5e-6 : 35e-6;
    }

    /** Seconds per point beyond training and evaluation: loading the model, pruning, writing its file. */
    private static final double POINT_OVERHEAD_S = 0.3;

    /** Estimated seconds of one point: its epochs of training and its evaluations of the test images. */
    public double estimateSeconds(String model, Schedule s) {
        double epoch = (trainImages <= 0 ? TRAIN_SET : trainImages) * trainSecondsPerImage(model);
        double eval = (testImages <= 0 ? TEST_SET : testImages) * testSecondsPerImage(model);
        return POINT_OVERHEAD_S + switch (s) {
            case ONE_SHOT -> eval;
            case ONE_SHOT_FT -> epoch + 2 * eval;
            case ITERATIVE -> 3 * epoch + 4 * eval;
            case GRADUAL -> 2 * epoch + 2 * eval;
        };
    }

    /** Estimated seconds of the dense point of {@code model}: loading the data and one evaluation. */
    private double denseEstimateSeconds(String model) {
        return 1.0 + (testImages <= 0 ? TEST_SET : testImages) * testSecondsPerImage(model);
    }

    /** Estimated seconds of the whole sweep. */
    public double estimateSeconds() {
        double t = 0;
        for (String m : models) {
            t += denseEstimateSeconds(m);
            for (Schedule s : schedules) t += criteria.size() * densities.size() * estimateSeconds(m, s);
        }
        return t;
    }

    /** Runs the sweep; {@code progress} receives one call per point done. */
    public List<Figure> run(Progress progress) throws IOException {
        List<Figure> out = new ArrayList<>();
        for (String name : models) {
            Model probe = BenchModels.prepare(name, false).model();
            TrainTest data = EvaluationData.load(probe.inputShape(), dataDir);
            Dataset test = first(data.test(), testImages);
            Dataset train = first(data.train(), trainImages);
            long denseBytes = CompressedModelFile.denseBytes(probe);
            point(out, name, "none", "dense", 1.0, probe, new DatasetEvaluator(test).accuracy(probe), test.size(), denseBytes);
            progress.done(denseEstimateSeconds(name), name + " dense");
            for (Criterion c : criteria) {
                for (Schedule s : schedules) {
                    for (double d : densities) {
                        Model m = BenchModels.prepare(name, false).model();
                        prune(m, c, s, d, train, test);
                        point(out, name, c.name().toLowerCase(Locale.ROOT).replace('_', '-'), s.label, d, m,
                                new DatasetEvaluator(test).accuracy(m), test.size(), denseBytes);
                        progress.done(estimateSeconds(name, s), String.format(Locale.ROOT, "%s %s %s density %.3f", name, c, s.label, d));
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
