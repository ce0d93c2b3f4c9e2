package dev.secateur.tensor.sparse;

import dev.secateur.tensor.JitClock;
import dev.secateur.tensor.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the fastest representation of one weight matrix by measuring: builds every candidate
 * format (dense, CSR, panel CSR for batches, BSR 4×1 and 8×1, bitmap, SELL-16 and its windowed form, N:M when the
 * mask allows it), times each on random activations of the real shape and batch for a short
 * bounded budget, and keeps the fastest. A calibration costs roughly a second per format the
 * JVM has not compiled yet (a proxy warm-up), plus about {@code budget} per candidate, plus up
 * to 50 budgets for a candidate that first measures more than 2× slower than the fastest.
 * Dense wins unless a sparse format is faster by more than {@link #MARGIN}, so a layer is not
 * made slower by measurement noise. A block format is not tried when its padding would store
 * more than 3× the kept weights, nor SELL-16 when its padding doubles them (they cannot win
 * there and would cost build time and memory). Int8 is never chosen: it changes the numbers.
 */
public final class SparseSelector {
    /** A sparse candidate must beat dense by this fraction to be chosen. */
    public static final double MARGIN = 0.10;
    /** How long the JIT must have compiled nothing before the timed rounds start. */
    private static final long JIT_QUIET_NANOS = 100_000_000L;
    private static final long DEFAULT_BUDGET_NANOS = 40_000_000L;

    private SparseSelector() {}

    /** One measured candidate: its format name, best time per call and stored bytes. */
    public record Timing(String format, long nanos, long bytes) {}

    /** The chosen matrix and every candidate's timing (the dense one first). */
    public record Selection(SparseMatrix chosen, List<Timing> timings) {
        /** Best time per call of the dense candidate. */
        public long denseNanos() { return timings.getFirst().nanos(); }

        /** Best time per call of the chosen format. */
        public long chosenNanos() {
            return timings.stream().filter(t -> t.format().equals(chosen.format())).findFirst().orElseThrow().nanos();
        }
    }

    /** {@link #choose(float[], int, int, boolean[], int, Workers, long)} with a 40 ms budget. */
    public static Selection choose(float[] dense, int rows, int cols, boolean[] mask, int batch, Workers workers) {
        return choose(dense, rows, cols, mask, batch, workers, DEFAULT_BUDGET_NANOS);
    }

    /**
     * Measures the candidates on {@code batch} columns of activations with {@code workers} and
     * returns the fastest. Each format's kernel is first JIT-compiled on a small proxy (once per
     * JVM), then the candidates are timed in turns for about {@code budgetNanos} each.
     */
    public static Selection choose(float[] dense, int rows, int cols, boolean[] mask, int batch, Workers workers,
                                   long budgetNanos) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (budgetNanos < 0) throw new IllegalArgumentException("budget must be >= 0 ns, got " + budgetNanos);
        if (workers == null) throw new IllegalArgumentException("workers is null");
        List<SparseMatrix> candidates = candidates(dense, rows, cols, mask, batch);
        SparseMatrix denseMatrix = candidates.getFirst();
        warmUp(candidates, (double) denseMatrix.nonZeros() / Math.max(1L, (long) rows * cols), batch, workers,
                8 * budgetNanos);
        SplittableRandom rnd = new SplittableRandom(0x5eca7e);
        float[] x = new float[cols * batch];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        float[] y = new float[rows * batch];
        long[] nanos = time(candidates, x, batch, y, workers, budgetNanos);
        // A kernel deoptimized by the real matrix (a branch the proxy never took) runs slow until
        // the JIT recompiles it: give every clear loser a second, longer look before it loses.
        long fastest = Long.MAX_VALUE;
        for (long t : nanos) fastest = Math.min(fastest, t);
        for (int i = 0; i < nanos.length; i++) {
            if (nanos[i] > 2 * fastest) {
                nanos[i] = Math.min(nanos[i], untilStable(candidates.get(i), x, batch, y, workers, budgetNanos, 5));
            }
        }
        List<Timing> timings = new ArrayList<>();
        SparseMatrix best = denseMatrix;
        long bestNanos = nanos[0];
        for (int i = 0; i < candidates.size(); i++) {
            SparseMatrix c = candidates.get(i);
            timings.add(new Timing(c.format(), nanos[i], c.byteSize()));
            if (i > 0 && nanos[i] < bestNanos && nanos[i] < nanos[0] * (1 - MARGIN)) {
                best = c;
                bestNanos = nanos[i];
            }
        }
        return new Selection(best, List.copyOf(timings));
    }

    private static List<SparseMatrix> candidates(float[] dense, int rows, int cols, boolean[] mask, int batch) {
        DenseMatrix denseMatrix = DenseMatrix.from(dense, rows, cols, mask);
        long kept = Math.max(1, denseMatrix.nonZeros());
        List<SparseMatrix> candidates = new ArrayList<>();
        candidates.add(denseMatrix);
        // Batched CSR loads X straight from the caller's heap array, whose 64-byte alignment differs
        // from the calibration's: measured 10 ms one run, 15 ms the next (4096²×64, 70%). pcsr reads
        // an aligned copy and is as fast at its best, so batches of wide layers time pcsr instead.
        boolean panels = batch > 1 && PanelCsrMatrix.worthTrying(cols);
        candidates.add(panels ? PanelCsrMatrix.from(dense, rows, cols, mask) : CsrMatrix.from(dense, rows, cols, mask));
        candidates.add(BitmapMatrix.from(dense, rows, cols, mask));
        SellMatrix sell = SellMatrix.from(dense, rows, cols, mask);
        if (sell.values.length <= 2 * kept + 16L * SellMatrix.SLICE) candidates.add(sell);
        WindowedSellMatrix wsell = WindowedSellMatrix.from(dense, rows, cols, mask);
        if (wsell.values.length <= 3 * kept + 16L * WindowedSellMatrix.SLICE * wsell.windows) candidates.add(wsell);
        for (int r : new int[] {4, 8}) {
            BsrMatrix b = BsrMatrix.from(dense, rows, cols, mask, r);
            if ((long) b.blocks() * r <= 3 * kept) candidates.add(b);
        }
        for (int[] nm : new int[][] {{1, 4}, {2, 4}}) {
            if (NmMatrix.satisfies(dense, rows, cols, mask, nm[0], nm[1])) {
                candidates.add(NmMatrix.from(dense, rows, cols, mask, nm[0], nm[1]));
                break;
            }
        }
        if (batch == 1) {
            // Batch 1 streams the weight once per call: a format storing at least the dense bytes
            // cannot be faster, only look so in a noisy timing (bsr8x1 was once kept at 0% sparsity).
            long denseBytes = denseMatrix.byteSize();
            candidates.removeIf(c -> c != denseMatrix && c.byteSize() >= denseBytes);
        }
        return candidates;
    }

    /** Proxy calls before a kernel counts as compiled. */
    static final int WARM_CALLS = 6000;

    /** Kernels already compiled in this JVM, by format and batch kind ("csr/1", "csr/n"). */
    private static final Set<String> WARM = ConcurrentHashMap.newKeySet();

    /**
     * Gets each candidate's kernel JIT-compiled before it is timed: a fresh kernel runs
     * interpreted, then half-compiled, for far longer than a short budget. A small proxy matrix
     * (24×136 at the same density, same batch) makes the calls cheap; it runs for at least
     * {@link #WARM_CALLS} calls (C2 compiles a kernel after about 5000 invocations) and until
     * its time per call has been stable for {@code nanos}.
     * Once per JVM per format and batch kind.
     */
    private static void warmUp(List<SparseMatrix> real, double density, int batch, Workers workers, long nanos) {
        // Partial slices, blocks and windows (24 rows, 136 columns) so every branch of a kernel runs.
        int rows = 24, cols = 136;
        SplittableRandom rnd = new SplittableRandom(0x3a7);
        float[] w = new float[rows * cols];
        boolean[] keep = new boolean[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextDouble(-1, 1);
            keep[i] = rnd.nextDouble() < Math.max(0.02, density);
        }
        float[] x = new float[cols * batch];
        float[] y = new float[rows * batch];
        for (SparseMatrix m : real) {
            String key = m.format() + (batch == 1 ? "/1" : "/n");
            if (WARM.contains(key)) continue;
            SparseMatrix proxy = switch (m) {
                case DenseMatrix d -> DenseMatrix.from(w, rows, cols, keep);
                case CsrMatrix c -> CsrMatrix.from(w, rows, cols, keep);
                case PanelCsrMatrix c -> PanelCsrMatrix.from(w, rows, cols, keep);
                case Int8CsrMatrix c -> Int8CsrMatrix.from(w, rows, cols, keep);
                case BsrMatrix b -> BsrMatrix.from(w, rows, cols, keep, b.blockHeight());
                case BitmapMatrix b -> BitmapMatrix.from(w, rows, cols, keep);
                case SellMatrix c -> SellMatrix.from(w, rows, cols, keep);
                case WindowedSellMatrix c -> WindowedSellMatrix.from(w, rows, cols, keep);
                case WindowedSell8Matrix c -> WindowedSell8Matrix.from(w, rows, cols, keep);
                case WindowedSell4Matrix c -> WindowedSell4Matrix.from(w, rows, cols, keep);
                case NmMatrix nm -> NmMatrix.from(w, rows, cols, firstOfEachGroup(rows, cols, nm.n(), nm.m()), nm.n(), nm.m());
            };
            untilStable(proxy, x, batch, y, workers, nanos, WARM_CALLS);
            WARM.add(key);
        }
    }

    private static boolean[] firstOfEachGroup(int rows, int cols, int n, int m) {
        boolean[] keep = new boolean[rows * cols];
        for (int i = 0; i < keep.length; i++) keep[i] = (i % cols) % m < n;
        return keep;
    }

    /**
     * Best time of one call per candidate. Candidates take turns, so that a noisy moment of a
     * shared machine hits all of them alike; at least 3 rounds and about {@code budget} per
     * candidate in all (at most 20 times that). In each turn the candidate runs once untimed and
     * then once timed: the timed call finds its own weights in the cache as far as they fit, as
     * when a layer runs repeatedly. Timing the first call after another candidate's (a cold
     * cache) ranked formats by DRAM bytes alone: at 90–95% sparsity it chose sell16, which is
     * smaller, over wsell16, which is about 2× faster once its weights are cached.
     */
    private static long[] time(List<SparseMatrix> candidates, float[] x, int batch, float[] y, Workers workers,
                               long budget) {
        int n = candidates.size();
        long[] best = new long[n];
        java.util.Arrays.fill(best, Long.MAX_VALUE);
        // Until the JIT is idle, a candidate may still run C1 code with its C2 compile queued behind
        // the others' (seen: wsell16 timed at 1.5x its speed, and sell16 kept, in one fork of two).
        JitClock jit = new JitClock();
        long quietEnd = System.nanoTime() + 20 * budget * n;
        while (!jit.quietFor(JIT_QUIET_NANOS) && System.nanoTime() < quietEnd) {
            for (SparseMatrix c : candidates) c.multiplyBatch(workers, x, 0, batch, y, 0, null, false);
        }
        long start = System.nanoTime(), end = start + budget * n, hardEnd = start + 20 * budget * n;
        for (int round = 0; ; round++) {
            for (int i = 0; i < n; i++) {
                SparseMatrix c = candidates.get(i);
                c.multiplyBatch(workers, x, 0, batch, y, 0, null, false);
                long t0 = System.nanoTime();
                c.multiplyBatch(workers, x, 0, batch, y, 0, null, false);
                best[i] = Math.min(best[i], System.nanoTime() - t0);
            }
            long now = System.nanoTime();
            if ((round >= 2 && now >= end) || now >= hardEnd) return best;
        }
    }

    /**
     * Calls {@code m} at least {@code minCalls} times and until its best time has not improved by
     * 3% for {@code stable} ns (at most 50 times that); returns the best time.
     */
    private static long untilStable(SparseMatrix m, float[] x, int batch, float[] y, Workers workers, long stable,
                                    int minCalls) {
        long start = System.nanoTime(), stableSince = start, best = Long.MAX_VALUE;
        for (int calls = 1; ; calls++) {
            long t0 = System.nanoTime();
            m.multiplyBatch(workers, x, 0, batch, y, 0, null, false);
            long now = System.nanoTime(), t = now - t0;
            if (t < best - best / 32) stableSince = now;
            best = Math.min(best, t);
            if ((calls >= minCalls && now - stableSince >= stable) || now - start >= 50 * stable) return best;
        }
    }
}
