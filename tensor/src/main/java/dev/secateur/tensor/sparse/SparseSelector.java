package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks the fastest representation of one weight matrix by measuring: builds every candidate
 * format (dense, CSR, BSR 4×1 and 8×1, bitmap, N:M when the mask allows it), times each on
 * random activations of the real shape and batch for a short bounded budget, and keeps the
 * fastest. Dense wins unless a sparse format is faster by more than {@link #MARGIN}, so a
 * layer is never made slower by noise. A block format is not tried when its padding would store
 * more than 3× the kept weights (it cannot win there and would cost build time and memory).
 */
public final class SparseSelector {
    /** A sparse candidate must beat dense by this fraction to be chosen. */
    public static final double MARGIN = 0.03;
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

    /** {@link #choose(float[], int, int, boolean[], int, Workers, long)} with a 40 ms budget per candidate. */
    public static Selection choose(float[] dense, int rows, int cols, boolean[] mask, int batch, Workers workers) {
        return choose(dense, rows, cols, mask, batch, workers, DEFAULT_BUDGET_NANOS);
    }

    /**
     * Measures the candidates on {@code batch} columns of activations with {@code workers}, each
     * for about {@code budgetNanos} (half warm-up, half timed; at least 3 timed calls), and
     * returns the fastest.
     */
    public static Selection choose(float[] dense, int rows, int cols, boolean[] mask, int batch, Workers workers,
                                   long budgetNanos) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (budgetNanos < 0) throw new IllegalArgumentException("budget must be >= 0 ns, got " + budgetNanos);
        if (workers == null) throw new IllegalArgumentException("workers is null");
        DenseMatrix denseMatrix = DenseMatrix.from(dense, rows, cols, mask);
        long kept = Math.max(1, denseMatrix.nonZeros());
        List<SparseMatrix> candidates = new ArrayList<>();
        candidates.add(denseMatrix);
        candidates.add(CsrMatrix.from(dense, rows, cols, mask));
        candidates.add(BitmapMatrix.from(dense, rows, cols, mask));
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
        SplittableRandom rnd = new SplittableRandom(0x5eca7e);
        float[] x = new float[cols * batch];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        float[] y = new float[rows * batch];
        List<Timing> timings = new ArrayList<>();
        SparseMatrix best = denseMatrix;
        long bestNanos = Long.MAX_VALUE, denseNanos = 0;
        for (SparseMatrix c : candidates) {
            long t = time(c, x, batch, y, workers, budgetNanos);
            timings.add(new Timing(c.format(), t, c.byteSize()));
            if (c == denseMatrix) {
                denseNanos = t;
                bestNanos = t;
            } else if (t < bestNanos && t < denseNanos * (1 - MARGIN)) {
                best = c;
                bestNanos = t;
            }
        }
        return new Selection(best, List.copyOf(timings));
    }

    private static long time(SparseMatrix m, float[] x, int batch, float[] y, Workers workers, long budget) {
        long warmEnd = System.nanoTime() + budget / 2;
        do {
            m.multiplyBatch(workers, x, 0, batch, y, 0, null, false);
        } while (System.nanoTime() < warmEnd);
        long best = Long.MAX_VALUE;
        long end = System.nanoTime() + budget / 2;
        for (int i = 0; i < 3 || System.nanoTime() < end; i++) {
            long t0 = System.nanoTime();
            m.multiplyBatch(workers, x, 0, batch, y, 0, null, false);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }
}
