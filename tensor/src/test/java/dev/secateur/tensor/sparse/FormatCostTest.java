package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The estimate ranks formats; the rule keeps the baseline, the unknown, and the few best estimated. */
class FormatCostTest {
    private static WeightPattern pruned(int rows, int cols, double density, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) if (rnd.nextDouble() < density) w[i] = (float) rnd.nextDouble(-1, 1);
        return WeightPattern.of(w, rows, cols, null);
    }

    @Test
    void theBaselineTheUnknownAndTheSharedAreAlwaysKept() {
        double[] e = {10, 1, 500, -1, 400, 2, 3};
        boolean[] shared = {false, false, false, false, true, false, false};
        // Ranked challengers: 1 (1.0), 5 (2.0), 6 (3.0), 2 (500); band 2× of 1.0 keeps 1 and 5; at least two kept.
        assertEquals(List.of(0, 1, 3, 4, 5), FormatCost.worthTiming(e, shared));
    }

    @Test
    void theTwoBestEstimatedAreKeptHoweverFarFromTheBest() {
        double[] e = {1, 50, 40, 60};
        assertEquals(List.of(0, 1, 2), FormatCost.worthTiming(e, new boolean[4]));
    }

    @Test
    void atMostThreeEstimatedChallengersAreKept() {
        double[] e = {10, 5, 5.5, 6, 6.5, 7};
        assertEquals(List.of(0, 1, 2, 3), FormatCost.worthTiming(e, new boolean[6]));
        assertThrows(IllegalArgumentException.class, () -> FormatCost.worthTiming(e, new boolean[2]));
    }

    @Test
    void theSelectorTimesWhatACompiledLayerWouldTime() {
        WeightPattern p = pruned(300, 784, 0.08, 2);
        for (int batch : new int[] {1, 64}) {
            List<SparseMatrix> all = FormatPolicy.candidates(p, batch, null);
            List<SparseMatrix> kept = FormatCost.contenders(all, batch);
            assertEquals("dense", kept.getFirst().format(), "dense stays first, the baseline");
            assertTrue(all.containsAll(kept), "a subset at batch " + batch);
            double[] estimates = all.stream().mapToDouble(m -> FormatCost.estimateNanos(m, batch)).toArray();
            List<Integer> expected = FormatCost.worthTiming(estimates, new boolean[all.size()]);
            assertEquals(expected.stream().map(i -> all.get(i).format()).toList(), kept.stream().map(SparseMatrix::format).toList());
            var selection = SparseSelector.choose(p.dense(), p.rows(), p.cols(), null, batch, dev.secateur.tensor.Workers.single(), 2_000_000L);
            assertEquals(kept.stream().map(SparseMatrix::format).toList(), selection.timings().stream().map(SparseSelector.Timing::format).toList());
        }
    }

    @Test
    void estimatesFollowTheWorkAndTheFormat() {
        WeightPattern p = pruned(300, 784, 0.08, 1);
        SparseMatrix dense = DenseMatrix.from(p.dense(), p.rows(), p.cols());
        SparseMatrix csr = CsrMatrix.from(p.dense(), p.rows(), p.cols(), null);
        // Matrix-vector: CSR's scalar loads cost more than streaming the dense weight at 30% density...
        WeightPattern third = pruned(300, 784, 0.3, 2);
        assertTrue(FormatCost.estimateNanos(CsrMatrix.from(third.dense(), 300, 784, null), 1) > FormatCost.estimateNanos(dense, 1));
        // ... and less at 8%.
        assertTrue(FormatCost.estimateNanos(csr, 1) < FormatCost.estimateNanos(dense, 1));
        // Batched: CSR multiplies only the kept weights.
        assertTrue(FormatCost.estimateNanos(csr, 64) < FormatCost.estimateNanos(dense, 64));
        assertEquals(-1, FormatCost.estimateNanos(BsrMatrix.from(p.dense(), p.rows(), p.cols(), null, 4), 1), "no rate measured: not estimated");
        assertEquals(-1, FormatCost.estimateNanos(csr, 0));
    }

    @Test
    void bitmapWorkFollowsHowTheKeptWeightsCluster() {
        int rows = 304, cols = 784;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] blocked = new float[rows * cols]; // whole 16×1 blocks kept at 8%
        for (int g = 0; g < rows / 16; g++) {
            for (int c = 0; c < cols; c++) {
                if (rnd.nextDouble() >= 0.08) continue;
                for (int i = 0; i < 16; i++) blocked[(g * 16 + i) * cols + c] = (float) rnd.nextDouble(0.5, 1);
            }
        }
        WeightPattern single = pruned(rows, cols, 0.08, 4);
        SparseMatrix blockedBitmap = BitmapMatrix.from(blocked, rows, cols);
        SparseMatrix singleBitmap = BitmapMatrix.from(single.dense(), rows, cols);
        SparseMatrix blockedGathers = GatherCsrMatrix.from(blocked, rows, cols, null);
        // Same kept count, about nine times the words when the weights are kept one by one.
        double perKeptBlocked = FormatCost.estimateNanos(blockedBitmap, 1) / blockedBitmap.nonZeros();
        double perKeptSingle = FormatCost.estimateNanos(singleBitmap, 1) / singleBitmap.nonZeros();
        assertTrue(perKeptSingle > 6 * perKeptBlocked, perKeptSingle + " vs " + perKeptBlocked);
        // So on a block-pruned layer the bitmap ranks ahead of the gathers and is timed.
        assertTrue(FormatCost.estimateNanos(blockedBitmap, 1) < FormatCost.estimateNanos(blockedGathers, 1));
    }
}
