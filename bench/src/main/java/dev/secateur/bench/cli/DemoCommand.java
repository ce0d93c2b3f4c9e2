package dev.secateur.bench.cli;

import dev.secateur.bench.cli.demo.Comparison;
import dev.secateur.bench.cli.demo.InferenceLatency;
import dev.secateur.bench.cli.demo.LayerSpeed;
import dev.secateur.bench.cli.demo.ShippedModel;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.pipeline.CompressionPipeline;
import dev.secateur.prune.pipeline.PipelineResult;
import dev.secateur.prune.pipeline.Target;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.schedule.EvaluationData;
import dev.secateur.prune.schedule.PruningSchedule;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code secateur demo}: the {@link CompressionPipeline} on the bundled defaults — the shipped
 * LeNet-5, its best recipe (gradual pruning to 12× during 6 epochs of distilled SGD fine-tuning,
 * then int8), and a dense vs compressed comparison (size on disk, accuracy, latency at batch 1
 * and 64, non-zeros, FLOPs) that says which layers got faster and why.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The seed's pipeline end to end: shipped LeNet-5 on Fashion-MNIST -> pre-check -> gradual pruning with distilled "
                + "fine-tuning to 12x -> int8 -> save -> dense vs compressed table, and which layers got faster and why.",
                "Uses the full data set when found ($SECATEUR_DATA, /usr/share/datasets/fashion-mnist), else the bundled sample (and says so)."})
public final class DemoCommand implements Callable<Integer> {
    @Mixin CliErrors.Verbose verbose;
    @Spec CommandSpec spec;

    @Option(names = "--model", description = "dense model to compress (default: the shipped models/lenet5.safetensors)") Path model;
    @Option(names = "--data", description = "Fashion-MNIST directory (default: $SECATEUR_DATA, the system package, else the bundled sample)") Path data;
    @Option(names = "--sample", description = "use the bundled sample even when the full data set is installed") boolean sample;
    @Option(names = "--out", defaultValue = "runs/demo/lenet5-compressed.safetensors", description = "compressed model file (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;
    @Option(names = "--compression", defaultValue = "12", description = "target compression: prunable weights / kept weights (default ${DEFAULT-VALUE})")
    double compression;
    @Option(names = "--schedule", defaultValue = "agp", description = "agp[:EVENTS] (gradual pruning during one fine-tune of --finetune-epochs, "
            + "20 events), iterative[:STEPS] (the seed's loop), lottery[:STEPS] or oneshot; --steps N alone means iterative:N (default ${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--agp-ramp", defaultValue = "0.5", description = "agp: fraction of the training over which the sparsity ramps; "
            + "the rest trains at the final density (default ${DEFAULT-VALUE})")
    double agpRamp;
    @Option(names = "--steps", description = "pruning steps of the iterative loop (implies --schedule iterative:STEPS)") Integer steps;
    @Option(names = "--finetune-epochs", defaultValue = "6", description = "agp: whole epochs in total; iterative: per step, fractions allowed, "
            + "e.g. 0.5 (default ${DEFAULT-VALUE})")
    double finetuneEpochs;
    @Option(names = "--accuracy-budget", defaultValue = "1", description = "allowed test accuracy drop vs the dense model, pp; a step that breaks "
            + "it is rolled back and the run stops with exit code 3; 'none' lifts it (default ${DEFAULT-VALUE})")
    String accuracyBudget;
    @Option(names = "--criterion", defaultValue = "l1", description = "l1, l2, l1-bias (alias seed), max-bias (alias seed-max), random (default ${DEFAULT-VALUE})")
    String criterion;
    @Option(names = "--scope", defaultValue = "global", description = "layer or global (default ${DEFAULT-VALUE})") String scope;
    @Option(names = "--min-density", defaultValue = "0.02", description = "per-layer density floor (default ${DEFAULT-VALUE})")
    double minDensity;
    @Option(names = "--lr", defaultValue = "0.01", description = "fine-tuning peak learning rate, cosine-decayed (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd (with --momentum and --weight-decay, the shipped model's training "
            + "recipe) or adam (default ${DEFAULT-VALUE})")
    String optimizer;
    @Mixin SgdOptions sgd;
    @Option(names = "--batch", defaultValue = "64", description = "fine-tuning batch size (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--seed", defaultValue = "1", description = "shuffling seed (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--no-int8", description = "skip the int8 quantization") boolean noInt8;
    @Option(names = "--distill", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "fine-tune against the dense model's soft outputs (knowledge distillation, T = 4, weight --distill-weight) (default ${DEFAULT-VALUE})")
    boolean distill;
    @Option(names = "--distill-weight", defaultValue = "0.9", description = "weight of the dense model's soft outputs in the distillation loss, "
            + "in [0, 1] (default ${DEFAULT-VALUE})")
    double distillWeight;
    @Mixin LayerDensityOptions perLayer;
    @Option(names = "--latency-ms", defaultValue = "1000", description = "time budget per latency measurement, ms (default ${DEFAULT-VALUE})")
    long latencyMs;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::demo);
    }

    private int demo() throws IOException {
        long t0 = System.nanoTime();
        CompressionPipeline pipeline = pipeline();
        if (latencyMs < 1 || latencyMs > 600_000) throw new IllegalArgumentException("--latency-ms must be in [1, 600000], got " + latencyMs);
        if (sample && data != null) throw new IllegalArgumentException("give only one of --sample and --data");
        OutputCheck.writable(out, "--out");
        OutputCheck.writable(json, "--json");
        ProgressBar bar = new ProgressBar(System.err);
        Path modelFile = model != null ? model : ShippedModel.locate("lenet5.safetensors");

        System.out.println("== 1. prepare: load the trained model and the data");
        CompressedModelFile.Loaded loaded = ModelInputs.load(modelFile);
        Model m = loaded.model();
        pipeline.checkModel(m);
        if (!m.inputShape().equals(Shape.of(1, 28, 28))) {
            throw new IllegalArgumentException("the demo runs on Fashion-MNIST (input [1, 28, 28]); " + m.architecture() + " takes " + m.inputShape());
        }
        CompressionHistory historyBefore = loaded.history().copy();
        System.out.printf("model: %s (%s, %,d parameters, %,d bytes on disk)%n", modelFile, m.architecture(), m.parameterCount(), Files.size(modelFile));
        TrainTest tt = sample ? FashionMnist.loadSample() : FashionMnist.load(data);
        System.out.println(EvaluationData.describe(tt));
        if (tt.isSample()) {
            System.out.println("NOTE: using the bundled SAMPLE of Fashion-MNIST" + (sample ? " (--sample)" : " because the full data set was not found "
                    + "(install dataset-fashion-mnist or give --data DIR)") + "; accuracies are not comparable with the full test set");
        }
        String opt = optimizer.equals("sgd") ? String.format("SGD momentum %.3g, weight decay %.3g,", sgd.momentum, sgd.weightDecay) : "Adam";
        System.out.printf("recipe: %s to %.4gx, %s %s scope, %s epoch(s)%s of fine-tuning with %s lr %.3g (cosine), batch %d%s; accuracy budget %s pp%n",
                pipeline.schedule().trainsOnce() ? "gradual pruning (" + pipeline.schedule().spec() + ", ramp over " + Math.round(100 * agpRamp) + "% of the training)"
                        : "iterative pruning (" + pipeline.schedule().spec() + ")",
                compression, criterion, scope, trim(finetuneEpochs), pipeline.schedule().trainsOnce() ? "" : " per step", opt, lr, batch,
                distill ? String.format(", distilled from the dense model (weight %.2g)", distillWeight) : "", accuracyBudget);

        Model original = m.copy();
        DemoListener listener = new DemoListener(bar);
        PipelineResult r = pipeline.run(m, loaded.history(), loaded.int8(), loaded.training(), tt, listener);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", modelFile.toString());
        result.put("data_sample", tt.isSample());
        result.put("pre_check", String.join("\n", r.preCheck().lines()));
        result.put("already_compressed", r.preCheck().compressed());
        if (!r.changed()) {
            String why = r.outcome().succeeded() ? "nothing to do: the model already meets the target" : r.outcome().message();
            System.out.println(why + "; " + out + " not written");
            result.put("status", r.outcome().status().name().toLowerCase());
            result.put("message", r.outcome().message());
            result.put("out", null);
            result.putAll(CompressionReport.of(original, Files.size(modelFile), r.accuracyStart(), historyBefore, PruneCommand.describe(tt),
                    null, null).toTree());
            PruneCommand.writeJson(json, result);
            return r.exitCode();
        }

        listener.phase("save");
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        CompressedModelFile.save(r.model(), r.history(), r.int8(), loaded.training(), loaded.normalization(), out);
        System.out.printf("saved %s (%,d bytes)%n", out, Files.size(out));

        listener.phase("report of the compressed model");
        // Both models are timed here, alternately on a warm JVM, so the comparison is fair.
        InferenceLatency[] lat = InferenceLatency.compare(original, r.model(), latencyMs);
        InferenceLatency latOrig = lat[0], latComp = lat[1];
        CompressionReport before = CompressionReport.of(original, Files.size(modelFile), r.accuracyStart(), historyBefore, PruneCommand.describe(tt),
                latOrig.at1(), latOrig.at64());
        CompressionReport after = CompressionReport.of(r.model(), Files.size(out), r.accuracy(), r.history(), PruneCommand.describe(tt),
                latComp.at1(), latComp.at64());
        System.out.print(after.toTable());
        System.out.println("== dense vs compressed");
        System.out.print(Comparison.table(before, after, "dense model: " + latOrig.kernel() + "\n         compressed: " + latComp.kernel()));
        System.out.println("which layers got faster, and why (compiled model, kernel measured fastest per layer):");
        LayerSpeed.explain(latComp.choices()).forEach(System.out::println);
        Map<Integer, Double> measured = new LinkedHashMap<>();
        measured.put(1, latOrig.ms1() / latComp.ms1());
        measured.put(64, latOrig.ms64() / latComp.ms64());
        LayerSpeed.verdict(latComp.choices(), measured).forEach(System.out::println);
        System.out.println(r.outcome().message());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = processCpuSeconds();
        System.out.printf("demo finished in %.0f s wall, %.0f s CPU (%d processors available)%n", seconds, cpu,
                Runtime.getRuntime().availableProcessors());

        result.put("status", r.outcome().status().name().toLowerCase());
        result.put("message", r.outcome().message());
        result.put("out", out.toString());
        result.put("schedule", pipeline.schedule().spec());
        result.put("optimizer", optimizer);
        result.put("lr", lr);
        result.put("finetune_epochs", finetuneEpochs);
        result.put("distill", distill);
        result.put("accuracy_pruned", r.accuracyPruned());
        result.put("int8", r.int8());
        result.put("latency_kernel", latComp.kernel());
        result.put("latency_ms_batch1_dense", before.latencyMs1());
        result.put("latency_ms_batch64_dense", before.latencyMs64());
        result.put("seconds", seconds);
        result.put("cpu_seconds", cpu);
        result.putAll(after.toTree());
        result.put("dense", before.toTree());
        PruneCommand.writeJson(json, result);
        return r.exitCode();
    }

    private CompressionPipeline pipeline() {
        boolean scheduleGiven = spec.commandLine().getParseResult().hasMatchedOption("--schedule");
        if (steps != null && (steps < 1 || steps > PruningSchedule.MAX_STEPS)) {
            throw new IllegalArgumentException("--steps must be in [1, " + PruningSchedule.MAX_STEPS + "], got " + steps);
        }
        String sched = schedule;
        if (steps != null) {
            if (scheduleGiven && !schedule.equals("iterative")) throw new IllegalArgumentException("--steps goes with --schedule iterative, not " + schedule);
            sched = "iterative:" + steps;
        }
        try {
            PruningSchedule.parse(sched, new PruningSchedule.Settings(1, Double.NaN, 0.5));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--schedule: " + e.getMessage(), e);
        }
        Criterion crit = Criterion.parse(criterion);
        if (crit.needsGradients()) throw new IllegalArgumentException("the demo does not offer gradient criteria; use `secateur prune --criterion taylor`");
        return CompressionPipeline.builder()
                .criterion(crit).granularity(Granularity.UNSTRUCTURED).scope(Scope.parse(scope)).target(new Target.Compression(compression))
                .minDensity(minDensity).layerDensities(perLayer.layerDensity).maxDensities(perLayer.maxDensity).schedule(sched).fineTuneEpochs(finetuneEpochs).accuracyBudget(TargetOptions.budget(accuracyBudget))
                .agpRamp(agpRamp).learningRate(lr).batch(batch).optimizer(optimizer, sgd.momentum, sgd.weightDecay).distill(distill).distillWeight(distillWeight)
                .int8(!noInt8).seed(seed).build();
    }

    /** Phases as numbered headings on stdout; the pruning steps on stderr with the progress bar, as before. */
    private static final class DemoListener extends ConsoleListener {
        private final ProgressBar bar;
        private int phase = 1;
        private boolean pruning;

        DemoListener(ProgressBar bar) {
            super(System.out, bar);
            this.bar = bar;
        }

        @Override public void phase(String name) {
            bar.clear();
            pruning = name.startsWith("prune");
            System.out.println("== " + ++phase + ". " + name);
        }

        @Override public void log(String line) {
            if (pruning) bar.log("  " + line);
            else super.log(line);
        }
    }

    /** CPU time of this process (all threads), NaN where the platform does not tell. */
    private static double processCpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long ns = os.getProcessCpuTime();
            return ns < 0 ? Double.NaN : ns / 1e9;
        }
        return Double.NaN;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
