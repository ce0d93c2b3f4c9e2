package dev.secateur.prune.report;

import dev.secateur.nn.Model;
import dev.secateur.tensor.JitClock;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Median wall-clock latency of a predict call on random inputs: warm-up calls for at least a
 * quarter of the budget and until the JIT has compiled nothing for {@value #JIT_QUIET_MILLIS} ms
 * (at most {@value #WARM_CAP_MILLIS} ms), then repeated timed calls until about
 * {@code budgetMillis} have passed (at least 5). A rough number for reports and the demo; JMH
 * (bench module) gives the careful one.
 */
public final class LatencyProbe {
    /**
     * How long the JIT must have been idle before timing: a compiled model whose kernel choices
     * came from the choice cache was never run by a tuning, so its kernels are still interpreted
     * when the probe starts, and a fixed short warm-up timed them so (several times slower).
     */
    static final long JIT_QUIET_MILLIS = 200;
    /** Longest warm-up: on a machine where the JIT never looks idle the calls are timed anyway. */
    static final long WARM_CAP_MILLIS = 10_000;

    private LatencyProbe() {}

    public static double medianMillis(Model model, int batch, long budgetMillis) {
        return medianMillis(model.inputShape(), batch, budgetMillis, model::predict);
    }

    /** The same for any predictor of one-sample shape {@code input} (e.g. a compiled model). */
    public static double medianMillis(Shape input, int batch, long budgetMillis, Consumer<Tensor> predict) {
        return measure(input, batch, budgetMillis, predict).medianMs();
    }

    /** Median and quartiles of a model's predict calls. */
    public static Latency measure(Model model, int batch, long budgetMillis) {
        return measure(model.inputShape(), batch, budgetMillis, model::predict);
    }

    /** Median and quartiles of the timed calls of any predictor of one-sample shape {@code input}. */
    public static Latency measure(Shape input, int batch, long budgetMillis, Consumer<Tensor> predict) {
        return measure(input, batch, budgetMillis, List.of(predict)).getFirst();
    }

    /**
     * Several predictors of the same input timed call by call in turn, after a warm-up of each:
     * on a shared machine whose speed drifts from second to second, every predictor sees the
     * same moments, so their medians compare what they do rather than when they ran.
     */
    public static List<Latency> measure(Shape input, int batch, long budgetMillis, List<Consumer<Tensor>> predictors) {
        int[] dims = new int[input.rank() + 1];
        dims[0] = batch;
        System.arraycopy(input.toArray(), 0, dims, 1, input.rank());
        Tensor x = Tensor.randomUniform(42, -1f, 1f, dims);
        JitClock jit = new JitClock();
        long start = System.nanoTime(), minEnd = start + Math.max(1, budgetMillis / 4) * 1_000_000L * predictors.size();
        long capEnd = start + WARM_CAP_MILLIS * 1_000_000L;
        int rounds = 0;
        while (true) {
            for (Consumer<Tensor> predict : predictors) predict.accept(x);
            long now = System.nanoTime();
            boolean quiet = jit.quietFor(JIT_QUIET_MILLIS * 1_000_000L);
            if (++rounds >= 3 && now >= minEnd && (quiet || now >= capEnd)) break;
        }
        int k = predictors.size();
        double[][] times = new double[k][2000];
        int n = 0;
        long end = System.nanoTime() + budgetMillis * k * 1_000_000L;
        while (n < times[0].length && (n < 5 || System.nanoTime() < end)) {
            for (int i = 0; i < k; i++) {
                long t0 = System.nanoTime();
                predictors.get(i).accept(x);
                times[i][n] = (System.nanoTime() - t0) / 1e6;
            }
            n++;
        }
        List<Latency> out = new ArrayList<>();
        for (double[] all : times) {
            double[] t = Arrays.copyOf(all, n);
            Arrays.sort(t);
            out.add(new Latency(t[n / 2], t[n / 4], t[(3 * n) / 4], n));
        }
        return out;
    }
}
