package dev.secateur.bench.cli;

import dev.secateur.bench.cli.demo.Comparison;
import dev.secateur.bench.cli.demo.DemoProgress;
import dev.secateur.bench.cli.demo.InferenceLatency;
import dev.secateur.bench.cli.demo.PreCheck;
import dev.secateur.bench.cli.demo.ShippedModel;
import dev.secateur.bench.cli.demo.WindowFineTuner;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.CompressionStep;
import dev.secateur.nn.optim.Sgd;
import dev.secateur.prune.mask.DensityCaps;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.quant.ModelQuantizer;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.schedule.DatasetEvaluator;
import dev.secateur.prune.schedule.EvaluationData;
import dev.secateur.prune.schedule.Evaluator;
import dev.secateur.prune.schedule.GradualPruning;
import dev.secateur.prune.schedule.IterativePruning;
import dev.secateur.prune.schedule.PruningOutcome;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;
import dev.secateur.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code secateur demo}: the seed's whole pipeline on the bundled defaults — load the shipped
 * LeNet-5, pre-check, report the dense model, prune iteratively with fine-tuning to 12×
 * within an accuracy budget, quantize to int8, save, and compare dense vs compressed (size on
 * disk, accuracy, latency at batch 1 and 64, non-zeros, FLOPs).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The seed's pipeline end to end: shipped LeNet-5 on Fashion-MNIST -> pre-check -> dense report -> "
                + "iterative prune + fine-tune to 12x -> int8 -> save -> dense vs compressed table.",
                "Uses the full data set when found ($SECATEUR_DATA, /usr/share/datasets/fashion-mnist), else the bundled sample (and says so)."})
public final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    private static final double DISTILL_TEMPERATURE = 4;
    private static final double DISTILL_ALPHA = 0.7;

    @Option(names = "--model", description = "dense model to compress (default: the shipped models/lenet5.safetensors)") Path model;
    @Option(names = "--data", description = "Fashion-MNIST directory (default: $SECATEUR_DATA, the system package, else the bundled sample)") Path data;
    @Option(names = "--sample", description = "use the bundled sample even when the full data set is installed") boolean sample;
    @Option(names = "--out", defaultValue = "runs/demo/lenet5-compressed.safetensors", description = "compressed model file (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;
    @Option(names = "--compression", defaultValue = "12", description = "target compression: prunable weights / kept weights (default ${DEFAULT-VALUE})")
    double compression;
    @Option(names = "--schedule", defaultValue = "iterative", description = "iterative (the seed's loop, --steps), agp or agp:EVENTS "
            + "(gradual pruning during one fine-tune of --finetune-epochs whole epochs, 20 events by default) (default ${DEFAULT-VALUE})")
    String schedule;
    @Option(names = "--agp-ramp", defaultValue = "0.75", description = "agp: fraction of the training over which the sparsity ramps; "
            + "the rest trains at the final density (default ${DEFAULT-VALUE})")
    double agpRamp;
    @Option(names = "--steps", defaultValue = "8", description = "pruning steps of the iterative loop (default ${DEFAULT-VALUE})") int steps;
    @Option(names = "--finetune-epochs", defaultValue = "1", description = "fine-tuning per step in epochs, fractions allowed, e.g. 0.5; "
            + "agp: whole epochs in total (default ${DEFAULT-VALUE})")
    double finetuneEpochs;
    @Option(names = "--accuracy-budget", defaultValue = "1.0", description = "allowed test accuracy drop vs the dense model, pp; a step that breaks it is rolled back and the loop stops (default ${DEFAULT-VALUE})")
    double accuracyBudget;
    @Option(names = "--criterion", defaultValue = "l1", description = "l1, l2, seed, seed-max, random (default ${DEFAULT-VALUE})") String criterion;
    @Option(names = "--scope", defaultValue = "global", description = "layer or global (default ${DEFAULT-VALUE})") String scope;
    @Option(names = "--min-density", defaultValue = "0.02", description = "global scope: per-layer density floor (default ${DEFAULT-VALUE})")
    double minDensity;
    @Option(names = "--lr", defaultValue = "1e-3", description = "fine-tuning peak learning rate, cosine-decayed per step (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--optimizer", defaultValue = "adam", description = "fine-tuning optimizer: adam, or sgd (with --momentum and --weight-decay, "
            + "the shipped model's training recipe) (default ${DEFAULT-VALUE})")
    String optimizer;
    @Option(names = "--momentum", defaultValue = "0.9", description = "sgd momentum (default ${DEFAULT-VALUE})") double momentum;
    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "sgd L2 weight decay (default ${DEFAULT-VALUE})") double weightDecay;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--no-int8", description = "skip the int8 quantization") boolean noInt8;
    @Option(names = "--distill", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "fine-tune against the dense model's soft outputs (knowledge distillation, T = 4, weight 0.7) (default ${DEFAULT-VALUE})")
    boolean distill;
    @Option(names = "--latency-ms", defaultValue = "1000", description = "time budget per latency measurement, ms (default ${DEFAULT-VALUE})")
    long latencyMs;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::demo);
    }

    private int demo() throws IOException {
        long t0 = System.nanoTime();
        if (!(compression >= 1)) throw new IllegalArgumentException("--compression must be >= 1, got " + compression);
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        boolean agp = schedule.equals("agp") || schedule.startsWith("agp:");
        if (!agp && !schedule.equals("iterative")) throw new IllegalArgumentException("unknown --schedule '" + schedule + "' (iterative, agp, agp:EVENTS)");
        int agpEvents = !agp ? 0 : schedule.equals("agp") ? 20 : PruneCommand.positive(schedule.substring(4), "agp events");
        if (agp && !(finetuneEpochs >= 1 && finetuneEpochs == Math.rint(finetuneEpochs))) {
            throw new IllegalArgumentException("--schedule agp needs whole --finetune-epochs >= 1, got " + finetuneEpochs);
        }
        if (!optimizer.equals("adam") && !optimizer.equals("sgd")) throw new IllegalArgumentException("unknown --optimizer '" + optimizer + "' (adam, sgd)");
        if (latencyMs < 1) throw new IllegalArgumentException("--latency-ms must be >= 1, got " + latencyMs);
        DemoProgress progress = new DemoProgress(System.err, System.console() != null);
        Path modelFile = model != null ? model : ShippedModel.locate("lenet5.safetensors");

        System.out.println("== 1. prepare: load the trained model and the data");
        CompressedModelFile.Loaded loaded = ModelInputs.load(modelFile);
        Model m = loaded.model();
        ModelPruner.masksFromZeros(m);
        CompressionHistory history = loaded.history();
        CompressionHistory historyBefore = new CompressionHistory(history.steps());
        System.out.printf("model: %s (%s, %,d parameters, %,d bytes on disk)%n", modelFile, m.architecture(), m.parameterCount(),
                Files.size(modelFile));
        TrainTest tt = loadData(m);
        System.out.println(EvaluationData.describe(tt));
        if (tt.isSample()) {
            System.out.println("NOTE: using the bundled SAMPLE of Fashion-MNIST" + (sample ? " (--sample)" : " because the full data set was not found "
                    + "(install dataset-fashion-mnist or give --data DIR)") + "; accuracies are not comparable with the full test set");
        }

        // Keep floor(n / compression) weights so that the ratio is met, not rounded to just below it.
        long prunable = PrunableLayer.findAll(m).stream().mapToLong(PrunableLayer::size).sum();
        double target = prunable == 0 ? 1.0 : Math.floor(prunable / compression) / prunable;
        System.out.println("== 2. pre-check: already compressed?");
        PreCheck pre = PreCheck.of(modelFile.toString(), m, history, loaded.int8(), target);
        pre.lines().forEach(System.out::println);
        DatasetEvaluator evaluator = new DatasetEvaluator(tt.test());
        double accStart = evaluator.accuracy(m);
        double accReference = Double.isFinite(history.denseAccuracy()) ? history.denseAccuracy() : accStart;
        Model original = m.copy();
        CompressionReport before = report(m, modelFile, accStart, accReference, InferenceLatency.NOT_MEASURED, history, tt);
        System.out.println("== 3. report of the " + (pre.compressed() ? "input" : "dense") + " model");
        System.out.print(before.toTable());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", modelFile.toString());
        result.put("data_sample", tt.isSample());
        result.put("pre_check", String.join("\n", pre.lines()));
        result.put("already_compressed", pre.compressed());
        if (pre.meetsTarget()) {
            System.out.println("nothing to do: the model already meets the target; " + out + " not written");
            result.put("status", "already_compressed");
            result.put("out", null);
            InferenceLatency lat = InferenceLatency.measure(m, latencyMs);
            System.out.printf("latency: %.3f ms at batch 1, %.3f ms at batch 64 (%s)%n", lat.ms1(), lat.ms64(), lat.kernel());
            result.put("latency_kernel", lat.kernel());
            result.putAll(report(m, modelFile, accStart, accReference, lat, historyBefore, tt).toTree());
            PruneCommand.writeJson(json, result);
            return 0;
        }

        if (agp) {
            System.out.printf("== 4. gradual pruning: %d event(s) over the first %.0f%% of %s epoch(s) to %.1fx (density <= %.4f), %s %s scope%n",
                    agpEvents, 100 * agpRamp, trim(finetuneEpochs), compression, target, criterion, scope);
        } else {
            System.out.printf("== 4. iterative pruning: %d step(s) to %.1fx (density <= %.4f), %s %s scope, fine-tune %s epoch(s) per step, "
                    + "accuracy budget %.2f pp%n", steps, compression, target, criterion, scope, trim(finetuneEpochs), accuracyBudget);
        }
        Criterion crit = Criterion.parse(criterion);
        if (crit.needsGradients()) throw new IllegalArgumentException("the demo does not offer gradient criteria; use `secateur prune --criterion taylor`");
        PruningPlan plan = new PruningPlan(crit, Granularity.parse("unstructured"), Scope.parse(scope), target, Map.of(),
                DensityCaps.atLeast(minDensity), Set.of(), seed);
        // agp: one fine-tune of all the epochs over the whole training set, pruning as it goes
        WindowFineTuner tuner = new WindowFineTuner(tt.train(), agp ? 1 : finetuneEpochs, batch, lr, seed, progress);
        if (optimizer.equals("sgd")) tuner.useOptimizer(() -> new Sgd(lr, momentum, weightDecay, false));
        if (distill) tuner.distillFrom(original, DISTILL_TEMPERATURE, DISTILL_ALPHA);
        String opt = optimizer.equals("sgd") ? String.format("SGD momentum %.3g, weight decay %.3g,", momentum, weightDecay) : "Adam";
        if (agp) {
            System.out.printf("fine-tuning: %s lr %.3g (cosine over the whole run), batch %d, %s pass(es) over %,d training images%s%n", opt, lr, batch,
                    trim(finetuneEpochs), tt.train().size(), distill ? ", distilled from the dense model" : "");
        } else {
            System.out.printf("fine-tuning: %s lr %.3g (cosine), batch %d, %d pass(es) over %,d of %,d training images per step%s%n", opt, lr, batch,
                    tuner.wholeEpochs(), tuner.windowImages(), tt.train().size(), distill ? ", distilled from the dense model" : "");
        }
        // The schedule tests the unchanged model first; that accuracy was just measured.
        Evaluator firstKnown = new Evaluator() {
            private boolean first = true;
            @Override public double accuracy(Model model) {
                if (first) {
                    first = false;
                    return accStart;
                }
                return evaluator.accuracy(model);
            }
        };
        PruningOutcome outcome = agp
                ? new GradualPruning((int) finetuneEpochs, agpEvents, agpRamp).run(m, plan, history, tuner, firstKnown, line -> progress.log("  " + line))
                : new IterativePruning(steps, tuner.wholeEpochs(), accuracyBudget, false).run(m, plan, history, tuner, firstKnown, line -> progress.log("  " + line));
        double accPruned = outcome.finalAccuracy();
        double acc = accPruned;

        boolean int8 = !noInt8;
        if (int8) {
            System.out.println("== 5. quantize: int8 weights, symmetric per output channel");
            new ModelQuantizer().quantize(m);
            acc = evaluator.accuracy(m);
            history.add(new CompressionStep("quantize", "", "int8-per-channel", "", "", Double.NaN, ModelPruner.density(m), accPruned, acc));
            System.out.printf("int8: accuracy %.2f%% -> %.2f%%%n", 100 * accPruned, 100 * acc);
        }

        System.out.println("== 6. save");
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        CompressedModelFile.save(m, history, int8, loaded.training(), out);
        System.out.printf("saved %s (%,d bytes)%n", out, Files.size(out));

        System.out.println("== 7. report of the compressed model");
        // Both models are timed here, alternately on a warm JVM, so the comparison is fair.
        InferenceLatency[] lat = InferenceLatency.compare(original, m, latencyMs);
        InferenceLatency latOrig = lat[0], latComp = lat[1];
        before = report(original, modelFile, accStart, accReference, latOrig, historyBefore, tt);
        CompressionReport after = report(m, out, acc, accReference, latComp, history, tt);
        System.out.print(after.toTable());
        System.out.println("== dense vs compressed");
        System.out.print(Comparison.table(before, after, "dense model: " + latOrig.kernel() + "\n         compressed: " + latComp.kernel()));
        System.out.println(outcome.message());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = processCpuSeconds();
        System.out.printf("demo finished in %.0f s wall, %.0f s CPU (%d processors available)%n", seconds, cpu,
                Runtime.getRuntime().availableProcessors());

        result.put("status", outcome.status().name().toLowerCase());
        result.put("message", outcome.message());
        result.put("out", out.toString());
        result.put("schedule", agp ? schedule : "iterative:" + steps);
        result.put("optimizer", optimizer);
        result.put("lr", lr);
        result.put("steps", steps);
        result.put("finetune_epochs", finetuneEpochs);
        result.put("distill", distill);
        result.put("accuracy_pruned", accPruned);
        result.put("int8", int8);
        result.put("latency_kernel", latComp.kernel());
        result.put("latency_ms_batch1_dense", before.latencyMs1());
        result.put("latency_ms_batch64_dense", before.latencyMs64());
        result.put("seconds", seconds);
        result.put("cpu_seconds", cpu);
        result.putAll(after.toTree());
        result.put("dense", before.toTree());
        PruneCommand.writeJson(json, result);
        return outcome.status() == PruningOutcome.Status.BUDGET_BROKEN ? 3 : 0;
    }

    private TrainTest loadData(Model m) throws IOException {
        if (sample && data != null) throw new IllegalArgumentException("give only one of --sample and --data");
        if (!m.inputShape().equals(Shape.of(1, 28, 28))) {
            throw new IllegalArgumentException("the demo runs on Fashion-MNIST (input [1, 28, 28]); " + m.architecture() + " takes " + m.inputShape());
        }
        return sample ? FashionMnist.loadSample() : FashionMnist.load(data);
    }

    private static CompressionReport report(Model m, Path file, double accuracy, double denseAccuracy, InferenceLatency lat,
                                            CompressionHistory history, TrainTest tt) throws IOException {
        return new CompressionReport(m.architecture(), CompressionReport.footprints(m), m.parameterCount(), m.nonZeroCount(),
                Files.size(file), CompressedModelFile.denseBytes(m), accuracy, denseAccuracy, lat.ms1(), lat.ms64(),
                tt.test().name() + " - " + tt.source() + (tt.isSample() ? " [sample]" : ""), history);
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
