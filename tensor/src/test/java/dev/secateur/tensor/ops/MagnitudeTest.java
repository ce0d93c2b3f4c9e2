package dev.secateur.tensor.ops;

import dev.secateur.tensor.reference.ReferenceMagnitude;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static dev.secateur.tensor.ops.Conv2dOpsTest.assertMessage;
import static dev.secateur.tensor.ops.OpsTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class MagnitudeTest {

    /** Float32 chunk sums of positive terms: relative error at most ~chunk length × eps. */
    private static double tol(Norm norm, int n) {
        return norm == Norm.MAX_ABS ? 0 : (Math.min(n, Magnitude.CHUNK) + 4) * EPS;
    }

    @Property(tries = 150)
    void wholeRangeMatchesReference(@ForAll Norm norm, @ForAll @IntRange(min = 0, max = 9000) int n,
                                    @ForAll @IntRange(min = 0, max = 5) int off) {
        float[] x = random(n, n + off + 3);
        double ref = ReferenceMagnitude.whole(norm, x, off, n);
        assertEquals(ref, Magnitude.of(norm, x, off, n), tol(norm, n) * ref + 1e-30);
        double sq = ReferenceMagnitude.whole(Norm.L2, x, off, n);
        assertEquals(sq * sq, Magnitude.sumOfSquares(x, off, n), tol(Norm.L2, n) * sq * sq + 1e-30);
    }

    @Property(tries = 150)
    void perRowAndPerColumnMatchReference(@ForAll Norm norm, @ForAll @IntRange(min = 0, max = 40) int rows,
                                          @ForAll @IntRange(min = 0, max = 300) int cols, @ForAll boolean withBias) {
        float[] x = random(rows * 1000L + cols, rows * cols + 2);
        float[] xs = Arrays.copyOfRange(x, 2, x.length);
        float[] bias = withBias ? random(5, rows) : null;
        double[] out = new double[rows + 1];
        Magnitude.perRow(norm, x, 2, rows, cols, bias, out, 1);
        assertClose("perRow " + norm, ReferenceMagnitude.perRow(norm, xs, rows, cols, bias), out, 1, tol(norm, cols), 1e-30);
        double[] outC = new double[cols + 1];
        Magnitude.perColumn(norm, x, 2, rows, cols, outC, 1);
        assertClose("perColumn " + norm, ReferenceMagnitude.perColumn(norm, xs, rows, cols), outC, 1, tol(norm, rows), 1e-30);
    }

    @Property(tries = 150)
    void convWeightScoresMatchReference(@ForAll Norm norm, @ForAll @IntRange(min = 0, max = 17) int filters,
                                        @ForAll @IntRange(min = 1, max = 19) int channels,
                                        @ForAll @IntRange(min = 1, max = 5) int kH, @ForAll @IntRange(min = 1, max = 5) int kW,
                                        @ForAll boolean withBias) {
        int taps = kH * kW;
        float[] w = random(filters * 7L + channels, filters * channels * taps);
        float[] bias = withBias ? random(6, filters) : null;
        double[] out = new double[filters];
        Magnitude.perFilter(norm, w, 0, filters, channels, kH, kW, bias, out, 0);
        assertClose("perFilter " + norm, ReferenceMagnitude.perRow(norm, w, filters, channels * taps, bias), out, 0,
                tol(norm, channels * taps), 1e-30);
        double[] outCh = new double[channels];
        Magnitude.perInputChannel(norm, w, 0, filters, channels, kH, kW, outCh, 0);
        assertClose("perInputChannel " + norm, ReferenceMagnitude.perInputChannel(norm, w, filters, channels, taps), outCh,
                0, tol(norm, filters * taps), 1e-30);
        Magnitude.perFilterMaxTap(w, 0, filters, channels, kH, kW, bias, out, 0);
        assertClose("perFilterMaxTap", ReferenceMagnitude.perFilterMaxTap(w, filters, channels, taps, bias), out, 0,
                channels * EPS, 1e-30);
    }

    @Property(tries = 150)
    void blockScoresMatchReferenceIncludingPartialEdgeBlocks(
            @ForAll Norm norm, @ForAll @IntRange(min = 0, max = 37) int rows, @ForAll @IntRange(min = 0, max = 70) int cols,
            @ForAll @IntRange(min = 1, max = 9) int br, @ForAll @IntRange(min = 1, max = 20) int bc) {
        float[] x = random(rows * 100L + cols, rows * cols);
        int nb = Magnitude.blockCount(rows, br) * Magnitude.blockCount(cols, bc);
        double[] out = new double[nb];
        Magnitude.perBlock(norm, x, 0, rows, cols, br, bc, out, 0);
        assertClose("perBlock " + norm, ReferenceMagnitude.perBlock(norm, x, rows, cols, br, bc), out, 0,
                tol(norm, br * bc), 1e-30);
    }

    @Example
    void tallMatricesCrossTheFloat32FlushBoundaries() {
        int rows = 601, cols = 37;
        float[] x = random(77, rows * cols);
        for (Norm norm : Norm.values()) {
            double[] outC = new double[cols];
            Magnitude.perColumn(norm, x, 0, rows, cols, outC, 0);
            assertClose("perColumn " + norm, ReferenceMagnitude.perColumn(norm, x, rows, cols), outC, 0, tol(norm, rows), 1e-30);
            int nb = Magnitude.blockCount(rows, 300) * Magnitude.blockCount(cols, 5);
            double[] outB = new double[nb];
            Magnitude.perBlock(norm, x, 0, rows, cols, 300, 5, outB, 0);
            assertClose("perBlock " + norm, ReferenceMagnitude.perBlock(norm, x, rows, cols, 300, 5), outB, 0,
                    tol(norm, 1500), 1e-30);
            double[] outCh = new double[cols];
            Magnitude.perInputChannel(norm, x, 0, rows, cols, 1, 1, outCh, 0);
            assertClose("perInputChannel " + norm, ReferenceMagnitude.perColumn(norm, x, rows, cols), outCh, 0,
                    tol(norm, rows), 1e-30);
        }
    }

    @Example
    void maxAbsOverSignedZerosInfinitiesAndNan() {
        for (int n : new int[]{3, 17, 70}) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (i % 3 == 0 ? -0.5f : 0.25f) * i;
            x[0] = -0f;
            double expected = 0;
            for (float v : x) expected = Math.max(expected, Math.abs((double) v));
            assertEquals(expected, Magnitude.of(Norm.MAX_ABS, x, 0, n), 0.0, "n = " + n);
            x[n / 2] = Float.NEGATIVE_INFINITY;
            assertEquals(Double.POSITIVE_INFINITY, Magnitude.of(Norm.MAX_ABS, x, 0, n), "-inf in " + n);
            x[n - 2] = Float.intBitsToFloat(0xffc00000);
            assertTrue(Double.isNaN(Magnitude.of(Norm.MAX_ABS, x, 0, n)), "NaN in " + n);
            assertEquals(0.0, Magnitude.of(Norm.MAX_ABS, new float[]{-0f, -0f, -0f, -0f, -0f}, 0, 5), 0.0);
        }
    }

    @Example
    void seedScoreAddsAbsoluteBias() {
        float[] w = {1, -2, 3, -4};
        double[] out = new double[2];
        Magnitude.perRow(Norm.L1, w, 0, 2, 2, new float[]{-0.5f, 0.25f}, out, 0);
        assertArrayEquals(new double[]{3.5, 7.25}, out);
    }

    @Example
    void badInputIsRejected() {
        assertMessage(() -> Magnitude.perRow(Norm.L1, new float[10], 0, 3, 4, null, new double[3], 0), "x needs 12", "rows=3, cols=4");
        assertMessage(() -> Magnitude.perRow(Norm.L1, new float[12], 0, 3, 4, new float[2], new double[3], 0), "bias needs 3");
        assertMessage(() -> Magnitude.perBlock(Norm.L2, new float[12], 0, 3, 4, 0, 2, new double[6], 0), "block sizes must be >= 1");
        assertMessage(() -> Magnitude.perBlock(Norm.L2, new float[12], 0, 3, 4, 2, 3, new double[3], 0), "out needs 4");
        assertMessage(() -> Magnitude.of(null, new float[1], 0, 1), "norm is null");
        assertMessage(() -> Magnitude.perColumn(Norm.L1, new float[12], 0, -3, 4, new double[4], 0), "negative size -3");
    }
}
