package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferencePooling;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static dev.secateur.tensor.ops.Conv2dOpsTest.assertMessage;
import static dev.secateur.tensor.ops.OpsTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class PoolingTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3)};

    static PoolGeometry geometry(int c, int h, int w, int kH, int kW, int stride, int pad) {
        int p = Math.min(pad, Math.min(kH, kW) / 2);
        return new PoolGeometry(c, h, w, Math.min(kH, h + 2 * p), Math.min(kW, w + 2 * p), stride, p);
    }

    @Property(tries = 150)
    void poolingMatchesItsDefinition(
            @ForAll @IntRange(min = 1, max = 4) int c, @ForAll @IntRange(min = 1, max = 13) int h,
            @ForAll @IntRange(min = 1, max = 13) int w, @ForAll @IntRange(min = 1, max = 4) int kH,
            @ForAll @IntRange(min = 1, max = 4) int kW, @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 2) int pad, @ForAll @IntRange(min = 0, max = 4) int batch,
            @ForAll @IntRange(min = 1, max = 3) int threads) {
        PoolGeometry g = geometry(c, h, w, kH, kW, stride, pad);
        Workers pool = POOLS[threads - 1];
        int in = batch * g.inputSize(), out = batch * g.outputSize();
        float[] x = random(1, in + 2);
        float[] xs = java.util.Arrays.copyOfRange(x, 2, x.length);
        float[] y = random(2, out + 1);
        int[] arg = new int[out + 3];
        Pooling.maxPool2dForward(pool, g, batch, x, 2, y, 1, arg, 3);
        double[] refMax = ReferencePooling.maxForward(g, batch, xs);
        for (int i = 0; i < out; i++) {
            assertEquals(refMax[i], y[1 + i], 0.0, "max " + i + " of " + g);
            assertEquals(y[1 + i], xs[arg[3 + i]], 0.0, "argmax points at the max");
        }
        float[] dy = random(3, out);
        float[] dx = random(4, in);
        Pooling.maxPool2dBackward(pool, g, batch, dy, 0, arg, 3, dx, 0);
        double[] refDx = ReferencePooling.maxBackward(g, batch, xs, dy);
        assertClose("max backward " + g, refDx, ReferencePooling.maxBackward(g, batch, xs, absOf(dy)), dx, 0, 16 * EPS);

        Pooling.avgPool2dForward(pool, g, batch, x, 2, y, 1);
        double[] refAvg = ReferencePooling.avgForward(g, batch, xs);
        assertClose("avg forward " + g, refAvg, ReferencePooling.avgForward(g, batch, absOf(xs)), y, 1,
                (g.kH() * g.kW() + 2) * EPS);
        Pooling.avgPool2dBackward(pool, g, batch, dy, 0, dx, 0);
        double[] refAvgDx = ReferencePooling.avgBackward(g, batch, dy);
        assertClose("avg backward " + g, refAvgDx, ReferencePooling.avgBackward(g, batch, absOf(dy)), dx, 0,
                (g.kH() * g.kW() + 2) * EPS);
    }

    @Property(tries = 100)
    void twoByTwoVectorPathMatchesItsDefinition(
            @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 2, max = 9) int h,
            @ForAll @IntRange(min = 2, max = 75) int w, @ForAll @IntRange(min = 1, max = 3) int batch,
            @ForAll boolean ties, @ForAll @IntRange(min = 0, max = 70) int spare) {
        PoolGeometry g = PoolGeometry.of(c, h, w, 2, 2, 0);
        int in = batch * g.inputSize(), out = batch * g.outputSize();
        float[] x = random(h * 100L + w, in + 1 + spare); // floats after the input move where whole-vector loads stop
        if (ties) for (int i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2); // many equal values
        float[] xs = java.util.Arrays.copyOfRange(x, 1, x.length);
        float[] y = new float[out];
        int[] arg = new int[out];
        Pooling.maxPool2dForward(Workers.single(), g, batch, x, 1, y, 0, arg, 0);
        double[] refMax = ReferencePooling.maxForward(g, batch, xs);
        float[] dy = random(5, out);
        float[] dx = random(6, in);
        Pooling.maxPool2dBackward(Workers.single(), g, batch, dy, 0, arg, 0, dx, 0);
        double[] refDx = ReferencePooling.maxBackward(g, batch, xs, dy);
        for (int i = 0; i < out; i++) assertEquals(refMax[i], y[i], 0.0, "max " + i + " of " + g);
        for (int i = 0; i < in; i++) assertEquals(refDx[i], dx[i], 0.0, "max backward " + i + " (first max wins) of " + g);
        Pooling.avgPool2dForward(Workers.single(), g, batch, x, 1, y, 0);
        assertClose("avg forward " + g, ReferencePooling.avgForward(g, batch, xs), ReferencePooling.avgForward(g, batch, absOf(xs)),
                y, 0, 6 * EPS);
        Pooling.avgPool2dBackward(Workers.single(), g, batch, dy, 0, dx, 0);
        assertClose("avg backward " + g, ReferencePooling.avgBackward(g, batch, dy), dx, 0, 0);
    }

    /** The vector loops load whole vectors only where they stay inside the array; the rows after take the scalar loop. */
    @Property(tries = 300)
    void wholeVectorRowsAreTheRowsWhoseLoadsStayInTheArray(
            @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 2, max = 9) int h,
            @ForAll @IntRange(min = 2, max = 75) int w, @ForAll @IntRange(min = 0, max = 2) int plane,
            @ForAll @IntRange(min = 0, max = 5) int xOff, @ForAll @IntRange(min = -200, max = 200) int spare) {
        PoolGeometry g = PoolGeometry.of(c, h, w, 2, 2, 0);
        int lanes = dev.secateur.tensor.platform.VectorPlatform.LANES;
        int p = Math.min(plane, c - 1);
        int length = Math.max(0, xOff + (p + 1) * h * w + spare);
        int rows = Pool2x2.wholeRows(g, p, xOff, length);
        int lastChunk = 2 * ((g.outW() - 1) / lanes * lanes);
        java.util.function.IntPredicate fits = oh -> xOff + p * h * w + (2 * oh + 1) * w + lastChunk + 2 * lanes <= length;
        assertTrue(rows >= 0 && rows <= g.outH(), "rows " + rows + " of " + g);
        for (int oh = 0; oh < g.outH(); oh++) assertEquals(oh < rows, fits.test(oh), "row " + oh + " of " + g + ", length " + length);
    }

    /** The forward pass without argmax (inference) keeps the same window maximum, bit for bit, signed zeros and NaNs included. */
    @Property(tries = 100)
    void twoByTwoMaxWithoutArgmaxIsTheSameMax(
            @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 2, max = 9) int h,
            @ForAll @IntRange(min = 2, max = 41) int w, @ForAll @IntRange(min = 1, max = 2) int batch, @ForAll long seed) {
        PoolGeometry g = PoolGeometry.of(c, h, w, 2, 2, 0);
        int in = batch * g.inputSize(), out = batch * g.outputSize();
        float[] edges = {0f, -0f, 1f, -1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN};
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[in];
        for (int i = 0; i < in; i++) x[i] = r.nextBoolean() ? edges[r.nextInt(edges.length)] : (float) r.nextGaussian();
        float[] withArg = new float[out], without = new float[out];
        int[] arg = new int[out];
        Pooling.maxPool2dForward(Workers.single(), g, batch, x, 0, withArg, 0, arg, 0);
        Pooling.maxPool2dForward(Workers.single(), g, batch, x, 0, without, 0, null, 0);
        for (int i = 0; i < out; i++) {
            assertEquals(Float.floatToRawIntBits(x[arg[i]]), Float.floatToRawIntBits(withArg[i]), "argmax points at the max " + i);
            assertEquals(Float.floatToRawIntBits(withArg[i]), Float.floatToRawIntBits(without[i]), "max " + i + " of " + g);
        }
    }

    @Example
    void paddingNeverWinsMaxPooling() {
        PoolGeometry g = PoolGeometry.of(1, 2, 2, 2, 1, 1);
        float[] x = {-5, -6, -7, -8};
        float[] y = new float[g.outputSize()];
        int[] arg = new int[g.outputSize()];
        Pooling.maxPool2dForward(Workers.single(), g, 1, x, 0, y, 0, arg, 0);
        assertArrayEquals(new float[]{-5, -5, -6, -5, -5, -6, -7, -7, -8}, y);
    }

    @Example
    void badInputIsRejected() {
        assertMessage(() -> PoolGeometry.of(1, 4, 4, 2, 2, 2), "padding must be between 0 and half the window");
        assertMessage(() -> PoolGeometry.of(1, 2, 2, 3, 1, 0), "larger than the padded input");
        PoolGeometry g = PoolGeometry.of(2, 4, 4, 2, 2, 0);
        int[] bad = new int[g.outputSize()];
        for (int i = 0; i < bad.length; i++) bad[i] = (i / 4) * 16; // a valid index in each output's plane
        bad[5] = 99;
        assertMessage(() -> Pooling.maxPool2dBackward(Workers.single(), g, 1, new float[8], 0, bad, 0, new float[32], 0),
                "argmax[5] = 99 is outside its plane");
        // Planes of 36 outputs: whole vectors of indices are checked at once, then scanned for the message.
        PoolGeometry wide = PoolGeometry.of(2, 12, 12, 2, 2, 0);
        for (int at : new int[] {0, 20, 35, 36, 57, 71}) {
            for (int value : new int[] {-1, 144, 1000, Integer.MIN_VALUE}) {
                int[] arg = new int[2 + wide.outputSize()];
                float[] x = random(at, wide.inputSize());
                Pooling.maxPool2dForward(Workers.single(), wide, 1, x, 0, new float[wide.outputSize()], 0, arg, 2);
                int planeStart = at < 36 ? 0 : 144;
                int bogus = value == 144 ? planeStart + 144 : value == -1 ? planeStart - 1 : value;
                arg[2 + at] = bogus;
                float[] dx = random(7, wide.inputSize()), before = dx.clone();
                assertMessage(() -> Pooling.maxPool2dBackward(Workers.single(), wide, 1, new float[wide.outputSize()], 0, arg, 2, dx, 0),
                        "argmax[" + (2 + at) + "] = " + bogus + " is outside its plane [" + planeStart + ", " + (planeStart + 144) + ")");
                assertArrayEquals(before, dx, "nothing written before the error");
            }
        }
        assertMessage(() -> Pooling.avgPool2dForward(Workers.single(), g, 2, new float[32], 0, new float[16], 0),
                "x needs 64");
    }
}
