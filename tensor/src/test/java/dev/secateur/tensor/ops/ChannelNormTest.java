package dev.secateur.tensor.ops;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static dev.secateur.tensor.ops.OpsTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class ChannelNormTest {
    /** Channel c of an NCHW tensor with planes of any length (vector bodies and tails), against float64 sums. */
    @Property(tries = 200)
    void passesMatchTheirDefinitions(@ForAll @IntRange(min = 1, max = 9) int n, @ForAll @IntRange(min = 1, max = 4) int channels,
                                     @ForAll @IntRange(min = 1, max = 70) int spatial, @ForAll @IntRange(min = 0, max = 3) int channel) {
        int c = channel % channels, stride = channels * spatial, off = 3 + c * spatial, size = 3 + n * stride;
        float[] x = random(1, size), g = random(2, size);
        double sum = 0;
        for (int s = 0; s < n; s++) for (int i = 0; i < spatial; i++) sum += x[off + s * stride + i];
        double mean = sum / ((long) n * spatial), sq = 0;
        for (int s = 0; s < n; s++) for (int i = 0; i < spatial; i++) { double d = x[off + s * stride + i] - (float) mean; sq += d * d; }
        double tol = 1e-5 * n * spatial;
        assertEquals(sum, ChannelNorm.sum(x, off, n, spatial, stride), tol);
        assertEquals(sq, ChannelNorm.squaredDeviations(x, off, n, spatial, stride, (float) mean), tol);

        float fm = (float) mean, inv = 1.3f, gamma = -0.7f, beta = 0.2f;
        float[] xh = random(3, size), y = random(4, size), xhBefore = xh.clone();
        ChannelNorm.normalize(x, off, n, spatial, stride, fm, inv, gamma, beta, xh, off, y, off);
        double[] sums = new double[3];
        ChannelNorm.gradientSums(g, off, xh, off, n, spatial, stride, sums, 1);
        double sg = 0, sgx = 0;
        float[] dx = random(5, size), dxBefore = dx.clone();
        ChannelNorm.inputGradient(g, off, xh, off, n, spatial, stride, 0.9f, 0.1f, -0.3f, dx, off);
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < spatial; i++) {
                int p = off + s * stride + i;
                double h = ((double) x[p] - fm) * inv;
                assertEquals(h, xh[p], 1e-5 * (1 + Math.abs(h)), "xh at " + p);
                assertEquals(h * gamma + beta, y[p], 1e-5 * (1 + Math.abs(h)), "y at " + p);
                sg += g[p];
                sgx += (double) g[p] * xh[p];
                assertEquals(0.9 * (g[p] - 0.1 - xh[p] * -0.3), dx[p], 1e-5 * (1 + Math.abs(g[p]) + Math.abs(xh[p])), "dx at " + p);
            }
        }
        assertEquals(sg, sums[1], tol);
        assertEquals(sgx, sums[2], tol);
        assertEquals(0.0, sums[0]);
        // Other channels and the gap before the first plane are left alone.
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < stride; i++) {
                int p = 3 + s * stride + i;
                boolean mine = i >= c * spatial && i < (c + 1) * spatial;
                if (!mine) {
                    assertEquals(xhBefore[p], xh[p], "xh outside the channel at " + p);
                    assertEquals(dxBefore[p], dx[p], "dx outside the channel at " + p);
                }
            }
        }
    }

    @Example
    void planesPastTheArrayAreRefusedWithTheirName() {
        float[] x = new float[40];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelNorm.sum(x, 0, 3, 16, 16));
        assertTrue(e.getMessage().contains("x has 40 floats") && e.getMessage().contains("3 planes of 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ChannelNorm.inputGradient(x, 0, x, 0, 2, 16, 16, 1f, 0f, 0f, new float[8], 0));
        assertTrue(e.getMessage().contains("dx"), e.getMessage());
    }
}
