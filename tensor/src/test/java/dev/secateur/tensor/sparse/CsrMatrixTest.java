package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.platform.VectorPlatform;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * CSR on rows of many blocks (the registry-wide properties mostly see short rows), with and
 * without rows padded for the batch-1 loop (padding is chosen by size, which small test matrices
 * never reach): the batched kernels stopping at each row's kept entries, absolute and delta columns.
 */
class CsrMatrixTest {
    private static final double[] SPARSITIES = {0.0, 0.5, 0.9, 0.97, 1.0};

    @Property(tries = 150)
    void matchesTheReference(@ForAll @IntRange(min = 0, max = 40) int rows,
                             @ForAll @IntRange(min = 0, max = 400) int cols,
                             @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                             @ForAll boolean chained,
                             @ForAll boolean padRows,
                             @ForAll @IntRange(min = 1, max = 3) int batch,
                             @ForAll @IntRange(min = 0, max = 2) int pool,
                             @ForAll boolean withBias, @ForAll boolean relu,
                             @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, SPARSITIES[sparsityIndex], rnd.nextBoolean(), null);
        CsrMatrix a = CsrMatrix.from(w, rows, cols, mask, chained, padRows && !chained);
        long kept = 0;
        for (boolean b : mask) if (b) kept++;
        assertEquals(kept, a.nonZeros());
        SparseMatrixPropertiesTest.assertProductMatchesReference(a, Fixtures.masked(w, mask), batch, Fixtures.POOLS[pool],
                withBias, relu, rnd);
        assertArrayEquals(Fixtures.masked(w, mask), a.toDense());
    }

    @Test
    void paddedRowsHoldWholeBlocks() {
        int cols = 400;
        float[] w = new float[3 * cols];
        for (int c = 0; c < 217; c++) w[c] = c + 1; // row 0: 217 entries; row 1 empty; row 2: 201
        for (int c = 199; c < cols; c++) w[2 * cols + c] = -c;
        CsrMatrix a = CsrMatrix.from(w, 3, cols, null, false, true);
        int b = CsrMatrix.ROW_BLOCK;
        assertTrue(a.padded);
        assertEquals(217, a.rowEnd[0]);
        assertEquals((217 + b - 1) / b * b, a.rowPtr[1]);
        assertEquals(a.rowPtr[1], a.rowPtr[2], "an empty row holds no entries");
        assertEquals(a.rowPtr[2] + 201, a.rowEnd[2]);
        assertEquals(a.rowPtr[2] + (201 + b - 1) / b * b, a.rowPtr[3]);
        for (int p = a.rowEnd[0]; p < a.rowPtr[1]; p++) {
            assertEquals(216, a.columns[p], "padding reads the row's own last column");
            assertEquals(0f, a.values[p]);
        }
        assertEquals(418, a.nonZeros());
        assertArrayEquals(w, a.toDense());
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.from(w, 3, cols, null, true, true), "delta columns are not padded");
    }

    @Test
    void paddingFollowsTheMatrixSizeAgainstL2() {
        float[] w = new float[3 * 40];
        for (int c = 0; c < 17; c++) w[c] = c + 1;
        CsrMatrix small = CsrMatrix.from(w, 3, 40);
        assertFalse(small.padded, "a matrix that stays in the caches keeps its rows as they are");
        assertEquals(17, small.rowPtr[1]);
        assertEquals(17, small.rowEnd[0]);
        assertEquals(6L * 17 + 4L * 4, small.byteSize());

        int rows = 1024, cols = 1021; // every weight kept: 6 MB of CSR
        float[] big = Fixtures.weights(new SplittableRandom(7), rows * cols);
        CsrMatrix a = CsrMatrix.from(big, rows, cols);
        assertEquals(6L * rows * cols > VectorPlatform.CACHES.l2(), a.padded);
        assertArrayEquals(big, a.toDense());
    }
}
