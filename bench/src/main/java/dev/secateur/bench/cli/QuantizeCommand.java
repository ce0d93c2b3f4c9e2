package dev.secateur.bench.cli;

import dev.secateur.datasets.Batch;
import dev.secateur.datasets.Batcher;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.CompressionStep;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.pipeline.CompressionPipeline;
import dev.secateur.prune.quant.ActivationCalibrator;
import dev.secateur.prune.quant.ActivationRange;
import dev.secateur.prune.quant.ModelQuantizer;
import dev.secateur.prune.quant.QuantizationError;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.schedule.DatasetEvaluator;
import dev.secateur.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code secateur quantize}: post-training int8 (per output channel) of a model file, with accuracy before/after. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a model's dense/conv weights to int8 (symmetric per output channel; pruned weights stay zero), calibrate activation ranges, save and report.")
public final class QuantizeCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Parameters(index = "0", description = "input model file") Path model;
    @Option(names = "--out", required = true, description = "output model file") Path out;
    @Option(names = "--calibration-batches", defaultValue = "8", description = "training batches of 64 used to calibrate activation ranges (default ${DEFAULT-VALUE})")
    int calibrationBatches;
    @Option(names = "--percentile", defaultValue = "99.99", description = "activation range percentile, in (0, 100] (100 = min/max) (default ${DEFAULT-VALUE})")
    double percentile;
    @picocli.CommandLine.Mixin DataOption data;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;
    @Option(names = "--latency", description = "also measure predict latency at batch 1 and 64 (median and quartiles)") boolean latency;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::quantize);
    }

    private int quantize() throws IOException {
        if (calibrationBatches < 1 || calibrationBatches > 10_000) {
            throw new IllegalArgumentException("--calibration-batches must be in [1, 10000], got " + calibrationBatches);
        }
        if (!(percentile > 0 && percentile <= 100)) throw new IllegalArgumentException("--percentile must be in (0, 100], got " + percentile);
        OutputCheck.writable(out, "--out");
        OutputCheck.writable(json, "--json");
        data.check();
        CompressedModelFile.Loaded loaded = ModelInputs.load(model);
        Model m = loaded.model();
        ModelPruner.masksFromZeros(m);
        CompressionHistory history = loaded.history();
        TrainTest tt = ModelInputs.normalizedFor(loaded, data.load(m.inputShape(), System.err), System.err);
        CompressionPipeline.checkData(m, tt);
        ProgressBar bar = new ProgressBar(System.err);
        DatasetEvaluator evaluator = new DatasetEvaluator(tt.test()).withProgress(bar::update);
        if (loaded.int8()) System.err.println("note: " + model + " is already int8; re-quantizing is exact and changes nothing");
        double before = evaluator.accuracy(m);
        if (history.original() == null && history.isEmpty() && ModelPruner.density(m) >= 1.0 - 1e-9 && !loaded.int8()) {
            history.recordOriginal(CompressionPipeline.describeOriginal(m, before));
        }
        Map<String, QuantizationError> errors = new ModelQuantizer().quantize(m);
        double after = evaluator.accuracy(m);
        List<Tensor> batches = new ArrayList<>();
        for (Batch b : Batcher.sequential(tt.train(), 64).epoch(0)) {
            if (batches.size() >= calibrationBatches) break;
            batches.add(b.images().copy());
            bar.update("calibration data", batches.size(), calibrationBatches);
        }
        ActivationCalibrator cal = percentile >= 100 ? ActivationCalibrator.minMax()
                : new ActivationCalibrator(ActivationCalibrator.Method.PERCENTILE, percentile, 1 << 18);
        Map<String, ActivationRange> ranges = new ModelQuantizer().calibrate(m, batches, cal, bar::update);
        bar.clear();
        if (!loaded.int8()) history.add(new CompressionStep("quantize", "", "int8-per-channel", "", "", Double.NaN, ModelPruner.density(m), before, after));
        CompressedModelFile.save(m, history, true, loaded.training(), loaded.normalization(), out);
        System.err.printf("accuracy %.2f%% -> %.2f%% after int8 (%+.2f pp)%n", 100 * before, 100 * after, 100 * (after - before));
        System.out.printf("%-12s %12s %12s %12s%n", "layer", "max |err|", "rms err", "rel. err");
        Map<String, Object> errs = new LinkedHashMap<>();
        errors.forEach((k, e) -> {
            System.out.printf("%-12s %12.3e %12.3e %12.3e%n", k, e.maxAbs(), e.rms(), e.relative());
            errs.put(k, Map.of("max_abs", e.maxAbs(), "rms", e.rms(), "relative", e.relative(), "max_half_scale", e.maxHalfScale()));
        });
        CompressionReport report = PruneCommand.report(m, out, after, history, tt, latency);
        System.out.print(report.toTable());
        System.out.println("saved " + out);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", model.toString());
        result.put("out", out.toString());
        result.put("accuracy_before_int8", before);
        result.put("quantization_error", errs);
        Map<String, Object> act = new LinkedHashMap<>();
        ranges.forEach((k, r) -> act.put(k, Map.of("min", r.min(), "max", r.max(), "scale", r.scale(), "samples", r.samples())));
        result.put("activation_ranges", act);
        result.putAll(report.toTree());
        PruneCommand.writeJson(json, result);
        return 0;
    }
}
