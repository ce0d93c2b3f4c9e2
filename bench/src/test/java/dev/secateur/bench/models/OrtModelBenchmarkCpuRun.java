package dev.secateur.bench.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.secateur.bench.onnx.OnnxExporter;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import jdk.jfr.Recording;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@link OrtModelBenchmark} comparison timed on the calling thread's CPU time instead of wall
 * time, for a shared host whose load makes wall times useless: both engines run on the calling
 * thread (ORT with one intra-op thread), their timed rounds alternate, and the median round of
 * each gives images/s (a round is about 20 ms of Secateur calls, the same count of ORT calls).
 * The host's speed drifts over seconds and moves both halves of a round alike, so the ratio is
 * also given round by round: the median of the per-round ratios and its quartiles. Run with {@code -Dsecateur.ort.cpu="lenet5:dense:1 vgg:filtered:64 ..."}
 * ({@code model:weights:batch}, weights dense, pruned, blocked or filtered as in {@link OrtModelBenchmark});
 * skipped otherwise. {@code -Dsecateur.ort.record=DIR} records each model's compile with JFR.
 */
class OrtModelBenchmarkCpuRun {
    private static final int ROUNDS = 21, WARMUP_ROUNDS = 15;
    /** Secateur's CPU time per timed round (the repetitions per round are set from it). */
    private static final long ROUND_NANOS = 20_000_000;
    /** JIT warm-up of the compiled model before anything is timed. */
    private static final int WARM_CALLS = 2_000;
    private static final long WARM_MILLIS = 1_500;

    /**
     * Runs the model until the JIT has compiled its kernels: at least {@value #WARM_CALLS} calls and
     * {@value #WARM_MILLIS} ms, at most ten times that long (a compile times only layers with a
     * choice, so the other layers' code meets the JIT here for the first time).
     */
    private static void warmUp(CompiledModel compiled, float[] x, float[] y, int batch) {
        long start = System.nanoTime();
        for (int calls = 0; ; calls++) {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if ((calls >= WARM_CALLS && elapsed >= WARM_MILLIS) || elapsed >= 10 * WARM_MILLIS) return;
            compiled.predict(x, 0, batch, y, 0);
        }
    }

    /** The kernel chosen per layer, e.g. {@code fc1=pcsr fc2=pcsr fc3=csr}. */
    private static String kernels(CompiledModel compiled) {
        StringBuilder sb = new StringBuilder();
        for (var c : compiled.choices()) sb.append(sb.isEmpty() ? "" : " ").append(c.layer()).append('=').append(c.kernel());
        return sb.toString();
    }

    /**
     * {@link SingleThreadEngines#compile}; with {@code -Dsecateur.ort.record=DIR} under a JFR
     * recording of just that compile (execution samples every millisecond, deoptimisations with
     * their stacks, every JIT compile) written to {@code DIR/<model>-<weights>-<batch>.jfr}: a JIT
     * fault of some JVMs is timed during the kernel choice, and a recording over the whole run
     * changes the JIT's order enough to hide it (read it with {@code jfr print --events ...}).
     */
    private static CompiledModel compile(Model net, int batch, String item) throws Exception {
        String dir = System.getProperty("secateur.ort.record");
        if (dir == null || dir.isBlank()) return SingleThreadEngines.compile(net, batch);
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            r.enable("jdk.Deoptimization").withStackTrace();
            r.enable("jdk.Compilation").withThreshold(Duration.ZERO);
            r.start();
            CompiledModel compiled = SingleThreadEngines.compile(net, batch);
            r.stop();
            Path file = Path.of(dir).resolve(item.replace(':', '-') + ".jfr");
            Files.createDirectories(file.getParent());
            r.dump(file);
            System.out.println("compile recorded in " + file);
            return compiled;
        }
    }

    @Test
    void run() throws Exception {
        String spec = System.getProperty("secateur.ort.cpu");
        assumeTrue(spec != null && !spec.isBlank(), "no -Dsecateur.ort.cpu");
        System.setProperty("secateur.models", System.getProperty("secateur.models", "../models"));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%n%-28s %14s %14s %10s %18s%n", "model / weights / batch", "secateur img/s", "ORT img/s", "ratio",
                "per round (q1-q3)");
        for (String item : spec.trim().split("\\s+")) {
            String[] p = item.split(":");
            if (p.length != 3) throw new IllegalArgumentException("expected model:weights:batch, got '" + item + "'");
            String model = p[0], weights = p[1];
            int batch = Integer.parseInt(p[2]);
            Model secateur, ort;
            if (weights.equals("filtered")) {
                BenchModels.FilterPruned f = BenchModels.prepareFilterPruned(model);
                secateur = f.compacted();
                ort = f.masked();
            } else if (weights.equals("blocked")) {
                secateur = ort = BenchModels.prepareBlockPruned(model).model();
            } else {
                secateur = ort = BenchModels.prepare(model, weights.equals("pruned")).model();
            }
            secateur.useWorkers(Workers.single());
            float[] x = Tensor.randomUniform(1, 0, 1, batch * secateur.inputShape().size()).toArray();
            float[] y = new float[batch * secateur.outputShape().size()];
            CompiledModel compiled = compile(secateur, batch, item);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = SingleThreadEngines.ortSession(env, ort);
                 OnnxTensor input = SingleThreadEngines.ortInput(env, ort, x, batch)) {
                Map<String, OnnxTensor> feed = Map.of(OnnxExporter.INPUT, input);
                warmUp(compiled, x, y, batch);
                long c0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < 3; i++) compiled.predict(x, 0, batch, y, 0);
                int reps = (int) Math.max(1, Math.min(10_000, ROUND_NANOS * 3 / Math.max(1, mx.getCurrentThreadCpuTime() - c0)));
                long[] ts = new long[ROUNDS], to = new long[ROUNDS];
                for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < reps; i++) compiled.predict(x, 0, batch, y, 0);
                    long t1 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < reps; i++) {
                        try (OrtSession.Result r = session.run(feed)) {
                            if (r.size() == 0) throw new IllegalStateException("no output");
                        }
                    }
                    long t2 = mx.getCurrentThreadCpuTime();
                    if (round >= 0) {
                        ts[round] = t1 - t0;
                        to[round] = t2 - t1;
                    }
                }
                double[] perRound = new double[ROUNDS];
                for (int i = 0; i < ROUNDS; i++) perRound[i] = (double) to[i] / ts[i];
                Arrays.sort(perRound);
                Arrays.sort(ts);
                Arrays.sort(to);
                double s = (double) reps * batch * 1e9 / ts[ROUNDS / 2], r = (double) reps * batch * 1e9 / to[ROUNDS / 2];
                System.out.printf("%-9s %-8s batch %2d %,14.0f %,14.0f %9.2fx %8.2fx (%.2f-%.2f)  %s%n", model, weights, batch, s, r, s / r,
                        perRound[ROUNDS / 2], perRound[ROUNDS / 4], perRound[3 * ROUNDS / 4], kernels(compiled));
            }
        }
    }
}
