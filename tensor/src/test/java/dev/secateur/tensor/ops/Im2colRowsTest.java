package dev.secateur.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.reference.ReferenceConv;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** im2col of a subset of patch rows, with a leading dimension, against the float64 reference im2col. */
class Im2colRowsTest {
    @Property(tries = 150)
    void selectedRowsMatchTheReference(@ForAll @IntRange(min = 1, max = 3) int inC, @ForAll @IntRange(min = 1, max = 19) int h,
                                       @ForAll @IntRange(min = 1, max = 37) int w, @ForAll @IntRange(min = 1, max = 4) int k,
                                       @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
                                       @ForAll @IntRange(min = 0, max = 5) int extraLd, @ForAll boolean all, @ForAll long seed) {
        if (k > h + 2 * pad || k > w + 2 * pad) return;
        ConvGeometry g = new ConvGeometry(inC, h, w, 2, k, k, stride, pad);
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[g.inputSize() + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(0.5, 1.5);
        double[] want = ReferenceConv.im2col(g, Arrays.copyOfRange(x, 3, x.length), 0);
        int[] sel = all ? null : r.ints(0, g.colRows()).distinct().limit(1 + r.nextInt(g.colRows())).sorted().toArray();
        int rows = sel == null ? g.colRows() : sel.length, hw = g.colCols(), ld = hw + extraLd;
        float[] col = new float[2 + rows * ld];
        Arrays.fill(col, Float.NaN); // every entry of a selected row is written (zeros included)
        Conv2dOps.im2col(g, sel, x, 3, col, 2, ld);
        for (int i = 0; i < rows; i++) {
            int row = sel == null ? i : sel[i];
            for (int j = 0; j < hw; j++) assertEquals((float) want[row * hw + j], col[2 + i * ld + j], g + " row " + row + " col " + j);
            for (int j = hw; j < ld && 2 + i * ld + j < col.length; j++) assertTrue(Float.isNaN(col[2 + i * ld + j]), "wrote past a row");
        }
    }

    @Test
    void badRowsAndSizesAreRefused() {
        ConvGeometry g = ConvGeometry.of(2, 5, 5, 1, 3, 1, 1);
        float[] x = new float[g.inputSize()], col = new float[g.colSize()];
        var e = assertThrows(IllegalArgumentException.class, () -> Conv2dOps.im2col(g, new int[] {18}, x, 0, col, 0, g.colCols()));
        assertTrue(e.getMessage().contains("patch row 18"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2dOps.im2col(g, null, x, 0, col, 0, g.colCols() - 1));
        assertTrue(e.getMessage().contains("leading dimension"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2dOps.im2col(g, null, x, 0, new float[5], 0, g.colCols()));
        assertTrue(e.getMessage().contains("col"), e.getMessage());
    }
}
