package dev.secateur.tensor.ops;

import dev.secateur.tensor.reference.ReferenceElementwise;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static dev.secateur.tensor.ops.Conv2dOpsTest.assertMessage;
import static dev.secateur.tensor.ops.OpsTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class ElementwiseTest {

    @Property(tries = 150)
    void binaryOpsMatchReference(@ForAll @IntRange(min = 0, max = 70) int n, @ForAll @IntRange(min = 0, max = 3) int off) {
        float[] a = random(1, n + off), b = random(2, n + off), y = new float[n + off];
        float[] as = Arrays.copyOfRange(a, off, a.length), bs = Arrays.copyOfRange(b, off, b.length);
        Elementwise.add(a, off, b, off, y, off, n);
        assertClose("add", ReferenceElementwise.add(as, bs), y, off, EPS);
        Elementwise.sub(a, off, b, off, y, off, n);
        assertClose("sub", ReferenceElementwise.sub(as, bs), ReferenceElementwise.add(absOf(as), absOf(bs)), y, off, EPS);
        Elementwise.mul(a, off, b, off, y, off, n);
        assertClose("mul", ReferenceElementwise.mul(as, bs), y, off, EPS);
        float[] yy = b.clone();
        Elementwise.axpy(-0.75f, a, off, yy, off, n);
        assertClose("axpy", ReferenceElementwise.axpy(-0.75, as, bs), ReferenceElementwise.axpy(0.75, absOf(as), absOf(bs)),
                yy, off, 2 * EPS);
        float[] s = a.clone();
        Elementwise.scale(3f, s, off, s, off, n); // in place
        double[] exp = new double[n];
        for (int i = 0; i < n; i++) exp[i] = 3.0 * as[i];
        assertClose("scale", exp, s, off, EPS);
    }

    @Property(tries = 150)
    void reluAndItsGradientMatchReference(@ForAll @IntRange(min = 0, max = 70) int n, @ForAll boolean inPlace) {
        float[] x = random(3, n), dy = random(4, n);
        float[] y = inPlace ? x.clone() : new float[n];
        if (inPlace) Elementwise.relu(y, 0, n);
        else Elementwise.relu(x, 0, y, 0, n);
        assertClose("relu", ReferenceElementwise.relu(x), y, 0, 0);
        float[] dx = inPlace ? dy.clone() : new float[n];
        Elementwise.reluBackward(y, 0, inPlace ? dx : dy, 0, dx, 0, n);
        assertClose("reluBackward", ReferenceElementwise.reluBackward(x, dy), dx, 0, 0);
    }

    @Property(tries = 100)
    void reluGradientAtZerosInfinitiesAndNans(@ForAll @IntRange(min = 0, max = 70) int n, @ForAll long seed) {
        float[] edges = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7fc00000), Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7f800001), 1f, -1f};
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n], dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = edges[r.nextInt(edges.length)];
            dy[i] = r.nextBoolean() ? edges[r.nextInt(edges.length)] : (float) r.nextGaussian();
        }
        float[] dx = new float[n];
        Elementwise.reluBackward(x, 0, dy, 0, dx, 0, n);
        for (int i = 0; i < n; i++) {
            float expected = x[i] > 0f ? dy[i] : 0f;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dx[i]), "reluBackward at x = " + x[i] + ", dy = " + dy[i]);
        }
    }

    @Property(tries = 150)
    void biasAddAndBiasGradientMatchReference(@ForAll @IntRange(min = 0, max = 5) int batch,
                                              @ForAll @IntRange(min = 1, max = 40) int channels,
                                              @ForAll @IntRange(min = 1, max = 40) int spatial) {
        int n = batch * channels * spatial;
        float[] y = random(5, n), b = random(6, channels + 1);
        float[] bs = Arrays.copyOfRange(b, 1, b.length);
        float[] r = y.clone();
        Elementwise.addBiasRows(r, 0, batch * channels, spatial, random(7, spatial), 0);
        assertClose("addBiasRows", ReferenceElementwise.addBiasRows(y, batch * channels, spatial, random(7, spatial)),
                ReferenceElementwise.addBiasRows(absOf(y), batch * channels, spatial, absOf(random(7, spatial))), r, 0, EPS);
        float[] c = y.clone();
        Elementwise.addBiasChannels(c, 0, batch, channels, spatial, b, 1);
        assertClose("addBiasChannels", ReferenceElementwise.addBiasChannels(y, batch, channels, spatial, bs),
                ReferenceElementwise.addBiasChannels(absOf(y), batch, channels, spatial, absOf(bs)), c, 0, EPS);

        float[] db0 = random(8, channels), db = db0.clone();
        Elementwise.sumChannels(y, 0, batch, channels, spatial, db, 0);
        double[] refC = ReferenceElementwise.sumChannels(y, batch, channels, spatial);
        double[] scaleC = ReferenceElementwise.sumChannels(absOf(y), batch, channels, spatial);
        for (int i = 0; i < channels; i++) {
            refC[i] += db0[i];
            scaleC[i] += Math.abs(db0[i]);
        }
        assertClose("sumChannels", refC, scaleC, db, 0, (batch * spatial + 2) * EPS);

        float[] dr0 = random(9, spatial), dr = dr0.clone();
        Elementwise.sumRows(y, 0, batch * channels, spatial, dr, 0);
        double[] refR = ReferenceElementwise.sumRows(y, batch * channels, spatial);
        double[] scaleR = ReferenceElementwise.sumRows(absOf(y), batch * channels, spatial);
        for (int i = 0; i < spatial; i++) {
            refR[i] += dr0[i];
            scaleR[i] += Math.abs(dr0[i]);
        }
        assertClose("sumRows", refR, scaleR, dr, 0, (batch * channels + 2) * EPS);
    }

    @Example
    void badInputIsRejected() {
        assertMessage(() -> Elementwise.add(new float[4], 0, new float[3], 0, new float[4], 0, 4), "b needs 4", "has 3");
        assertMessage(() -> Elementwise.relu(new float[4], 0, 5), "x needs 5");
        assertMessage(() -> Elementwise.scale(Float.NaN, new float[4], 0, new float[4], 0, 4), "alpha must be finite");
        assertMessage(() -> Elementwise.addBiasChannels(new float[12], 0, 2, 3, 2, new float[2], 0), "bias needs 3");
        assertMessage(() -> Elementwise.mul(new float[4], 0, new float[4], 0, new float[4], 0, -1), "n must be >= 0");
    }
}
