package dev.secateur.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferenceConv;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The Winograd F(2×2, 3×3) convolution (fused bias, ReLU and 2×2 max pooling) against the float64
 * reference, within a bound derived from the transforms.
 *
 * <p>The bound, per output channel o and tile (first order in the unit roundoff u = 2⁻²⁴): every
 * entry of {@code V = Bᵀ·d·B} is a signed sum of 4 patch values, so {@code |V| ≤ 4·max|d|}; every
 * entry of {@code U = G·g·Gᵀ} is {@code Σ G_ia·g_ab·G_jb} with {@code |G_ia·G_jb| ≤ 1}, so
 * {@code |U| ≤ ‖g‖₁}; each of the 16 sums over c of {@code U·V} is exact to {@code γ(inC + 3)}
 * relative to {@code Σ_c |U||V|} (the rounding of U and V included); the output transform adds
 * 9 of them with coefficients ±1 in at most 4 more roundings, then the bias. So
 * {@code |ŷ − y| ≤ 9·4·(inC + 12)·u·Σ_c ‖g_oc‖₁·max|d_c| + 8u·|b_o|}, d_c the tile's 4×4 patch
 * (zero outside the image). ReLU and the 2×2 maximum are 1-Lipschitz, so the same bound holds
 * after them. A wrong transform or a misplaced tile misses it by orders of magnitude.
 */
class WinogradConvTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3)};
    private static final double U = Math.scalb(1.0, -24);

    @Property(tries = 300)
    void matchesTheReferenceConvolution(@ForAll @IntRange(min = 1, max = 40) int inC,
                                        @ForAll @IntRange(min = 3, max = 17) int inH,
                                        @ForAll @IntRange(min = 3, max = 17) int inW,
                                        @ForAll @IntRange(min = 1, max = 40) int outC,
                                        @ForAll @IntRange(min = 0, max = 1) int pad,
                                        @ForAll @IntRange(min = 1, max = 3) int batch,
                                        @ForAll @IntRange(min = 0, max = 1) int pool,
                                        @ForAll boolean withBias, @ForAll boolean relu, @ForAll boolean pooled,
                                        @ForAll @LongRange(min = 1) long seed) {
        check(new ConvGeometry(inC, inH, inW, outC, 3, 3, 1, pad), batch, POOLS[pool], withBias, relu, pooled, seed);
    }

    /** Up to 100 filters (every channel-group shape at every lane count) and padding 2 (a padding that adds whole tiles). */
    @Property(tries = 60)
    void matchesTheReferenceWithManyFilters(@ForAll @IntRange(min = 1, max = 20) int inC,
                                            @ForAll @IntRange(min = 1, max = 12) int size,
                                            @ForAll @IntRange(min = 41, max = 100) int outC,
                                            @ForAll @IntRange(min = 0, max = 2) int pad,
                                            @ForAll @IntRange(min = 0, max = 2) int pool,
                                            @ForAll boolean pooled,
                                            @ForAll @LongRange(min = 1) long seed) {
        if (size + 2 * pad < 3) return; // not a valid layer
        check(new ConvGeometry(inC, size, size, outC, 3, 3, 1, pad), 2, POOLS[pool], true, true, pooled, seed);
    }

    @Test
    void theModelLayersMatch() {
        ConvGeometry[] layers = {
                new ConvGeometry(1, 28, 28, 32, 3, 3, 1, 1), new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1),
                new ConvGeometry(64, 7, 7, 128, 3, 3, 1, 1), new ConvGeometry(22, 14, 14, 45, 3, 3, 1, 1),
                new ConvGeometry(45, 7, 7, 89, 3, 3, 1, 1)};
        long seed = 11;
        for (ConvGeometry g : layers) {
            for (boolean pooled : new boolean[] {false, true}) {
                check(g, 3, Workers.single(), true, true, pooled, seed++);
                check(g, 1, POOLS[1], true, false, pooled, seed++);
            }
        }
    }

    @Property(tries = 30)
    void resultsDoNotDependOnTheThreadCount(@ForAll @IntRange(min = 1, max = 40) int inC,
                                            @ForAll @IntRange(min = 3, max = 18) int size,
                                            @ForAll @IntRange(min = 1, max = 80) int outC,
                                            @ForAll @IntRange(min = 1, max = 5) int batch,
                                            @ForAll boolean pooled,
                                            @ForAll @LongRange(min = 1) long seed) {
        ConvGeometry g = new ConvGeometry(inC, size, size, outC, 3, 3, 1, 1);
        DenseConvolutionCheck.independentOfTheThreadCount(WinogradConv::from, POOLS, g, batch, pooled, seed);
    }

    @Test
    void onlyThreeByThreeStrideOneLayersApply() {
        assertTrue(WinogradConv.applies(new ConvGeometry(4, 9, 9, 8, 3, 3, 1, 0)));
        assertFalse(WinogradConv.applies(new ConvGeometry(4, 9, 9, 8, 3, 3, 2, 1)));
        assertFalse(WinogradConv.applies(new ConvGeometry(4, 9, 9, 8, 5, 5, 1, 2)));
        assertFalse(WinogradConv.suits(new ConvGeometry(4, 9, 9, 8, 3, 3, 1, 0)), "few input channels");
        assertTrue(WinogradConv.suits(new ConvGeometry(8, 9, 9, 8, 3, 3, 1, 0)));
        ConvGeometry g5 = new ConvGeometry(4, 9, 9, 8, 5, 5, 1, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> WinogradConv.from(g5, new float[g5.weightSize()], 0));
        assertTrue(e.getMessage().contains("3x3 kernel at stride 1"), e.getMessage());
        ConvGeometry g = new ConvGeometry(2, 5, 5, 3, 3, 3, 1, 1);
        e = assertThrows(IllegalArgumentException.class, () -> WinogradConv.from(g, new float[5], 0));
        assertTrue(e.getMessage().contains("weight needs 54 floats"), e.getMessage());
        WinogradConv conv = WinogradConv.from(g, new float[g.weightSize()], 0);
        float[] work = new float[conv.workspaceFloats(1)];
        e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Workers.single(), new float[10], 0, 1, new float[g.outputSize()], 0, null, false, false, work, 0));
        assertTrue(e.getMessage().contains("x needs 50 floats"), e.getMessage());
    }

    @Test
    void theWarmUpProxyRunsTheSameKernelOnASmallImage() {
        for (ConvGeometry g : new ConvGeometry[] {new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1), new ConvGeometry(45, 7, 7, 89, 3, 3, 1, 1)}) {
            WinogradConv conv = WinogradConv.from(g, new float[g.weightSize()], 0);
            Runnable proxy = conv.warmProxy();
            for (int i = 0; i < 3; i++) proxy.run();
            assertEquals(conv.warmKey(), WinogradConv.from(g, new float[g.weightSize()], 0).warmKey());
        }
    }

    /** One forward call (random weight, input, bias, offsets; NaN-filled workspace and output) against the reference within the bound. */
    private static void check(ConvGeometry g, int batch, Workers workers, boolean withBias, boolean relu, boolean pooled, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = DenseConvolutionCheck.random(rnd, g.weightSize());
        int wOff = rnd.nextInt(3);
        float[] wAt = new float[wOff + w.length];
        System.arraycopy(w, 0, wAt, wOff, w.length);
        WinogradConv conv = WinogradConv.from(g, wAt, wOff);
        float[] bias = withBias ? DenseConvolutionCheck.random(rnd, g.outC()) : null;
        int xOff = rnd.nextInt(4), yOff = rnd.nextInt(4), workOff = rnd.nextInt(4);
        float[] x = DenseConvolutionCheck.random(rnd, xOff + batch * g.inputSize());
        float[] work = new float[workOff + conv.workspaceFloats(workers.threads())];
        Arrays.fill(work, Float.NaN); // stale workspace contents must not leak into results
        int outSize = conv.outputSize(pooled);
        float[] y = new float[yOff + batch * outSize + 2];
        Arrays.fill(y, Float.NaN);
        conv.forward(workers, x, xOff, batch, y, yOff, bias, relu, pooled, work, workOff);

        float[] xs = Arrays.copyOfRange(x, xOff, x.length);
        double[] want = ReferenceConv.forward(g, batch, xs, w, bias);
        int oh = g.outH(), ow = g.outW(), ph = pooled ? oh / 2 : oh, pw = pooled ? ow / 2 : ow, k = pooled ? 2 : 1;
        double[] filterNorm = new double[g.outC() * g.inC()];
        for (int oc = 0; oc < filterNorm.length; oc++) {
            for (int t = 0; t < 9; t++) filterNorm[oc] += Math.abs(w[oc * 9 + t]);
        }
        for (int i = 0; i < batch; i++) {
            for (int o = 0; o < g.outC(); o++) {
                for (int py = 0; py < ph; py++) {
                    for (int px = 0; px < pw; px++) {
                        double e = Double.NEGATIVE_INFINITY;
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                double v = want[((i * g.outC() + o) * oh + py * k + a) * ow + px * k + b];
                                e = Math.max(e, relu ? Math.max(0, v) : v);
                            }
                        }
                        int ty = pooled ? py : py / 2, tx = pooled ? px : px / 2;
                        double sum = 0;
                        for (int c = 0; c < g.inC(); c++) sum += filterNorm[o * g.inC() + c] * patchMax(g, xs, i, c, ty, tx);
                        double tol = 36.0 * (g.inC() + 12) * U * sum + 8 * U * (bias == null ? 0 : Math.abs(bias[o])) + 1e-30;
                        float got = y[yOff + ((i * g.outC() + o) * ph + py) * pw + px];
                        if (!(Math.abs(got - e) <= tol)) {
                            fail(g + (pooled ? " pooled" : "") + " batch " + batch + " image " + i + " channel " + o + " (" + py + ", " + px
                                    + "): got " + got + ", want " + e + " (tol " + tol + ")");
                        }
                    }
                }
            }
        }
        assertTrue(Float.isNaN(y[yOff + batch * outSize]), "wrote past the output");
        if (yOff > 0) assertTrue(Float.isNaN(y[yOff - 1]), "wrote before the output");
    }

    /** The largest |x| of channel c's 4×4 patch of tile (ty, tx) (zero outside the image). */
    private static double patchMax(ConvGeometry g, float[] x, int image, int c, int ty, int tx) {
        double m = 0;
        int at = (image * g.inC() + c) * g.inH() * g.inW();
        for (int a = 0; a < 4; a++) {
            int iy = 2 * ty + a - g.pad();
            if (iy < 0 || iy >= g.inH()) continue;
            for (int b = 0; b < 4; b++) {
                int ix = 2 * tx + b - g.pad();
                if (ix >= 0 && ix < g.inW()) m = Math.max(m, Math.abs(x[at + iy * g.inW() + ix]));
            }
        }
        return m;
    }
}
