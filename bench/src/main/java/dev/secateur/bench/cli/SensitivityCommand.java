package dev.secateur.bench.cli;

import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.pipeline.CompressionPipeline;
import dev.secateur.prune.pipeline.PlanFile;
import dev.secateur.prune.pipeline.Target;
import dev.secateur.prune.schedule.Evaluator;
import dev.secateur.prune.schedule.DatasetEvaluator;
import dev.secateur.prune.schedule.GradientAccumulator;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;
import dev.secateur.prune.sensitivity.SensitivityAnalysis;
import dev.secateur.prune.sensitivity.SensitivityCurve;
import dev.secateur.prune.sensitivity.SensitivityPlanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code secateur sensitivity}: accuracy vs sparsity per layer, and per-layer targets for a budget. */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
        description = "Prune one layer at a time to each sparsity (no fine-tuning), report accuracy curves, and plan per-layer densities for a weight or FLOP budget.")
public final class SensitivityCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Parameters(index = "0", description = "model file") Path model;
    @Option(names = "--criterion", defaultValue = "l1", description = "l1, l2, seed, seed-max, random, taylor (default ${DEFAULT-VALUE})") String criterion;
    @Option(names = "--granularity", defaultValue = "unstructured", description = "unstructured, filter, channel, block:RxC (default ${DEFAULT-VALUE})") String granularity;
    @Option(names = "--sparsities", split = ",", defaultValue = "0.5,0.7,0.8,0.9,0.95,0.98", description = "sparsities to try (default ${DEFAULT-VALUE})")
    double[] sparsities;
    @Option(names = "--compression", description = "plan per-layer densities for this weight compression (weights / kept)") Double compression;
    @Option(names = "--flops-reduction", description = "plan per-layer densities removing this fraction of dense/conv FLOPs, e.g. 0.4") Double flopsReduction;
    @Option(names = "--test-limit", description = "evaluate on the first N test images only (faster)") Integer testLimit;
    @Option(names = "--seed", defaultValue = "1", description = "random-criterion seed (default ${DEFAULT-VALUE})") long seed;
    @picocli.CommandLine.Mixin DataOption data;
    @Option(names = "--out", description = "write the planned per-layer densities to this plan file (for `secateur prune --plan FILE`); "
            + "needs --compression or --flops-reduction") Path out;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::sensitivity);
    }

    private int sensitivity() throws IOException {
        // every option before anything is read
        Criterion c = Criterion.parse(criterion);
        Granularity g = Granularity.parse(granularity);
        if (sparsities.length == 0 || sparsities.length > 100) throw new IllegalArgumentException("--sparsities needs 1 to 100 values");
        for (double s : sparsities) if (!(s > 0 && s < 1)) throw new IllegalArgumentException("--sparsities must each be in (0, 1), got " + s);
        if (compression != null && flopsReduction != null) throw new IllegalArgumentException("give only one of --compression and --flops-reduction");
        if (compression != null) new Target.Compression(compression);
        if (flopsReduction != null) new Target.FlopsReduction(flopsReduction);
        if (out != null && compression == null && flopsReduction == null) throw new IllegalArgumentException("--out needs --compression or --flops-reduction to plan for");
        if (testLimit != null && testLimit < 1) throw new IllegalArgumentException("--test-limit must be >= 1, got " + testLimit);
        OutputCheck.writable(out, "--out");
        OutputCheck.writable(json, "--json");
        data.check();
        CompressedModelFile.Loaded loaded = ModelInputs.load(model);
        Model m = loaded.model();
        TrainTest tt = ModelInputs.normalizedFor(loaded, data.load(m.inputShape(), System.err), System.err);
        CompressionPipeline.checkData(m, tt);
        CompressionPipeline.criterionNotes(c, g).forEach(System.err::println);
        if (testLimit != null) System.err.println("evaluating on the first " + testLimit + " test images");
        java.util.Arrays.sort(sparsities);
        DatasetEvaluator ev = new DatasetEvaluator(PruneCommand.limit(tt.test(), testLimit));
        ProgressBar bar = new ProgressBar(System.err);
        long evaluations = 2L + (long) PrunableLayer.findAll(m).size() * sparsities.length;
        long[] done = {0};
        Evaluator counted = model -> {
            double a = ev.accuracy(model);
            bar.update("sensitivity", ++done[0], evaluations);
            return a;
        };
        ModelPruner pruner = new ModelPruner(c.needsGradients() ? new GradientAccumulator(tt.train(), 64, 16) : null);
        double base = counted.accuracy(m);
        List<SensitivityCurve> curves = new SensitivityAnalysis(c, g, seed).run(m, sparsities, counted, pruner, line -> {
            bar.clear();
            System.out.println(line);
        });
        bar.clear();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", model.toString());
        result.put("data", tt.source() + (testLimit != null ? " (first " + testLimit + " test images)" : ""));
        result.put("criterion", c.cliName());
        result.put("granularity", granularity);
        result.put("base_accuracy", base);
        result.put("curves", SensitivityCurve.toTree(curves));
        if (compression != null || flopsReduction != null) {
            Map<String, Double> plan;
            if (compression != null) {
                long weights = PrunableLayer.findAll(m).stream().mapToLong(PrunableLayer::size).sum();
                plan = SensitivityPlanner.plan(curves, base, SensitivityPlanner.Budget.PARAMS, weights / compression);
            } else {
                double flops = curves.stream().mapToDouble(cv -> (double) cv.weights() * cv.flopsPerWeight()).sum();
                plan = SensitivityPlanner.plan(curves, base, SensitivityPlanner.Budget.FLOPS, flops * (1 - flopsReduction));
            }
            String arg = plan.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            System.out.println("planned per-layer densities: " + arg);
            if (out != null) {
                new PlanFile(model.toString(), c.cliName(), g.toString(), plan).write(out);
                System.out.println("wrote plan " + out);
                System.out.println("use: secateur prune " + model + " --plan " + out + " --out pruned.safetensors");
            } else {
                System.out.println("use: secateur prune " + model + " --criterion " + c.cliName() + " --granularity " + g
                        + " --layer-density " + arg + " --out pruned.safetensors");
            }
            result.put("plan", plan);
        }
        PruneCommand.writeJson(json, result);
        return 0;
    }
}
