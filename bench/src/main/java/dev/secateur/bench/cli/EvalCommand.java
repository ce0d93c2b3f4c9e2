package dev.secateur.bench.cli;

import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.train.Evaluation;
import dev.secateur.tensor.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code secateur eval}: test accuracy, loss and throughput of a saved model. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model file on the test set.")
public final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "model file (.safetensors)") Path file;
    @picocli.CommandLine.Mixin DataOption data;
    @Option(names = "--batch", defaultValue = "256", description = "evaluation batch size (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--threads", description = "worker threads (default: all processors)") Integer threads;
    @Option(names = "--json", description = "write the result as JSON to this file") Path json;
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::eval);
    }

    private Integer eval() throws Exception {
        if (batch < 1 || batch > 65_536) throw new IllegalArgumentException("--batch must be in [1, 65536], got " + batch);
        if (threads != null && (threads < 1 || threads > 1024)) throw new IllegalArgumentException("--threads must be in [1, 1024], got " + threads);
        OutputCheck.writable(json, "--json");
        data.check();
        // Reads plain model files and pruned/int8 compressed ones alike.
        CompressedModelFile.Loaded loaded = ModelInputs.load(file);
        Model m = loaded.model();
        TrainTest tt = ModelInputs.normalizedFor(loaded, data.load(m.inputShape(), System.out), System.out);
        dev.secateur.prune.pipeline.CompressionPipeline.checkData(m, tt);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Evaluation e;
        try (Workers w = Workers.of(n)) {
            m.useWorkers(w);
            Evaluation.of(m, tt.test().subset(0, Math.min(tt.test().size(), 2 * batch)), batch); // JIT warm-up
            ProgressBar bar = new ProgressBar(System.err);
            e = Evaluation.of(m, tt.test(), batch, (done, total) -> bar.update("evaluate", done, total));
            m.useWorkers(Workers.single());
        }
        System.out.printf("%s (%s, %,d parameters, %,d non-zero): test accuracy %.2f%%, loss %.4f, %,d images in %.2f s (%,.0f images/s, %d threads)%n",
                file, m.architecture(), m.parameterCount(), m.nonZeroCount(), 100 * e.accuracy(), e.loss(), e.examples(), e.seconds(),
                e.imagesPerSecond(), n);
        if (json != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", m.architecture());
            j.put("file", file.toString());
            j.put("dataset", tt.source());
            j.put("sample", tt.isSample());
            j.put("test_accuracy", e.accuracy());
            j.put("test_loss", e.loss());
            j.put("params", m.parameterCount());
            j.put("nonzero_params", m.nonZeroCount());
            j.put("images", e.examples());
            j.put("seconds", e.seconds());
            j.put("images_per_second", e.imagesPerSecond());
            j.put("threads", n);
            Json.writeFile(json, j);
        }
        return 0;
    }
}
