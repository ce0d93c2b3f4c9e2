package dev.secateur.tensor.sparse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * A rough time estimate per format, used to leave out of a tuning the candidates that cannot win:
 * timing a candidate first means JIT-compiling its kernel, which costs about a second per format
 * on a small machine, far more than the timing itself. The estimate is the multiply-adds one
 * product column costs ({@link SparseMatrix#multiplyAdds()}: every weight for dense, the kept
 * ones for a sparse format; for bitmap16 the lanes of its non-empty words) times the columns times the format's measured nanoseconds per
 * multiply-add, separately for single columns (matrix-vector: gathers and index loads dominate)
 * and for batches (the dense GEMM near peak, the sparse formats per kept weight and column).
 * Formats without a measured rate (for that kind of product) are not estimated and are always timed.
 *
 * <p>The estimate only ranks: the challengers kept are those within {@value #BAND}× of the best
 * estimate (dense included), never fewer than the {@value #MIN_KEPT} best nor more than
 * {@value #MAX_KEPT}. The rates vary by up to 2× between layers of one model (fixed costs of
 * short rows, window counts), which the band absorbs; where estimates are closer than that the
 * tuner decides.
 */
public final class FormatCost {
    /** Challengers estimated slower than this many times the best estimate are not timed. */
    static final double BAND = 2.0;
    /** The best-estimated challengers kept whatever their estimate (small layers run on fixed costs). */
    static final int MIN_KEPT = 2;
    /** Most estimated challengers kept. */
    static final int MAX_KEPT = 3;

    /**
     * Nanoseconds per multiply-add, {@code {single column, batched}} (-1: not measured): medians
     * over the pruned LeNet-300-100, LeNet-5 and VGG fully connected layers at 512 bits
     * (docs/bench/compiled.md); csr's single-column rate from its batch-1 kernel on a
     * LeNet-300-100 fc1 shape, wsell16's from its banded kernel on the same shapes (docs/bench/sparse.md).
     */
    private static final Map<String, double[]> RATES = Map.ofEntries(
            Map.entry("dense", new double[] {0.065, 0.017}),
            Map.entry("csr", new double[] {0.4, 0.06}),
            Map.entry("pcsr", new double[] {1.25, 0.065}),
            Map.entry("bitmap16", new double[] {0.10, 0.028}), // per lane of its non-empty 16-row words, not per kept weight
            Map.entry("sell16", new double[] {0.32, 0.2}),
            Map.entry("wsell16", new double[] {0.2, 0.4}),
            Map.entry("wsell8", new double[] {0.45, 0.42}),
            Map.entry("wsell4", new double[] {0.75, 0.37}),
            Map.entry("gcsr", new double[] {0.4, 0.4}),
            Map.entry("nm2:4", new double[] {-1, 0.9}),
            Map.entry("nm1:4", new double[] {-1, 0.9}));

    private FormatCost() {}

    /** Estimated nanoseconds of one product of {@code m} with {@code columns} columns, or -1 when its format has no rate. */
    public static double estimateNanos(SparseMatrix m, long columns) {
        double[] r = RATES.get(m.format());
        double rate = r == null || columns < 1 ? -1 : r[columns == 1 ? 0 : 1];
        return rate < 0 ? -1 : rate * work(m) * columns;
    }

    /** {@link #estimateNanos} rounded to whole nanoseconds, 0 where there is no estimate (as the kernel tuner takes it). */
    public static long expectedNanos(SparseMatrix m, long columns) {
        double e = estimateNanos(m, columns);
        return e <= 0 ? 0 : Math.max(1, Math.round(e));
    }

    /**
     * The multiply-adds a product column runs: bitmap16 computes every lane of each non-empty
     * 16-row word, so its work follows how the kept weights cluster (a sixteenth of them per word
     * when pruned in 16×1 blocks, about 1.3 per word when pruned weight by weight at 8%), not their
     * count; the other formats run their kept weights.
     */
    private static long work(SparseMatrix m) {
        return m instanceof BitmapMatrix b ? (long) BitmapMatrix.GROUP * b.masks.length : m.multiplyAdds();
    }

    /**
     * The matrices worth timing for products of {@code columns} columns: the first (the baseline,
     * dense), those without an estimate and the few estimated close to the best, in their order.
     */
    public static List<SparseMatrix> contenders(List<SparseMatrix> candidates, long columns) {
        return contenders(candidates, m -> estimateNanos(m, columns), m -> false);
    }

    /**
     * {@link #worthTiming} over any kind of candidate: {@code estimate} gives each one's estimate
     * (negative: unknown), {@code sharesBaselineCode} whether it runs the baseline's compiled code.
     */
    public static <T> List<T> contenders(List<T> candidates, ToDoubleFunction<T> estimate, Predicate<T> sharesBaselineCode) {
        double[] estimates = new double[candidates.size()];
        boolean[] shared = new boolean[candidates.size()];
        for (int i = 0; i < estimates.length; i++) {
            estimates[i] = estimate.applyAsDouble(candidates.get(i));
            shared[i] = sharesBaselineCode.test(candidates.get(i));
        }
        List<T> out = new ArrayList<>();
        for (int i : worthTiming(estimates, shared)) out.add(candidates.get(i));
        return out;
    }

    /**
     * Which candidates to time, given their estimates (index 0 the baseline, always kept; a
     * negative estimate: unknown, always kept) and which of them run the baseline's compiled code
     * ({@code sharesBaselineCode}, e.g. a smaller dense matrix: timing it costs no JIT warm-up, so
     * it is kept and not counted): the indices in their original order.
     */
    public static List<Integer> worthTiming(double[] estimates, boolean[] sharesBaselineCode) {
        if (sharesBaselineCode.length != estimates.length) throw new IllegalArgumentException("one flag per estimate needed");
        double best = Double.MAX_VALUE;
        for (double e : estimates) if (e >= 0) best = Math.min(best, e);
        List<Integer> ranked = new ArrayList<>();
        for (int i = 1; i < estimates.length; i++) if (estimates[i] >= 0 && !sharesBaselineCode[i]) ranked.add(i);
        ranked.sort(Comparator.comparingDouble((Integer i) -> estimates[i]).thenComparingInt(i -> i));
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < estimates.length; i++) {
            int rank = ranked.indexOf(i);
            boolean kept = i == 0 || estimates[i] < 0 || sharesBaselineCode[i] || rank < MIN_KEPT
                    || (rank < MAX_KEPT && estimates[i] <= BAND * best);
            if (kept) keep.add(i);
        }
        return keep;
    }
}
