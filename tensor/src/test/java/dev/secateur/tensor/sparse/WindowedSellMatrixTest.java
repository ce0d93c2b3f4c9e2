package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * wsell16's layout: each window's lane map places every row of a band in exactly one lane of one
 * group, and regrouping the rows per window keeps the padding well below fixed 16-row slices'.
 */
class WindowedSellMatrixTest {
    @Test
    void eachWindowMapsTheBandsRowsOntoDistinctLanes() {
        SplittableRandom rnd = new SplittableRandom(7);
        int rows = 150, cols = 200;
        WindowedSellMatrix a = WindowedSellMatrix.from(Fixtures.weights(rnd, rows * cols), rows, cols,
                Fixtures.mask(rnd, rows, cols, 0.9, false, null));
        int bands = (rows + WindowedSellMatrix.BAND - 1) / WindowedSellMatrix.BAND;
        assertEquals(bands * a.windows * WindowedSellMatrix.BAND, a.laneMap.length);
        for (int m = 0; m < bands * a.windows; m++) {
            boolean[] seen = new boolean[WindowedSellMatrix.BAND];
            for (int i = 0; i < WindowedSellMatrix.BAND; i++) {
                int at = a.laneMap[m * WindowedSellMatrix.BAND + i];
                assertTrue(at >= 0 && at < WindowedSellMatrix.BAND && !seen[at], "lane " + at + " of window block " + m);
                seen[at] = true;
            }
        }
    }

    /** On a random mask at 90% sparsity fixed slices pad to about 1.7× the kept weights; per-window groups to about 1.25×. */
    @Test
    void regroupingPerWindowKeepsThePaddingLow() {
        SplittableRandom rnd = new SplittableRandom(11);
        int rows = 512, cols = 1024;
        boolean[] mask = new boolean[rows * cols];
        for (int i = 0; i < mask.length; i++) mask[i] = rnd.nextDouble() < 0.1;
        WindowedSellMatrix a = WindowedSellMatrix.from(Fixtures.weights(rnd, rows * cols), rows, cols, mask);
        double padding = a.values.length / (double) a.nonZeros();
        assertTrue(padding > 1.0 && padding < 1.35, "slots hold " + padding + "x the kept weights");
    }
}
