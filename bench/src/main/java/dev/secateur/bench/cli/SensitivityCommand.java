package dev.secateur.bench.cli;

import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.prune.mask.ModelPruner;
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
    @Option(names = "--seed", defaultValue = "1") long seed;
    @picocli.CommandLine.Mixin DataOption data;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::sensitivity);
    }

    private int sensitivity() throws IOException {
        CompressedModelFile.Loaded loaded = ModelInputs.load(model);
        Model m = loaded.model();
        TrainTest tt = data.load(m.inputShape(), System.err);
        if (testLimit != null) System.err.println("evaluating on the first " + testLimit + " test images");
        java.util.Arrays.sort(sparsities);
        DatasetEvaluator ev = new DatasetEvaluator(PruneCommand.limit(tt.test(), testLimit));
        Criterion c = Criterion.parse(criterion);
        ModelPruner pruner = new ModelPruner(c.needsGradients() ? new GradientAccumulator(tt.train(), 64, 16) : null);
        double base = ev.accuracy(m);
        List<SensitivityCurve> curves = new SensitivityAnalysis(c, Granularity.parse(granularity), seed)
                .run(m, sparsities, ev, pruner, System.out::println);
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
            System.out.println("use: secateur prune " + model + " --criterion " + c.cliName() + " --granularity " + granularity
                    + " --layer-density " + arg + " ...");
            result.put("plan", plan);
        }
        PruneCommand.writeJson(json, result);
        return 0;
    }
}
