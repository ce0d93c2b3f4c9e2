package dev.secateur.bench.cli.demo;

import dev.secateur.nn.Model;
import dev.secateur.prune.LatencyProbe;

/**
 * Latency of a model at batch 1 and batch 64 on the best inference path available in this
 * build, and a line naming that path (the comparison must say which kernels produced it).
 *
 * @param ms1    median milliseconds per call at batch 1
 * @param ms64   median milliseconds per call at batch 64
 * @param kernel which inference path was timed
 */
public record InferenceLatency(double ms1, double ms64, String kernel) {

    /** No latency measured (NaN). */
    public static final InferenceLatency NOT_MEASURED = new InferenceLatency(Double.NaN, Double.NaN, "");

    static final String MODEL_PREDICT = "Model.predict (dense SGEMM / im2col convolution on fp32 weights; pruned weights are "
            + "stored zeros, int8 weights dequantized) - the compiled sparse path is not in this build";

    /**
     * Median latencies within about {@code budgetMillis} per batch size, each after a warm-up
     * of a quarter of that budget (so that a model timed first is not penalised by the JIT).
     */
    public static InferenceLatency measure(Model model, long budgetMillis) {
        return new InferenceLatency(timed(model, 1, budgetMillis), timed(model, 64, budgetMillis), MODEL_PREDICT);
    }

    private static double timed(Model model, int batch, long budgetMillis) {
        LatencyProbe.medianMillis(model, batch, Math.max(1, budgetMillis / 4));
        return LatencyProbe.medianMillis(model, batch, budgetMillis);
    }
}
