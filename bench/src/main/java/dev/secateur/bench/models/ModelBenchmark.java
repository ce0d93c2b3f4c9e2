package dev.secateur.bench.models;

import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompileOptions;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.nn.compiled.KernelChoice;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Whole-model inference, dense vs compiled: LeNet-300-100 at 92% sparsity, LeNet-5 and the small
 * VGG at 12× compression (see {@link BenchModels}: the shipped pretrained model when present, else zoo
 * weights, magnitude-pruned), batch 1 and 64, on random images (seed 1).
 *
 * <ul>
 *   <li>{@code impl=model}: the plain {@link Model} in eval mode (our packed GEMM for dense and
 *       im2col+GEMM for conv layers): the dense denominator.</li>
 *   <li>{@code impl=compiled-dense}: {@link CompiledModel} restricted to dense kernels (folding,
 *       fusion and workspaces, no sparsity).</li>
 *   <li>{@code impl=compiled}: {@link CompiledModel} with per-layer calibrated kernels (50 ms per
 *       layer, at this batch size).</li>
 * </ul>
 * Score: microseconds per batch (AverageTime); images/s = batch · 10⁶ / score. Running this class's
 * {@link #main} (same options as JMH) prints a table of images/s, the speed-ups and the theoretical
 * bound (dense MACs / non-zero MACs) beside each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsecateur.kernel.cache=off"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class ModelBenchmark {
    @Param({"lenet300", "lenet5"})
    public String model;

    @Param({"model", "compiled-dense", "compiled"})
    public String impl;

    @Param({"1", "64"})
    public int batch;

    @Param({"1"})
    public int threads;

    /**
     * {@code warm}: a throw-away compile first, then the kept one calibrated for this batch size.
     * {@code cold}: the first compile of the fork with {@code CompiledModel.compile(model)}'s
     * defaults, as an application gets at start-up.
     */
    @Param({"warm"})
    public String compile;

    /** {@code pruned}: the benchmark density of {@link BenchModels}; {@code dense}: the trained weights unpruned. */
    @Param({"pruned"})
    public String weights;

    /**
     * The compiled path: {@code new} (convolutions' dense kernel the register-blocked direct
     * convolution with fused pooling, dense layers reading sample-major inputs) or {@code old}
     * (im2col + GEMM and a transpose step before the first dense layer, as before those existed:
     * sets {@code secateur.conv.dense=im2col} and {@code secateur.dense.sampleMajorInput=false} in the fork).
     */
    @Param({"new"})
    public String path;

    private Model net;
    private CompiledModel compiled;
    private Workers workers;
    private float[] x, y;
    private Tensor xt;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dev.secateur.bench.cli.PlatformInfo.logOnce();
        if (path.equals("old")) {
            System.setProperty("secateur.conv.dense", "im2col");
            System.setProperty("secateur.dense.sampleMajorInput", "false");
        } else if (!path.equals("new")) {
            throw new IllegalArgumentException("path must be new or old, got " + path);
        }
        BenchModels.Prepared p = BenchModels.prepare(model, weights.equals("pruned"));
        net = p.model();
        workers = threads == 1 ? Workers.single() : Workers.of(threads);
        net.useWorkers(workers);
        int in = net.inputShape().size();
        x = Tensor.randomUniform(1, 0, 1, batch * in).toArray();
        int[] dims = new int[net.inputShape().rank() + 1];
        dims[0] = batch;
        for (int i = 0; i < net.inputShape().rank(); i++) dims[i + 1] = net.inputShape().dim(i);
        xt = Tensor.wrap(x, dims);
        y = new float[batch * net.outputShape().size()];
        boolean cold = compile.equals("cold");
        CompileOptions opts = cold ? CompileOptions.defaults().withWorkers(workers)
                : CompileOptions.defaults().withWorkers(workers).withBatchSizes(batch).withCalibrationBudget(Duration.ofMillis(50));
        if (impl.equals("compiled-dense")) opts = opts.withAllowedKernels(Set.of());
        if (!impl.equals("model")) {
            if (!cold) CompiledModel.compile(net, opts.withCalibrationBudget(Duration.ofMillis(200))); // JIT warm-up: the kept calibration sees compiled kernels
            compiled = CompiledModel.compile(net, opts);
        }
        StringBuilder sb = new StringBuilder();
        if (compiled != null) for (KernelChoice c : compiled.choices()) sb.append(' ').append(c.layer()).append('=').append(c.kernel());
        System.out.printf("%n[ModelBenchmark] %s: %s; theoretical bound %.2fx (dense MACs / non-zero MACs)%s%n", model, p.description(),
                ModelTimer.bound(net), compiled == null ? "" : "; kernels:" + sb);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (workers != null && workers != Workers.single()) workers.close();
    }

    @Benchmark
    public float infer() {
        if (compiled == null) return net.predict(xt).data()[0];
        compiled.predict(x, 0, batch, y, 0);
        return y[0];
    }

    /** Runs this benchmark with JMH's command-line options and prints images/s, speed-ups and bounds. */
    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(cli)
                .include(ModelBenchmark.class.getName() + ".infer").build()).run();
        // key: model|batch|threads|compile|weights -> impl -> [images/s, error images/s]
        TreeMap<String, TreeMap<String, double[]>> table = new TreeMap<>();
        for (RunResult r : results) {
            var params = r.getParams();
            int b = Integer.parseInt(params.getParam("batch"));
            double us = r.getPrimaryResult().getScore(), err = r.getPrimaryResult().getScoreError();
            double ips = b * 1e6 / us, ipsErr = Double.isNaN(err) ? Double.NaN : ips * err / us;
            String key = params.getParam("model") + "|" + b + "|" + params.getParam("threads") + "|" + params.getParam("compile") + "|"
                    + params.getParam("weights") + "|" + params.getParam("path");
            table.computeIfAbsent(key, k -> new TreeMap<>()).put(params.getParam("impl"), new double[] {ips, ipsErr});
        }
        System.out.printf("%n%-9s %5s %7s %-5s %-7s %-6s %18s %18s %18s %9s %13s %7s%n", "model", "batch", "threads", "comp.", "weights", "path",
                "model img/s", "comp-dense img/s", "compiled img/s", "vs model", "vs comp-dense", "bound");
        for (var e : table.entrySet()) {
            String[] k = e.getKey().split("\\|");
            double[] m = e.getValue().get("model"), d = e.getValue().get("compiled-dense"), c = e.getValue().get("compiled");
            double bound = ModelTimer.bound(BenchModels.prepare(k[0], k[4].equals("pruned")).model());
            System.out.printf("%-9s %5s %7s %-5s %-7s %-6s %18s %18s %18s %9s %13s %6.2fx%n", k[0], k[1], k[2], k[3], k[4], k[5], fmt(m), fmt(d),
                    fmt(c), ratio(c, m), ratio(c, d), bound);
        }
    }

    private static String fmt(double[] v) {
        return v == null ? "-" : String.format("%.0f ± %.0f", v[0], v[1]);
    }

    private static String ratio(double[] a, double[] b) {
        return a == null || b == null ? "-" : String.format("%.2fx", a[0] / b[0]);
    }
}
