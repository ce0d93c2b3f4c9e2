package dev.secateur.bench.cli;

import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.prune.pipeline.CompressionPipeline;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.schedule.DatasetEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code secateur report}: size, speed and accuracy of any model file, per layer and in total. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Report a model file: parameters, non-zeros, density, FLOPs dense/effective, bytes dense/sparse/int8 and on disk, test accuracy, latency.")
public final class ReportCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Parameters(index = "0", description = "model file") Path model;
    @picocli.CommandLine.Mixin DataOption data;
    @Option(names = "--no-accuracy", description = "skip the test-set evaluation") boolean noAccuracy;
    @Option(names = "--no-latency", description = "skip the latency measurement") boolean noLatency;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::report);
    }

    private int report() throws IOException {
        OutputCheck.writable(json, "--json");
        data.check();
        CompressedModelFile.Loaded loaded = ModelInputs.load(model);
        Model m = loaded.model();
        TrainTest tt = ModelInputs.normalizedFor(loaded, data.load(m.inputShape(), System.err), System.err);
        CompressionPipeline.checkData(m, tt);
        ProgressBar bar = new ProgressBar(System.err);
        double acc = noAccuracy ? Double.NaN : new DatasetEvaluator(tt.test()).withProgress(bar::update).accuracy(m);
        CompressionReport report = PruneCommand.report(m, model, acc, loaded.history(), tt, !noLatency);
        System.out.println(model + " (" + m.architecture() + (loaded.int8() ? ", int8 weights" : "") + ", "
                + loaded.history().steps().size() + " compression step(s))");
        System.out.print(report.toTable());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", model.toString());
        result.put("int8", loaded.int8());
        result.putAll(report.toTree());
        PruneCommand.writeJson(json, result);
        return 0;
    }
}
