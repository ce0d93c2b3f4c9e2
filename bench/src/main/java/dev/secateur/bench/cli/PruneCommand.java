package dev.secateur.bench.cli;

import dev.secateur.datasets.Dataset;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.CompressionStep;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.optim.Adam;
import dev.secateur.prune.compact.CompactionCheck;
import dev.secateur.prune.compact.StructuredCompactor;
import dev.secateur.prune.mask.DensityCaps;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.quant.ModelQuantizer;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.report.LatencyProbe;
import dev.secateur.prune.schedule.DatasetEvaluator;
import dev.secateur.prune.schedule.DatasetFineTuner;
import dev.secateur.prune.schedule.GradientAccumulator;
import dev.secateur.prune.schedule.GradualPruning;
import dev.secateur.prune.schedule.IterativePruning;
import dev.secateur.prune.schedule.PruningOutcome;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code secateur prune}: the seed's loop on a model file — pre-check (already compressed?),
 * score, mask, prune, fine-tune, test, repeat to the target — then save compactly and report.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Prune a model file to a target sparsity/compression with fine-tuning, save it compactly and report size, speed and accuracy.")
public final class PruneCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Parameters(index = "0", description = "input model (.safetensors from `secateur train`, or an earlier prune/quantize output)")
    Path model;
    @Option(names = "--criterion", defaultValue = "l1", description = "l1, l2, seed, seed-max, random, taylor (default ${DEFAULT-VALUE})")
    String criterion;
    @Option(names = "--granularity", defaultValue = "unstructured", description = "unstructured, filter, channel, block:RxC, nm:N:M (default ${DEFAULT-VALUE})")
    String granularity;
    @Option(names = "--scope", defaultValue = "layer", description = "layer or global (default ${DEFAULT-VALUE})")
    String scope;
    @Option(names = "--sparsity", description = "target fraction of prunable weights removed, e.g. 0.9") Double sparsity;
    @Option(names = "--compression", description = "target compression: prunable weights / kept weights, e.g. 12") Double compression;
    @Option(names = "--schedule", defaultValue = "oneshot", description = "oneshot, iterative:STEPS, agp or agp:EVENTS (default ${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--finetune-epochs", defaultValue = "1", description = "fine-tuning epochs per step (agp: total epochs) (default ${DEFAULT-VALUE})")
    int finetuneEpochs;
    @Option(names = "--accuracy-budget", description = "allowed test accuracy drop vs the dense model, percentage points (iterative: stop and roll back)")
    Double accuracyBudget;
    @Option(names = "--layer-density", split = ",", description = "per-layer target densities NAME=D,... (layer scope; e.g. from `secateur sensitivity`)")
    Map<String, Double> layerDensity = Map.of();
    @Option(names = "--compact", description = "after filter/channel pruning, physically remove pruned filters/channels (checked against the masked model)")
    boolean compact;
    @Option(names = "--exclude", split = ",", description = "layers never pruned (comma-separated names)") Set<String> exclude = Set.of();
    @Option(names = "--min-density", defaultValue = "0.01", description = "global scope: every layer keeps at least this fraction (default ${DEFAULT-VALUE})")
    double minDensity;
    @Option(names = "--rewind", description = "lottery-ticket rewind: reset surviving weights to their starting values after each step") boolean rewind;
    @Option(names = "--lr", defaultValue = "5e-4", description = "fine-tuning Adam learning rate (default ${DEFAULT-VALUE})") double lr;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--int8", description = "also quantize the pruned weights to int8 before saving") boolean int8;
    @picocli.CommandLine.Mixin DataOption data;
    @Option(names = "--out", required = true, description = "output model file") Path out;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;
    @Option(names = "--latency", description = "also measure predict latency at batch 1 and 64") boolean latency;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::prune);
    }

    private int prune() throws IOException {
        Granularity g = Granularity.parse(granularity);
        if (sparsity != null && compression != null) throw new IllegalArgumentException("give only one of --sparsity and --compression");
        if (sparsity == null && compression == null && !(g instanceof Granularity.NOfM)) {
            throw new IllegalArgumentException("give --sparsity or --compression");
        }
        double density = sparsity != null ? 1 - sparsity : compression != null ? 1 / compression : 1 - ((Granularity.NOfM) g).sparsity();
        if (compression != null && compression < 1) throw new IllegalArgumentException("--compression must be >= 1, got " + compression);
        Criterion crit = Criterion.parse(criterion);
        Scope sc = Scope.parse(scope);
        CompressedModelFile.Loaded loaded = ModelInputs.load(model);
        Model m = loaded.model();
        ModelPruner.masksFromZeros(m);
        CompressionHistory history = loaded.history();
        TrainTest tt = data.load(m.inputShape(), System.err);
        long inputFlops = CompressionReport.footprints(m).stream().mapToLong(f -> f.flopsDense()).sum();
        long inputParams = m.parameterCount();
        PruningPlan plan = new PruningPlan(crit, g, sc, density,
                layerDensity, DensityCaps.atLeast(minDensity), exclude, seed);
        System.err.printf("model %s (%s): %,d parameters, density %.4f; target density %.4f (%.1fx), %s %s %s, schedule %s%n",
                model, m.architecture(), m.parameterCount(), ModelPruner.density(m), density, 1 / density, plan.criterion(),
                plan.granularity(), plan.scope(), schedule);
        DatasetEvaluator evaluator = new DatasetEvaluator(tt.test());
        DatasetFineTuner tuner = new DatasetFineTuner(tt.train(), batch, () -> new Adam(lr), seed);
        ModelPruner pruner = new ModelPruner(plan.criterion().needsGradients() ? new GradientAccumulator(tt.train(), batch, 16) : null);
        double budget = accuracyBudget == null ? Double.NaN : accuracyBudget;
        PruningOutcome outcome;
        if (schedule.equals("agp") || schedule.startsWith("agp:")) {
            int events = schedule.equals("agp") ? 20 : positive(schedule.substring(4), "agp events");
            outcome = new GradualPruning(Math.max(1, finetuneEpochs), events, 0.75).run(m, plan, history, tuner, evaluator, System.err::println, pruner);
        } else {
            int steps = schedule.equals("oneshot") ? 1 : schedule.startsWith("iterative:") ? positive(schedule.substring(10), "iterative steps") : -1;
            if (steps < 0) throw new IllegalArgumentException("unknown --schedule '" + schedule + "' (oneshot, iterative:STEPS, agp, agp:EVENTS)");
            outcome = new IterativePruning(steps, finetuneEpochs, budget, rewind).run(m, plan, history, tuner, evaluator, System.err::println, pruner);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", outcome.status().name().toLowerCase());
        result.put("message", outcome.message());
        result.put("schedule", schedule);
        result.put("input", model.toString());
        if (outcome.status() == PruningOutcome.Status.ALREADY_COMPRESSED) {
            System.out.println(outcome.message() + "; " + out + " not written");
            result.put("out", null);
            writeJson(json, result);
            return 0;
        }
        double acc = outcome.finalAccuracy();
        boolean quantized = loaded.int8() || int8;
        if (quantized) {
            new ModelQuantizer().quantize(m);
            double after = evaluator.accuracy(m);
            if (int8 && !loaded.int8()) {
                history.add(new CompressionStep("quantize", "", "int8-per-channel", "", "", Double.NaN, ModelPruner.density(m), acc, after));
            }
            System.err.printf("int8: accuracy %.2f%% -> %.2f%%%n", 100 * acc, 100 * after);
            acc = after;
        }
        if (compact) {
            Model small = new StructuredCompactor().compact(m);
            double diff = CompactionCheck.verify(m, small, firstTestImages(tt, 64), CompactionCheck.TOLERANCE);
            double accSmall = evaluator.accuracy(small);
            System.err.printf("compacted: %,d -> %,d parameters, max |dy| vs masked model %.2e, accuracy %.2f%%%n",
                    m.parameterCount(), small.parameterCount(), diff, 100 * accSmall);
            history.add(new CompressionStep("compact", "", plan.granularity().toString(), "", "", Double.NaN, ModelPruner.density(small), acc, accSmall));
            m = small;
            acc = accSmall;
            result.put("compaction_max_abs_diff", diff);
        }
        CompressedModelFile.save(m, history, quantized, loaded.training(), out);
        CompressionReport report = report(m, out, acc, history, tt, latency);
        System.out.print(report.toTable());
        System.out.println(outcome.message());
        System.out.println("saved " + out);
        result.put("out", out.toString());
        result.put("input_params_total", inputParams);
        result.put("input_flops_dense", inputFlops);
        result.put("flops_reduction_vs_input", 1.0 - (double) report.flops() / Math.max(1, inputFlops));
        System.out.printf("vs the input model: FLOPs %,d -> %,d (%.1f%% fewer), parameters %,d -> %,d%n", inputFlops, report.flops(),
                100.0 * (1.0 - (double) report.flops() / Math.max(1, inputFlops)), inputParams, m.parameterCount());
        result.putAll(report.toTree());
        writeJson(json, result);
        return outcome.status() == PruningOutcome.Status.REACHED_TARGET ? 0 : 3;
    }

    /** The report of a model saved at {@code file}. */
    static CompressionReport report(Model m, Path file, double accuracy, CompressionHistory history, TrainTest tt, boolean latency)
            throws IOException {
        double l1 = Double.NaN, l64 = Double.NaN;
        if (latency) {
            l1 = LatencyProbe.medianMillis(m, 1, 1000);
            l64 = LatencyProbe.medianMillis(m, 64, 1000);
        }
        return new CompressionReport(m.architecture(), CompressionReport.footprints(m), m.parameterCount(), m.nonZeroCount(),
                java.nio.file.Files.size(file), CompressedModelFile.denseBytes(m), accuracy, history.denseAccuracy(), l1, l64,
                tt.test().name() + " — " + tt.source() + (tt.isSample() ? " [sample]" : ""), history);
    }

    static void writeJson(Path file, Object value) throws IOException {
        if (file == null) return;
        Json.writeFile(file, value);
        System.err.println("wrote " + file);
    }

    static int positive(String s, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v >= 1) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " must be a positive integer, got '" + s + "'");
    }

    /** Runs a command body: bad input and I/O errors become one "error:" line and exit code 2. */
    static dev.secateur.tensor.Tensor firstTestImages(TrainTest tt, int n) {
        for (dev.secateur.datasets.Batch b : dev.secateur.datasets.Batcher.sequential(tt.test(), n).epoch(0)) return b.images().copy();
        throw new IllegalArgumentException("empty test set");
    }

    /** A test subset for quick evaluations (first {@code n} examples), or the whole set. */
    static Dataset limit(Dataset d, Integer n) {
        return n == null || n >= d.size() ? d : d.subset(0, n);
    }
}
