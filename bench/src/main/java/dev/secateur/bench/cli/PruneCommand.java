package dev.secateur.bench.cli;

import dev.secateur.datasets.Dataset;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.io.Json;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.pipeline.CompressionPipeline;
import dev.secateur.prune.pipeline.PipelineResult;
import dev.secateur.prune.pipeline.PlanFile;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.report.Latency;
import dev.secateur.prune.report.LatencyProbe;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code secateur prune}: the options into a {@link CompressionPipeline}, run it on a model file,
 * save and report. Every option is checked before the model or the data is read.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Prune a model file to a target (compression, sparsity, FLOPs, file size or a sensitivity plan) with fine-tuning, "
                + "within an accuracy budget; save it compactly and report size, speed and accuracy against the original dense model."})
public final class PruneCommand implements Callable<Integer> {
    @Mixin CliErrors.Verbose verbose;
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "input model (.safetensors from `secateur train`, or an earlier prune/quantize output)")
    Path model;
    @Mixin TargetOptions targets;
    @Option(names = "--plan", description = "per-layer densities from `secateur sensitivity --out PLAN.json` (its criterion and granularity "
            + "unless given here)") Path plan;
    @Option(names = "--criterion", defaultValue = "l1", description = "l1, l2, l1-bias (alias seed), max-bias (alias seed-max), random, taylor "
            + "(default ${DEFAULT-VALUE})")
    String criterion;
    @Option(names = "--granularity", defaultValue = "unstructured", description = "unstructured, filter, channel, block:RxC, nm:N:M (default ${DEFAULT-VALUE})")
    String granularity;
    @Option(names = "--scope", defaultValue = "layer", description = "layer or global (default ${DEFAULT-VALUE})")
    String scope;
    @Option(names = "--schedule", defaultValue = "oneshot", description = "oneshot, iterative[:STEPS] (8), lottery[:STEPS] (iterative with "
            + "lottery-ticket rewind), agp[:EVENTS] (20; gradual pruning during --finetune-epochs) (default ${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--finetune-epochs", defaultValue = "1", description = "fine-tuning epochs per step, fractions allowed (agp: whole epochs "
            + "in total; 0: none) (default ${DEFAULT-VALUE})")
    double finetuneEpochs;
    @Option(names = "--accuracy-budget", defaultValue = "1", description = "allowed test accuracy drop vs the original dense model in "
            + "percentage points; a step that breaks it is rolled back and the run stops with exit code 3; 'none' lifts it (default ${DEFAULT-VALUE})")
    String accuracyBudget;
    @Mixin LayerDensityOptions perLayer;
    @Option(names = "--min-density", defaultValue = "0.01", description = "every layer keeps at least this fraction (both scopes) (default ${DEFAULT-VALUE})")
    double minDensity;
    @Option(names = "--exclude", split = ",", description = "layers never pruned (comma-separated names)") Set<String> exclude = Set.of();
    @Option(names = "--compact", description = "after filter/channel pruning, physically remove pruned filters/channels (checked against the masked model)")
    boolean compact;
    @Option(names = "--rewind", description = "lottery-ticket rewind with an iterative schedule (same as --schedule lottery:STEPS)") boolean rewind;
    @Option(names = "--lr", defaultValue = "5e-4", description = "fine-tuning peak learning rate, cosine-decayed per step (default ${DEFAULT-VALUE})") double lr;
    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, or sgd with --momentum and --weight-decay (default ${DEFAULT-VALUE})")
    String optimizer;
    @Mixin SgdOptions sgd;
    @Option(names = "--distill", description = "fine-tune against the input model's soft outputs (knowledge distillation, T = 4, weight 0.7)")
    boolean distill;
    @Option(names = "--agp-ramp", defaultValue = "0.75", description = "agp: fraction of the training over which the sparsity ramps (default ${DEFAULT-VALUE})")
    double agpRamp;
    @Option(names = "--batch", defaultValue = "64", description = "fine-tuning batch size (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--seed", defaultValue = "1", description = "shuffling and random-criterion seed (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--int8", description = "also quantize the pruned weights to int8 before saving") boolean int8;
    @Mixin DataOption data;
    @Option(names = "--out", required = true, description = "output model file") Path out;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;
    @Option(names = "--latency", description = "also measure predict latency at batch 1 and 64 (median and quartiles)") boolean latency;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::prune);
    }

    private int prune() throws IOException {
        // 1. every option, before anything is read
        PlanFile planFile = plan == null ? null : PlanFile.read(plan);
        CompressionPipeline pipeline = pipeline(planFile);
        OutputCheck.writable(out, "--out");
        OutputCheck.writable(json, "--json");
        data.check();
        // 2. the model (the one place it is loaded), checked against the options
        CompressedModelFile.Loaded loaded = ModelInputs.load(model);
        Model m = loaded.model();
        pipeline.checkModel(m);
        CompressionHistory history = loaded.history();
        // 3. the data, then the work
        TrainTest tt = ModelInputs.normalizedFor(loaded, data.load(m.inputShape(), System.err), System.err);
        CompressionPipeline.checkData(m, tt);
        long inputFlops = CompressionReport.footprints(m).stream().mapToLong(f -> f.flopsDense()).sum();
        long inputParams = m.parameterCount();
        System.err.printf("model %s (%s): %,d parameters%s%n", model, m.architecture(), m.parameterCount(),
                planFile != null ? "; plan " + plan + " (" + planFile.layerDensities().size() + " layers)" : "");
        ProgressBar bar = new ProgressBar(System.err);
        PipelineResult r = pipeline.run(m, history, loaded.int8(), loaded.training(), tt, new ConsoleListener(System.err, bar));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", r.outcome().status().name().toLowerCase());
        result.put("message", r.outcome().message());
        result.put("schedule", pipeline.schedule().spec());
        result.put("target", pipeline.target().describe());
        result.put("target_density", r.density());
        result.put("input", model.toString());
        if (!r.changed()) {
            System.out.println(r.outcome().message() + "; " + out + " not written");
            result.put("out", null);
            writeJson(json, result);
            return r.exitCode();
        }
        CompressedModelFile.save(r.model(), r.history(), r.int8(), loaded.training(), loaded.normalization(), out);
        CompressionReport report = report(r.model(), out, r.accuracy(), r.history(), tt, latency);
        System.out.print(report.toTable());
        System.out.println(r.outcome().message());
        System.out.println("saved " + out);
        if (Double.isFinite(r.compactionDiff())) result.put("compaction_max_abs_diff", r.compactionDiff());
        result.put("out", out.toString());
        result.put("input_params_total", inputParams);
        result.put("input_flops_dense", inputFlops);
        result.put("flops_reduction_vs_input", 1.0 - (double) report.flops() / Math.max(1, inputFlops));
        result.put("notes", r.notes());
        System.out.printf("vs the input model: FLOPs %,d -> %,d (%.1f%% fewer), parameters %,d -> %,d%n", inputFlops, report.flops(),
                100.0 * (1.0 - (double) report.flops() / Math.max(1, inputFlops)), inputParams, r.model().parameterCount());
        result.putAll(report.toTree());
        writeJson(json, result);
        return r.exitCode();
    }

    /** The pipeline the options describe (a plan's criterion and granularity unless given on the command line). */
    private CompressionPipeline pipeline(PlanFile planFile) {
        var parsed = spec.commandLine().getParseResult();
        String crit = criterion, gran = granularity;
        Map<String, Double> densities = new HashMap<>();
        if (planFile != null) {
            if (!parsed.hasMatchedOption("--criterion") && planFile.criterion() != null) crit = planFile.criterion();
            if (!parsed.hasMatchedOption("--granularity") && planFile.granularity() != null) gran = planFile.granularity();
            densities.putAll(planFile.layerDensities());
        }
        densities.putAll(perLayer.layerDensity);
        String sched = schedule;
        if (rewind) {
            if (sched.startsWith("agp")) throw new IllegalArgumentException("--rewind needs an iterative schedule, not " + sched);
            sched = sched.equals("oneshot") ? "lottery:1" : sched.replaceFirst("^iterative", "lottery");
        }
        try {
            dev.secateur.prune.schedule.PruningSchedule.parse(sched, new dev.secateur.prune.schedule.PruningSchedule.Settings(1, Double.NaN, 0.5));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--schedule: " + e.getMessage(), e);
        }
        return CompressionPipeline.builder()
                .criterion(Criterion.parse(crit)).granularity(Granularity.parse(gran)).scope(Scope.parse(scope))
                .target(targets.target()).layerDensities(densities).maxDensities(perLayer.maxDensity).exclude(exclude).minDensity(minDensity)
                .schedule(sched).fineTuneEpochs(finetuneEpochs).accuracyBudget(TargetOptions.budget(accuracyBudget)).agpRamp(agpRamp)
                .learningRate(lr).batch(batch).optimizer(optimizer, sgd.momentum, sgd.weightDecay).distill(distill)
                .int8(int8).compact(compact).seed(seed).build();
    }

    /** The report of a model saved at {@code file}, against the original dense model of its history. */
    static CompressionReport report(Model m, Path file, double accuracy, CompressionHistory history, TrainTest tt, boolean latency)
            throws IOException {
        Latency l1 = Latency.NONE, l64 = Latency.NONE;
        if (latency) {
            l1 = LatencyProbe.measure(m, 1, 1000);
            l64 = LatencyProbe.measure(m, 64, 1000);
        }
        return CompressionReport.of(m, Files.size(file), accuracy, history, describe(tt), l1, l64);
    }

    /** The data line of a report. */
    static String describe(TrainTest tt) {
        return tt.test().name() + " - " + tt.source() + (tt.isSample() ? " [sample]" : "");
    }

    static void writeJson(Path file, Object value) throws IOException {
        if (file == null) return;
        Json.writeFile(file, value);
        System.err.println("wrote " + file);
    }

    /** A test subset for quick evaluations (first {@code n} examples), or the whole set. */
    static Dataset limit(Dataset d, Integer n) {
        if (n != null && n < 1) throw new IllegalArgumentException("--test-limit must be >= 1, got " + n);
        return n == null || n >= d.size() ? d : d.subset(0, n);
    }
}
