package dev.secateur.prune.report;

import dev.secateur.nn.Model;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Median wall-clock latency of a predict call on random inputs: warm-up calls for a quarter of
 * the budget, then repeated timed calls until about {@code budgetMillis} have passed (at least
 * 5). A rough number for reports and the demo; JMH (bench module) gives the careful one.
 */
public final class LatencyProbe {
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
        for (Consumer<Tensor> predict : predictors) {
            long warmEnd = System.nanoTime() + Math.max(1, budgetMillis / 4) * 1_000_000L;
            int warm = 0;
            do {
                predict.accept(x);
            } while (++warm < 3 || System.nanoTime() < warmEnd);
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
