package dev.secateur.bench.cli.demo;

import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompileOptions;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.nn.compiled.KernelChoice;
import dev.secateur.prune.report.LatencyProbe;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Latency of a model at batch 1 and batch 64 through {@link CompiledModel} (per layer the
 * fastest of the dense and sparse kernels, timed at compile time on that layer's real weights),
 * and a line naming the kernel each layer got, since a comparison must say which kernels
 * produced it.
 *
 * @param ms1    median milliseconds per call at batch 1
 * @param ms64   median milliseconds per call at batch 64
 * @param kernel the kernels chosen, per batch size and layer
 */
public record InferenceLatency(double ms1, double ms64, String kernel) {

    /** No latency measured (NaN). */
    public static final InferenceLatency NOT_MEASURED = new InferenceLatency(Double.NaN, Double.NaN, "");

    /**
     * Compiles {@code a} and {@code b} for batches 1 and 64 and times them alternately, twice
     * each (after a warm-up of a quarter of {@code budgetMillis} per timing), keeping the faster
     * median of the two rounds: neither model profits from running second on a warmer JVM, and
     * a burst of load on a shared machine has to hit both rounds to count.
     *
     * @return the latencies of {@code a} and of {@code b}
     */
    public static InferenceLatency[] compare(Model a, Model b, long budgetMillis) {
        CompileOptions opts = options(budgetMillis);
        CompiledModel ca = CompiledModel.compile(a, opts), cb = CompiledModel.compile(b, opts);
        double[] la = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, lb = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        int[] batches = {1, 64};
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 2; k++) {
                la[k] = Math.min(la[k], timed(ca, batches[k], budgetMillis));
                lb[k] = Math.min(lb[k], timed(cb, batches[k], budgetMillis));
            }
        }
        return new InferenceLatency[] {new InferenceLatency(la[0], la[1], describe(ca)), new InferenceLatency(lb[0], lb[1], describe(cb))};
    }

    /** One model alone (as in {@link #compare}, one round). */
    public static InferenceLatency measure(Model model, long budgetMillis) {
        CompiledModel c = CompiledModel.compile(model, options(budgetMillis));
        return new InferenceLatency(timed(c, 1, budgetMillis), timed(c, 64, budgetMillis), describe(c));
    }

    /** Batches 1 and 64; kernel calibration and JIT warm-up scaled down with a small timing budget (quick runs, tests). */
    static CompileOptions options(long budgetMillis) {
        CompileOptions d = CompileOptions.defaults();
        return d.withBatchSizes(1, 64)
                .withCalibrationBudget(Duration.ofMillis(Math.min(d.calibrationBudget().toMillis(), budgetMillis)))
                .withJitWarmup(Duration.ofMillis(Math.min(d.jitWarmup().toMillis(), 5 * budgetMillis)));
    }

    /** "CompiledModel, batch 1: conv1 dense, fc1 csr ...; batch 64: ..." */
    static String describe(CompiledModel compiled) {
        Map<Integer, StringJoiner> byBatch = new LinkedHashMap<>();
        for (KernelChoice c : compiled.choices()) {
            byBatch.computeIfAbsent(c.batch(), b -> new StringJoiner(", ", "batch " + b + ": ", "")).add(c.layer() + " " + c.kernel());
        }
        StringJoiner all = new StringJoiner("; ", "CompiledModel (fastest kernel per layer) - ", "");
        byBatch.values().forEach(j -> all.add(j.toString()));
        return all.toString();
    }

    private static double timed(CompiledModel model, int batch, long budgetMillis) {
        return LatencyProbe.medianMillis(model.inputShape(), batch, budgetMillis, model::predict);
    }
}
