package dev.secateur.bench.cli.demo;

import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.CompileOptions;
import dev.secateur.nn.compiled.CompiledModel;
import dev.secateur.nn.compiled.KernelChoice;
import dev.secateur.prune.report.Latency;
import dev.secateur.prune.report.LatencyProbe;
import dev.secateur.tensor.Shape;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Latency of a model at batch 1 and batch 64 through {@link CompiledModel} (per layer the
 * fastest of the dense and sparse kernels, timed at compile time on that layer's real weights),
 * and a line naming the kernel each layer got, since a comparison must say which kernels
 * produced it.
 *
 * @param at1     latency at batch 1 (median and quartiles)
 * @param at64    latency at batch 64
 * @param kernel  the kernels chosen, per batch size and layer
 * @param choices the compiled model's kernel choices (what each layer got, and its timings)
 */
public record InferenceLatency(Latency at1, Latency at64, String kernel, List<KernelChoice> choices) {

    /** No latency measured (NaN). */
    public static final InferenceLatency NOT_MEASURED = new InferenceLatency(Latency.NONE, Latency.NONE, "", List.of());

    /** Median milliseconds per call at batch 1. */
    public double ms1() { return at1.medianMs(); }

    /** Median milliseconds per call at batch 64. */
    public double ms64() { return at64.medianMs(); }

    /**
     * Compiles {@code a} and {@code b} for batches 1 and 64 and times them call by call in turn
     * ({@link LatencyProbe#measure(Shape, int, long, List)}, {@code budgetMillis} per model and
     * batch after a warm-up of each): a shared machine's speed drifts from second to second, and
     * calls interleaved this finely see the same moments, where separate blocks of a second did not.
     *
     * @return the latencies of {@code a} and of {@code b}
     */
    public static InferenceLatency[] compare(Model a, Model b, long budgetMillis) {
        CompileOptions opts = options(budgetMillis);
        CompiledModel ca = CompiledModel.compile(a, opts), cb = CompiledModel.compile(b, opts);
        Latency[] la = new Latency[2], lb = new Latency[2];
        int[] batches = {1, 64};
        for (int k = 0; k < 2; k++) {
            List<Latency> both = LatencyProbe.measure(ca.inputShape(), batches[k], budgetMillis, List.of(ca::predict, cb::predict));
            la[k] = both.get(0);
            lb[k] = both.get(1);
        }
        return new InferenceLatency[] {new InferenceLatency(la[0], la[1], describe(ca), ca.choices()),
                new InferenceLatency(lb[0], lb[1], describe(cb), cb.choices())};
    }

    /** One model alone (as in {@link #compare}). */
    public static InferenceLatency measure(Model model, long budgetMillis) {
        CompiledModel c = CompiledModel.compile(model, options(budgetMillis));
        return new InferenceLatency(timed(c, 1, budgetMillis), timed(c, 64, budgetMillis), describe(c), c.choices());
    }

    /** Batches 1 and 64; kernel calibration and JIT warm-up scaled down with a small timing budget (quick runs, tests). */
    static CompileOptions options(long budgetMillis) {
        CompileOptions d = CompileOptions.defaults();
        return d.withBatchSizes(1, 64)
                .withCalibrationBudget(Duration.ofMillis(Math.min(d.calibrationBudget().toMillis(), budgetMillis)))
                .withJitWarmup(Duration.ofMillis(Math.min(d.jitWarmup().toMillis(), 5 * budgetMillis)))
                .withEveryLayerTimed(true);
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

    private static Latency timed(CompiledModel model, int batch, long budgetMillis) {
        return LatencyProbe.measure(model.inputShape(), batch, budgetMillis, model::predict);
    }
}
