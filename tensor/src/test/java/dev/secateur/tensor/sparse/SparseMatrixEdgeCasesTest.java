package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferenceSpmm;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Wide matrices (16-bit delta fillers), N:M validation, bad input and the selector. */
class SparseMatrixEdgeCasesTest {

    /**
     * Column gaps beyond 65535 need filler entries, and the last column of a 65536-wide matrix is
     * the widest a 16-bit absolute index holds; products (x at an offset) and toDense must not
     * notice either.
     */
    @ParameterizedTest
    @EnumSource(Fixtures.Format.class)
    void columnGapsWiderThanSixteenBitsAreBridged(Fixtures.Format format) {
        assumeTrue(format.runsHere(), "needs wider vectors");
        for (int cols : new int[] {65_536, 140_003}) {
            int rows = 5;
            SplittableRandom rnd = new SplittableRandom(7);
            float[] w = Fixtures.weights(rnd, rows * cols);
            boolean[] mask = new boolean[rows * cols];
            int[] keptCols = {0, 3, 65_535, 65_536, 65_540, 131_075, 140_002};
            for (int r = 0; r < rows; r++) {
                for (int c : keptCols) if (c < cols && (r + c) % 3 != 0) mask[r * cols + c] = true;
            }
            mask[4 * cols + cols - 2] = true;
            int[] nm = format.nm();
            boolean[] m = mask;
            if (nm != null) Fixtures.enforce(m, rows, cols, nm[0], nm[1]);
            SparseMatrix a = format.build(w, rows, cols, m);
            float[] held = format.quantized() ? a.toDense() : Fixtures.masked(w, m);
            if (!format.quantized()) assertArrayEquals(held, a.toDense());
            for (int batch : new int[] {1, 3}) {
                int xOff = 2;
                float[] x = Fixtures.weights(rnd, xOff + cols * batch);
                float[] y = new float[rows * batch];
                a.multiplyBatch(Fixtures.POOLS[2], x, xOff, batch, y, 0, null, false);
                float[] expected = ReferenceSpmm.multiply(held, null, rows, cols, x, xOff, batch, null, false);
                double[] scale = ReferenceSpmm.absProducts(held, null, rows, cols, x, xOff, batch, null);
                SparseMatrixPropertiesTest.assertClose(expected, scale, y, 0, 8, a.format());
            }
        }
    }

    @Test
    void nmRejectsGroupsWithTooManyKeptEntries() {
        float[] w = {1, 2, 3, 0, 5, 6, 0, 0};
        var e = assertThrows(IllegalArgumentException.class, () -> NmMatrix.from(w, 1, 8, 2, 4));
        assertTrue(e.getMessage().contains("row 0") && e.getMessage().contains("[0, 4)"), e.getMessage());
        assertFalse(NmMatrix.satisfies(w, 1, 8, null, 2, 4));
        assertTrue(NmMatrix.satisfies(w, 1, 8, null, 3, 4));
        NmMatrix ok = NmMatrix.from(w, 1, 8, 3, 4);
        assertArrayEquals(w, ok.toDense());
        assertEquals(5, ok.nonZeros());
        // A partial last group (K = 6, M = 4) follows the rule over its width.
        assertThrows(IllegalArgumentException.class, () -> NmMatrix.from(new float[] {1, 0, 0, 0, 1, 1}, 1, 6, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> NmMatrix.from(w, 1, 8, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> NmMatrix.from(w, 1, 8, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> NmMatrix.from(w, 1, 8, 2, 17));
    }

    @Test
    void badShapesAndMasksAreRejectedWithTheirSizes() {
        float[] w = new float[12];
        var e = assertThrows(IllegalArgumentException.class, () -> CsrMatrix.from(w, 3, 5));
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("3x5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.from(w, -3, -4));
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.from(null, 3, 4));
        e = assertThrows(IllegalArgumentException.class, () -> BitmapMatrix.from(w, 3, 4, new boolean[11]));
        assertTrue(e.getMessage().contains("mask has 11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BsrMatrix.from(w, 3, 4, 3));
        assertTrue(e.getMessage().contains("4, 8 or 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.from(w, 65536, 65536));
        float[] inf = {1, Float.POSITIVE_INFINITY};
        assertThrows(IllegalArgumentException.class, () -> Int8CsrMatrix.from(inf, 1, 2));
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Format.class)
    void badOperandsAreRejectedBeforeAnyWork(Fixtures.Format format) {
        float[] w = Fixtures.weights(new SplittableRandom(3), 6 * 8);
        SparseMatrix a = format.build(w, 6, 8, Fixtures.mask(new SplittableRandom(4), 6, 8, 0.5, false, format.nm()));
        Workers one = Workers.single();
        var e = assertThrows(IllegalArgumentException.class, () -> a.multiplyVector(new float[7], 0, new float[6], 0, null, false));
        assertTrue(e.getMessage().contains("x needs 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.multiplyVector(new float[8], 1, new float[6], 0, null, false));
        assertTrue(e.getMessage().contains("offset 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.multiplyVector(new float[8], 0, new float[5], 0, null, false));
        assertTrue(e.getMessage().contains("y needs 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.multiplyVector(new float[8], 0, new float[6], 0, new float[5], false));
        assertTrue(e.getMessage().contains("bias has 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.multiplyVector(null, 0, new float[6], 0, null, false));
        assertThrows(IllegalArgumentException.class, () -> a.multiplyVector(new float[8], -1, new float[6], 0, null, false));
        e = assertThrows(IllegalArgumentException.class, () -> a.multiplyBatch(one, new float[8 * 3], 0, 4, new float[24], 0, null, false));
        assertTrue(e.getMessage().contains("x needs 32") && e.getMessage().contains("8x4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.multiplyBatch(one, new float[8], 0, -1, new float[6], 0, null, false));
        assertThrows(IllegalArgumentException.class, () -> a.multiplyBatch(null, new float[8], 0, 1, new float[6], 0, null, false));
        float[] shared = new float[20];
        e = assertThrows(IllegalArgumentException.class, () -> a.multiplyBatch(one, shared, 0, 1, shared, 4, null, false));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
        a.multiplyBatch(one, shared, 0, 1, shared, 8, null, false);
        a.multiplyBatch(one, new float[0], 0, 0, new float[0], 0, null, false);
    }

    @Test
    void selectorKeepsDenseForDenseWeightsAndAlwaysReturnsTheSameMatrix() {
        SplittableRandom rnd = new SplittableRandom(11);
        int rows = 40, cols = 48;
        float[] w = Fixtures.weights(rnd, rows * cols);
        var dense = SparseSelector.choose(w, rows, cols, null, 1, Workers.single(), 2_000_000L);
        assertEquals("dense", dense.timings().getFirst().format());
        assertEquals(1, dense.timings().size(), "at batch 1 no format with more bytes than dense is timed: " + dense.timings());
        assertArrayEquals(w, dense.chosen().toDense());
        var batched = SparseSelector.choose(w, rows, cols, null, 3, Workers.single(), 2_000_000L);
        assertEquals(1, batched.timings().size(), "a dense weight times only the dense kernel: " + batched.timings());
        assertArrayEquals(w, batched.chosen().toDense());
        boolean[] mask = Fixtures.mask(rnd, rows, cols, 0.95, false, null);
        var sparse = SparseSelector.choose(w, rows, cols, mask, 3, Workers.of(2), 2_000_000L);
        assertTrue(sparse.timings().size() >= 2, "a 95% sparse weight times sparse formats: " + sparse.timings());
        assertArrayEquals(Fixtures.masked(w, mask), sparse.chosen().toDense());
        assertTrue(sparse.chosenNanos() <= sparse.denseNanos());
        assertThrows(IllegalArgumentException.class, () -> SparseSelector.choose(w, rows, cols, null, 0, Workers.single()));
    }
}
