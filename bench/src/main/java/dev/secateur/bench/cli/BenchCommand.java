package dev.secateur.bench.cli;

import dev.secateur.bench.models.ModelTimer;
import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.compiled.CompileOptions;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.nn.compiled.KernelChoice;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;

/**
 * {@code secateur bench}: compiles a model file, shows the kernel chosen for every dense/conv
 * layer with its measured time against dense and the theoretical bound (1/density), and the
 * whole-model images/s of the plain model, the compiled model restricted to dense kernels, and
 * the compiled model, at each batch size. Inputs are random images with a fixed seed. Timings
 * are simple interleaved loops (JMH's {@code ModelBenchmark} gives the official numbers).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Per-layer kernel choice and whole-model images/s: dense vs compiled (sparse) inference.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", description = "model file (.safetensors, plain or compressed)") Path file;
    @Option(names = "--info", description = "print the kernel configuration of this JVM and CPU (vector width, GEMM tile and blocking, sparse formats) first; alone, only that")
    boolean info;
    @Option(names = "--batch", split = ",", defaultValue = "1,64", description = "batch sizes (default: 1,64)") int[] batches;
    @Option(names = "--threads", description = "worker threads (default: all processors)") Integer threads;
    @Option(names = "--budget-ms", defaultValue = "50", description = "calibration time per layer and batch size (default: 50)") int budgetMs;
    @Option(names = "--seconds", defaultValue = "2", description = "timed seconds per contender and batch size (default: 2)") double seconds;
    @Option(names = "--jit-warmup-ms", defaultValue = "3000", description = "longest wait, per layer and batch size, for the JIT to compile the candidate kernels (default: 3000)")
    int jitWarmupMs;
    @Option(names = "--json", description = "write the report as JSON to this file") Path json;
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::bench);
    }

    private Integer bench() throws Exception {
        if (info) {
            System.out.println(PlatformInfo.describe());
            if (file == null) return 0;
            System.out.println();
        }
        if (file == null) throw new IllegalArgumentException("a model file is needed (or --info alone)");
        if (batches == null || batches.length == 0) throw new IllegalArgumentException("--batch needs at least one size");
        for (int b : batches) if (b < 1 || b > 4096) throw new IllegalArgumentException("--batch sizes must be in [1, 4096], got " + b);
        if (budgetMs < 0) throw new IllegalArgumentException("--budget-ms must be >= 0");
        if (jitWarmupMs < 0) throw new IllegalArgumentException("--jit-warmup-ms must be >= 0");
        if (!(seconds > 0 && seconds <= 600)) throw new IllegalArgumentException("--seconds must be in (0, 600]");
        Model m = load(file);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1 || n > 1024) throw new IllegalArgumentException("--threads must be in [1, 1024], got " + n);
        Map<String, Object> report = new LinkedHashMap<>();
        try (Workers w = Workers.of(n)) {
            m.useWorkers(w);
            CompileOptions opts = CompileOptions.defaults().withWorkers(w).withBatchSizes(batches)
                    .withCalibrationBudget(Duration.ofMillis(budgetMs)).withJitWarmup(Duration.ofMillis(jitWarmupMs)).withEveryLayerTimed(true);
            ProgressBar bar = new ProgressBar(System.err);
            CompiledModel compiled, denseOnly;
            double compileSeconds;
            // Planned: every layer calibrated for budgetMs at every batch size, twice, plus time for the JIT.
            long layers = dev.secateur.prune.scoring.PrunableLayer.findAll(m).size();
            try (PhaseTicker ticker = new PhaseTicker(bar, "compile", 2 * (layers * batches.length * budgetMs + 1000))) {
                // A throw-away compile first, so the measured one runs JIT-compiled kernels.
                long w0 = System.nanoTime();
                CompiledModel.compile(m, opts);
                ticker.replan(3 * (System.nanoTime() - w0) / 1_000_000); // the measured and the dense-only compile wait for the JIT as well
                long t0 = System.nanoTime();
                compiled = CompiledModel.compile(m, opts);
                compileSeconds = (System.nanoTime() - t0) / 1e9;
                denseOnly = CompiledModel.compile(m, opts.withAllowedKernels(Set.of()).withCalibrationBudget(Duration.ZERO));
            }
            long[] macs = ModelTimer.macs(m);
            double bound = ModelTimer.bound(m);
            System.out.printf("%s: %s, input %s, %,d parameters (%,d non-zero), %d threads; MACs/image %,d dense, %,d on non-zero weights "
                    + "(bound %.2fx); compile %.2f s%n", file, m.architecture(), m.inputShape(), m.parameterCount(), m.nonZeroCount(), n,
                    macs[0], macs[1], bound, compileSeconds);
            report.put("platform", PlatformInfo.describe());
            report.put("model", m.architecture());
            report.put("file", file.toString());
            report.put("threads", n);
            report.put("params", m.parameterCount());
            report.put("nonzero_params", m.nonZeroCount());
            report.put("macs_dense", macs[0]);
            report.put("macs_nonzero", macs[1]);
            report.put("bound", bound);
            report.put("compile_seconds", compileSeconds);
            report.put("inputs", "uniform random [0, 1) images, seed 1");
            report.put("layers", layerTable(compiled));
            report.put("throughput", throughput(m, denseOnly, compiled, bound, bar));
            report.put(CompiledModel.KERNEL_CHOICE_KEY, Json.parse(compiled.choicesJson()));
        }
        if (json != null) Json.writeFile(json, report);
        return 0;
    }

    private static Model load(Path file) throws Exception {
        if (ModelInputs.isOnnx(file)) return ModelInputs.load(file).model();
        SafetensorsFile f = SafetensorsFile.read(file);
        if (CompressedModelFile.isCompressedFile(f)) return CompressedModelFile.load(file).model();
        return ModelFile.fromFile(f).model();
    }

    private List<Object> layerTable(CompiledModel compiled) {
        List<Object> rows = new ArrayList<>();
        System.out.printf("%n%-16s %6s %-12s %8s %-10s %11s %11s %8s %8s   %s%n", "layer", "batch", "weight", "density", "kernel", "time us",
                "dense us", "speedup", "bound", "candidates (us)");
        for (KernelChoice c : compiled.choices()) {
            StringBuilder cand = new StringBuilder();
            for (var e : c.candidates().entrySet()) cand.append(e.getKey()).append('=').append(String.format("%.1f", e.getValue() / 1e3)).append(' ');
            System.out.printf("%-16s %6d %-12s %7.1f%% %-10s %11.1f %11.1f %7.2fx %7.1fx   %s%n", c.layer(), c.batch(), c.rows() + "x" + c.cols(),
                    100 * c.density(), c.kernel(), c.nanos() / 1e3, c.denseNanos() / 1e3, c.speedup(), c.bound(), cand.toString().trim());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("layer", c.layer());
            r.put("batch", c.batch());
            r.put("rows", c.rows());
            r.put("cols", c.cols());
            r.put("density", c.density());
            r.put("kernel", c.kernel());
            r.put("nanos", c.nanos());
            r.put("dense_nanos", c.denseNanos());
            r.put("speedup", c.speedup());
            r.put("bound", c.bound());
            Map<String, Object> cands = new LinkedHashMap<>(c.candidates());
            r.put("candidates_nanos", cands);
            rows.add(r);
        }
        return rows;
    }

    private List<Object> throughput(Model m, CompiledModel denseOnly, CompiledModel compiled, double bound, ProgressBar bar) {
        // Each batch size: a warm-up of seconds/3 per contender, then the timed seconds per contender (ModelTimer).
        long perBatchMs = (long) (3 * seconds * (1 + 1 / 3.0) * 1000);
        try (PhaseTicker ticker = new PhaseTicker(bar, "timing", perBatchMs * batches.length)) {
            return throughput(m, denseOnly, compiled, bound, ticker);
        }
    }

    private List<Object> throughput(Model m, CompiledModel denseOnly, CompiledModel compiled, double bound, PhaseTicker ticker) {
        List<Object> rows = new ArrayList<>();
        ticker.print(System.out, String.format("%n%6s %14s %16s %14s %10s %14s %8s%n", "batch", "model img/s", "compiled-dense", "compiled img/s",
                "vs model", "vs comp-dense", "bound"));
        int in = m.inputShape().size(), out = m.outputShape().size();
        for (int b : batches) {
            float[] x = Tensor.randomUniform(1, 0, 1, b * in).toArray();
            Tensor xt = Tensor.wrap(x, batchDims(b, m));
            float[] y = new float[b * out];
            List<IntConsumer> contenders = List.of(
                    k -> m.predict(xt),
                    k -> denseOnly.predict(x, 0, k, y, 0),
                    k -> compiled.predict(x, 0, k, y, 0));
            double[] ips = ModelTimer.imagesPerSecond(contenders, b, seconds, 5);
            ticker.print(System.out, String.format("%6d %14.0f %16.0f %14.0f %9.2fx %13.2fx %7.2fx%n", b, ips[0], ips[1], ips[2], ips[2] / ips[0],
                    ips[2] / ips[1], bound));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("batch", b);
            r.put("model_images_per_s", ips[0]);
            r.put("compiled_dense_images_per_s", ips[1]);
            r.put("compiled_images_per_s", ips[2]);
            r.put("speedup_vs_model", ips[2] / ips[0]);
            r.put("speedup_vs_compiled_dense", ips[2] / ips[1]);
            r.put("bound", bound);
            rows.add(r);
        }
        return rows;
    }

    private static int[] batchDims(int b, Model m) {
        int[] d = new int[m.inputShape().rank() + 1];
        d[0] = b;
        for (int i = 0; i < m.inputShape().rank(); i++) d[i + 1] = m.inputShape().dim(i);
        return d;
    }
}
