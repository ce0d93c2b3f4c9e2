package dev.secateur.nn.compiled;

import dev.secateur.tensor.ops.Conv2dOps;
import dev.secateur.tensor.ops.ConvGeometry;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Im2colTest {
    /** The row-subset im2col equals the full im2col of tensor.ops restricted to those rows. */
    @Property(tries = 150)
    void subsetRowsMatchFullIm2col(@ForAll @IntRange(min = 1, max = 3) int inC, @ForAll @IntRange(min = 1, max = 9) int h,
                                   @ForAll @IntRange(min = 1, max = 9) int w, @ForAll @IntRange(min = 1, max = 4) int k,
                                   @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
                                   @ForAll long seed) {
        if (k > h + 2 * pad || k > w + 2 * pad) return;
        ConvGeometry g = new ConvGeometry(inC, h, w, 2, k, k, stride, pad);
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[g.inputSize() + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(0.5, 1.5);
        float[] full = new float[g.colSize()];
        Conv2dOps.im2col(g, x, 3, full, 0);
        int[] sel = r.ints(0, g.colRows()).distinct().limit(1 + r.nextInt(g.colRows())).sorted().toArray();
        int hw = g.colCols();
        float[] sub = new float[sel.length * hw];
        java.util.Arrays.fill(sub, Float.NaN);
        Im2col.rows(g, sel, x, 3, sub, 0);
        for (int i = 0; i < sel.length; i++) {
            for (int j = 0; j < hw; j++) assertEquals(full[sel[i] * hw + j], sub[i * hw + j], g + " row " + sel[i] + " col " + j);
        }
        float[] all = new float[g.colSize()];
        Im2col.rows(g, null, x, 3, all, 0);
        for (int i = 0; i < all.length; i++) assertEquals(full[i], all[i], g + " element " + i);
    }
}
