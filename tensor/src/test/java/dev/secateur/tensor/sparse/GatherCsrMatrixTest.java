package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The gather CSR's batch-1 kernel on rows of several vectors (the registry-wide properties mostly
 * see short rows): whole pairs of gathers, the single last one, empty rows, 0% and 100% sparsity.
 */
class GatherCsrMatrixTest {
    private static final double[] SPARSITIES = {0.0, 0.5, 0.9, 0.97, 1.0};

    @Property(tries = 150)
    void matchesTheReference(@ForAll @IntRange(min = 0, max = 40) int rows,
                             @ForAll @IntRange(min = 0, max = 400) int cols,
                             @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                             @ForAll boolean batched,
                             @ForAll @IntRange(min = 0, max = 2) int pool,
                             @ForAll boolean withBias, @ForAll boolean relu,
                             @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, SPARSITIES[sparsityIndex], rnd.nextBoolean(), null);
        GatherCsrMatrix a = GatherCsrMatrix.from(w, rows, cols, mask);
        long kept = 0;
        for (boolean b : mask) if (b) kept++;
        assertEquals(kept, a.nonZeros());
        SparseMatrixPropertiesTest.assertProductMatchesReference(a, Fixtures.masked(w, mask), batched ? 3 : 1, Fixtures.POOLS[pool],
                withBias, relu, rnd);
        assertArrayEquals(Fixtures.masked(w, mask), a.toDense());
    }

    @Test
    void rowsArePaddedToWholeVectors() {
        float[] w = new float[3 * 40];
        for (int c = 0; c < 17; c++) w[c] = c + 1; // row 0: 17 entries; row 1 empty; row 2: one entry
        w[2 * 40 + 39] = 5f;
        GatherCsrMatrix a = GatherCsrMatrix.from(w, 3, 40);
        int l = GatherCsrMatrix.LANES;
        assertEquals((17 + l - 1) / l * l, a.rowPtr[1]);
        assertEquals(a.rowPtr[1], a.rowPtr[2], "an empty row holds no entries");
        assertEquals(a.rowPtr[2] + l, a.rowPtr[3]);
        for (int p = a.rowPtr[2]; p < a.rowPtr[3]; p++) assertEquals(39, a.columns[p], "padding reads the row's own last column");
        assertTrue(a.byteSize() > 8L * 18, "4-byte values and columns");
    }
}
