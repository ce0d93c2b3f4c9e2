package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.ops.ConvOutputCheck;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The direct sparse convolution against the float64 reference convolution of the masked weight. */
class DirectSparseConvTest {
    private static final double[] SPARSITIES = {0.0, 0.5, 0.9, 0.99, 1.0};

    @Property(tries = 250)
    void matchesTheReferenceConvolution(@ForAll @IntRange(min = 1, max = 5) int inC,
                                        @ForAll @IntRange(min = 1, max = 21) int inH,
                                        @ForAll @IntRange(min = 1, max = 37) int inW,
                                        @ForAll @IntRange(min = 1, max = 20) int outC,
                                        @ForAll @IntRange(min = 1, max = 5) int kH,
                                        @ForAll @IntRange(min = 1, max = 5) int kW,
                                        @ForAll @IntRange(min = 0, max = 2) int pad,
                                        @ForAll @IntRange(min = 1, max = 3) int stride,
                                        @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                                        @ForAll @IntRange(min = 1, max = 4) int batch,
                                        @ForAll @IntRange(min = 0, max = 2) int pool,
                                        @ForAll boolean withBias, @ForAll boolean relu, @ForAll boolean pooled,
                                        @ForAll @LongRange(min = 1) long seed) {
        if (kH > inH + 2 * pad || kW > inW + 2 * pad) return; // not a valid layer
        ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kH, kW, stride, pad);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, g.weightSize());
        boolean[] mask = Fixtures.mask(rnd, outC, g.colRows(), SPARSITIES[sparsityIndex], rnd.nextBoolean(), null);
        DirectSparseConv conv = DirectSparseConv.from(g, w, mask);
        long kept = 0;
        for (boolean b : mask) if (b) kept++;
        assertEquals(kept, conv.nonZeros());
        float[] held = Fixtures.masked(w, mask);
        assertArrayEquals(held, conv.toDense(), "toDense gives back the masked weight");

        float[] bias = withBias ? Fixtures.weights(rnd, outC) : null;
        int xOff = rnd.nextInt(4), yOff = rnd.nextInt(4), wOff = rnd.nextInt(4);
        float[] x = Fixtures.weights(rnd, xOff + batch * g.inputSize());
        Workers workers = Fixtures.POOLS[pool];
        float[] work = new float[wOff + conv.workspaceFloats(workers.threads())];
        Arrays.fill(work, Float.NaN); // stale workspace contents must not leak into results
        int outSize = conv.outputSize(pooled);
        float[] y = new float[yOff + batch * outSize + 2];
        Arrays.fill(y, Float.NaN);
        conv.forward(workers, x, xOff, batch, y, yOff, bias, relu, pooled, work, wOff);

        float[] xs = Arrays.copyOfRange(x, xOff, x.length);
        ConvOutputCheck.matchesReference(g, batch, xs, held, bias, relu, pooled, y, yOff, outSize);
    }

    @Property(tries = 40)
    void resultsDoNotDependOnTheThreadCount(@ForAll @IntRange(min = 1, max = 4) int inC,
                                            @ForAll @IntRange(min = 3, max = 18) int size,
                                            @ForAll @IntRange(min = 1, max = 24) int outC,
                                            @ForAll @IntRange(min = 1, max = 5) int batch,
                                            @ForAll @IntRange(min = 1, max = 2) int stride,
                                            @ForAll @LongRange(min = 1) long seed) {
        ConvGeometry g = ConvGeometry.of(inC, size, size, outC, 3, stride, 1);
        SplittableRandom rnd = new SplittableRandom(seed);
        DirectSparseConv conv = DirectSparseConv.from(g, Fixtures.weights(rnd, g.weightSize()),
                Fixtures.mask(rnd, outC, g.colRows(), 0.8, true, null));
        float[] x = Fixtures.weights(rnd, batch * g.inputSize()), first = null;
        for (Workers pool : Fixtures.POOLS) {
            float[] y = new float[batch * g.outputSize()];
            conv.forward(pool, x, 0, batch, y, 0, null, true, new float[conv.workspaceFloats(pool.threads())], 0);
            if (first == null) first = y;
            else assertArrayEquals(first, y, "threads " + pool.threads());
        }
    }

    @Test
    void anEmptyFilterGivesItsActivatedBias() {
        ConvGeometry g = ConvGeometry.of(2, 5, 5, 2, 3, 1, 0);
        float[] w = new float[g.weightSize()];
        Arrays.fill(w, 0, g.colRows(), 0.5f); // filter 0 dense, filter 1 empty
        DirectSparseConv conv = DirectSparseConv.from(g, w);
        assertEquals(g.colRows(), conv.nonZeros());
        float[] x = new float[g.inputSize()];
        Arrays.fill(x, 1f);
        float[] y = new float[g.outputSize()];
        conv.forward(Workers.single(), x, 0, 1, y, 0, new float[] {0.25f, -2f}, true, new float[conv.workspaceFloats(1)], 0);
        for (int i = 0; i < 9; i++) assertEquals(0.5f * 18 + 0.25f, y[i], 1e-5f);
        for (int i = 9; i < 18; i++) assertEquals(0f, y[i]);
    }

    @Test
    void badInputIsRefusedWithTheProblemNamed() {
        ConvGeometry g = ConvGeometry.of(1, 8, 8, 2, 3, 1, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> DirectSparseConv.from(g, new float[5]));
        assertTrue(e.getMessage().contains("5 elements"), e.getMessage());
        DirectSparseConv conv = DirectSparseConv.from(g, new float[g.weightSize()]);
        float[] x = new float[g.inputSize()], y = new float[g.outputSize()];
        e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Workers.single(), x, 0, 1, y, 0, null, false, new float[10], 0));
        assertTrue(e.getMessage().contains("workspace"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Workers.single(), x, 0, 2, y, 0, null, false, new float[conv.workspaceFloats(1)], 0));
        assertTrue(e.getMessage().contains("x needs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Workers.single(), x, 0, 1, y, 0, new float[1], false, new float[conv.workspaceFloats(1)], 0));
        assertTrue(e.getMessage().contains("bias"), e.getMessage());
    }
}
