package dev.secateur.prune;

import dev.secateur.nn.Model;
import dev.secateur.tensor.Tensor;

import java.util.Arrays;

/**
 * Median wall-clock latency of {@code model.predict} on random inputs: a few warm-up calls, then
 * repeated timed calls until about {@code budgetMillis} have passed (at least 5). A rough
 * number for reports; JMH (bench module) gives the careful one.
 */
public final class LatencyProbe {
    private LatencyProbe() {}

    public static double medianMillis(Model model, int batch, long budgetMillis) {
        int[] dims = new int[model.inputShape().rank() + 1];
        dims[0] = batch;
        System.arraycopy(model.inputShape().toArray(), 0, dims, 1, model.inputShape().rank());
        Tensor x = Tensor.randomUniform(42, -1f, 1f, dims);
        for (int i = 0; i < 3; i++) model.predict(x);
        double[] times = new double[1000];
        int n = 0;
        long end = System.nanoTime() + budgetMillis * 1_000_000L;
        while (n < times.length && (n < 5 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            model.predict(x);
            times[n++] = (System.nanoTime() - t0) / 1e6;
        }
        double[] t = Arrays.copyOf(times, n);
        Arrays.sort(t);
        return t[n / 2];
    }
}
