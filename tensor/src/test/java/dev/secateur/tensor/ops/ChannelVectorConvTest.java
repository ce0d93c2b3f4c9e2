package dev.secateur.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Workers;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The channel-vector convolution (fused bias, ReLU and 2×2 max pooling) against the float64 reference. */
class ChannelVectorConvTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3)};

    /** Up to 90 filters: every channel-group shape (4, 2 and 1 blocks of 4 to 16 lanes) and partial last blocks. */
    @Property(tries = 300)
    void matchesTheReferenceConvolution(@ForAll @IntRange(min = 1, max = 9) int inC,
                                        @ForAll @IntRange(min = 1, max = 15) int inH,
                                        @ForAll @IntRange(min = 1, max = 23) int inW,
                                        @ForAll @IntRange(min = 1, max = 90) int outC,
                                        @ForAll @IntRange(min = 1, max = 5) int kH,
                                        @ForAll @IntRange(min = 1, max = 5) int kW,
                                        @ForAll @IntRange(min = 0, max = 2) int pad,
                                        @ForAll @IntRange(min = 1, max = 3) int stride,
                                        @ForAll @IntRange(min = 1, max = 4) int batch,
                                        @ForAll @IntRange(min = 0, max = 2) int pool,
                                        @ForAll boolean withBias, @ForAll boolean relu, @ForAll boolean pooled,
                                        @ForAll @LongRange(min = 1) long seed) {
        if (kH > inH + 2 * pad || kW > inW + 2 * pad) return; // not a valid layer
        check(new ConvGeometry(inC, inH, inW, outC, kH, kW, stride, pad), batch, POOLS[pool], withBias, relu, pooled, seed);
    }

    @Test
    void theModelLayersMatch() {
        ConvGeometry[] layers = {
                new ConvGeometry(1, 28, 28, 32, 3, 3, 1, 1), new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1),
                new ConvGeometry(64, 7, 7, 128, 3, 3, 1, 1), new ConvGeometry(1, 28, 28, 6, 5, 5, 1, 2),
                new ConvGeometry(6, 14, 14, 16, 5, 5, 1, 0), new ConvGeometry(22, 14, 14, 45, 3, 3, 1, 1),
                new ConvGeometry(45, 7, 7, 89, 3, 3, 1, 1), new ConvGeometry(16, 16, 16, 32, 3, 3, 2, 1)};
        long seed = 7;
        for (ConvGeometry g : layers) {
            for (boolean pooled : new boolean[] {false, true}) {
                check(g, 3, Workers.single(), true, true, pooled, seed++);
                check(g, 1, POOLS[1], true, false, pooled, seed++);
            }
        }
    }

    private static void check(ConvGeometry g, int batch, Workers workers, boolean withBias, boolean relu, boolean pooled, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = random(rnd, g.weightSize());
        int wOff = rnd.nextInt(3);
        float[] wAt = new float[wOff + w.length];
        System.arraycopy(w, 0, wAt, wOff, w.length);
        ChannelVectorConv conv = ChannelVectorConv.from(g, wAt, wOff);
        float[] bias = withBias ? random(rnd, g.outC()) : null;
        int xOff = rnd.nextInt(4), yOff = rnd.nextInt(4), workOff = rnd.nextInt(4);
        float[] x = random(rnd, xOff + batch * g.inputSize());
        float[] work = new float[workOff + conv.workspaceFloats(workers.threads())];
        Arrays.fill(work, Float.NaN); // stale workspace contents must not leak into results
        int outSize = conv.outputSize(pooled);
        float[] y = new float[yOff + batch * outSize + 2];
        Arrays.fill(y, Float.NaN);
        conv.forward(workers, x, xOff, batch, y, yOff, bias, relu, pooled, work, workOff);

        float[] xs = Arrays.copyOfRange(x, xOff, x.length);
        ConvOutputCheck.matchesReference(g, batch, xs, w, bias, relu, pooled, y, yOff, outSize);
    }

    @Property(tries = 30)
    void resultsDoNotDependOnTheThreadCount(@ForAll @IntRange(min = 1, max = 6) int inC,
                                            @ForAll @IntRange(min = 3, max = 18) int size,
                                            @ForAll @IntRange(min = 1, max = 120) int outC,
                                            @ForAll @IntRange(min = 1, max = 5) int batch,
                                            @ForAll boolean pooled,
                                            @ForAll @LongRange(min = 1) long seed) {
        ConvGeometry g = new ConvGeometry(inC, size, size, outC, 3, 3, 1, 1);
        SplittableRandom rnd = new SplittableRandom(seed);
        ChannelVectorConv conv = ChannelVectorConv.from(g, random(rnd, g.weightSize()), 0);
        float[] x = random(rnd, batch * g.inputSize()), bias = random(rnd, outC);
        float[] first = null;
        for (Workers w : POOLS) {
            float[] y = new float[batch * conv.outputSize(pooled)];
            conv.forward(w, x, 0, batch, y, 0, bias, true, pooled, new float[conv.workspaceFloats(w.threads())], 0);
            if (first == null) first = y;
            else assertArrayEquals(first, y, "threads " + w.threads());
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        ConvGeometry g = new ConvGeometry(2, 5, 5, 3, 3, 3, 1, 1);
        ChannelVectorConv conv = ChannelVectorConv.from(g, new float[g.weightSize()], 0);
        float[] work = new float[conv.workspaceFloats(1)];
        var e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Workers.single(), new float[10], 0, 1, new float[g.outputSize()], 0, null, false, false, work, 0));
        assertTrue(e.getMessage().contains("x needs 50 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChannelVectorConv.from(g, new float[5], 0));
        assertTrue(e.getMessage().contains("weight needs 54 floats"), e.getMessage());
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }
}
