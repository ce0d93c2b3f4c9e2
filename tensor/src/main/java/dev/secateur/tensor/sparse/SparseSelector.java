package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.tune.KernelTuner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks the fastest representation of one weight matrix for products with {@code batch} columns:
 * the candidates are the formats {@link FormatPolicy} lets through (dense first; none of them
 * when the weight is dense) that {@link FormatCost} estimates close enough to the best to be worth
 * timing, as for a compiled model's layers, timed by {@link KernelTuner} on random activations of the real shape
 * once their kernels are compiled. A sparse format is kept only when it beats dense by more than
 * the measured noise; the same weight selected twice in one JVM gets the same answer. Int8 is
 * never chosen: it changes the numbers.
 */
public final class SparseSelector {
    private static final long DEFAULT_BUDGET_NANOS = 40_000_000L;
    /** How long the real candidates may run before timing while the JIT is still compiling. */
    private static final long WARM_LIMIT_NANOS = 5_000_000_000L;

    private SparseSelector() {}

    /** One measured candidate: its format name, median time per call and stored bytes. */
    public record Timing(String format, long nanos, long bytes) {}

    /** The chosen matrix and every candidate's timing (the dense one first). */
    public record Selection(SparseMatrix chosen, List<Timing> timings) {
        /** Median time per call of the dense candidate (0 when dense was the only candidate). */
        public long denseNanos() { return timings.getFirst().nanos(); }

        /** Median time per call of the chosen format. */
        public long chosenNanos() {
            return timings.stream().filter(t -> t.format().equals(chosen.format())).findFirst().orElseThrow().nanos();
        }
    }

    /** {@link #choose(float[], int, int, boolean[], int, Workers, long)} with a 40 ms budget. */
    public static Selection choose(float[] dense, int rows, int cols, boolean[] mask, int batch, Workers workers) {
        return choose(dense, rows, cols, mask, batch, workers, DEFAULT_BUDGET_NANOS);
    }

    /** Times the candidates for about {@code budgetNanos} in all on {@code workers} and returns the fastest. */
    public static Selection choose(float[] dense, int rows, int cols, boolean[] mask, int batch, Workers workers,
                                   long budgetNanos) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (budgetNanos < 0) throw new IllegalArgumentException("budget must be >= 0 ns, got " + budgetNanos);
        if (workers == null) throw new IllegalArgumentException("workers is null");
        WeightPattern p = WeightPattern.of(dense, rows, cols, mask);
        // The compiled models' candidate list: what the policy lets through, then what the cost estimate leaves worth timing.
        List<SparseMatrix> candidates = FormatCost.contenders(FormatPolicy.candidates(p, batch, null), batch);
        SplittableRandom rnd = new SplittableRandom(0x5eca7e);
        float[] x = new float[cols * batch];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        float[] y = new float[rows * batch];
        List<KernelTuner.Candidate> calls = new ArrayList<>();
        for (SparseMatrix m : candidates) {
            SparseFormat f = SparseFormats.named(m.format());
            calls.add(new KernelTuner.Candidate(m.format(), () -> m.multiplyBatch(workers, x, 0, batch, y, 0, null, false),
                    FormatPolicy.warmKey(m.format(), batch), FormatPolicy.proxy(f, p, batch, workers), m.multiplyAdds() * batch,
                    FormatCost.expectedNanos(m, batch)));
        }
        String key = "spmm:" + rows + "x" + cols + ":" + batch + ":" + workers.threads() + ":" + fingerprint(dense, mask);
        KernelTuner.Result r = KernelTuner.tune(key, calls, budgetNanos, WARM_LIMIT_NANOS);
        List<Timing> timings = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            timings.add(new Timing(candidates.get(i).format(), r.medianNanos()[i], candidates.get(i).byteSize()));
        }
        return new Selection(candidates.get(r.chosen()), List.copyOf(timings));
    }

    /** A hash of the weight bits and mask: equal weights get equal keys. */
    static String fingerprint(float[] dense, boolean[] mask) {
        return Integer.toHexString(Arrays.hashCode(dense)) + "/" + (mask == null ? "nz" : Integer.toHexString(Arrays.hashCode(mask)));
    }
}
