package dev.secateur.tensor.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The in-register transposes against plain index arithmetic (16-lane vectors only: elsewhere callers take other paths). */
class Transpose8x16Test {
    private static final float UNTOUCHED = 12345.5f;

    @Property(tries = 200)
    void columnsStoreEachHalfTileTransposed(@ForAll @IntRange(min = 16, max = 40) int stride,
                                                           @ForAll @IntRange(min = 8, max = 70) int ld,
                                                           @ForAll @IntRange(min = 0, max = 9) int d,
                                                           @ForAll @IntRange(min = 0, max = 1) int half,
                                                           @ForAll long seed) {
        if (!Transpose8x16.SUPPORTED) return;
        SplittableRandom rnd = new SplittableRandom(seed);
        int s = rnd.nextInt(5);
        float[] src = new float[s + 7 * stride + 16];
        for (int i = 0; i < src.length; i++) src[i] = (float) rnd.nextDouble(-2, 2);
        float[] dst = new float[d + 15 * ld + 8 + 8];
        java.util.Arrays.fill(dst, UNTOUCHED);

        Transpose8x16.columns(src, s, stride, dst, d, ld, half);

        float[] expected = new float[dst.length];
        java.util.Arrays.fill(expected, UNTOUCHED);
        for (int q = 8 * half; q < 8 * half + 8; q++) {
            for (int r = 0; r < 8; r++) {
                expected[d + q * ld + r] = src[s + r * stride + q];
            }
        }
        for (int i = 0; i < dst.length; i++) assertEquals(expected[i], dst[i], "dst[" + i + "]");
    }

    @Property(tries = 100)
    void rowsInterleaveEightRows(@ForAll @IntRange(min = 16, max = 40) int ld, @ForAll @IntRange(min = 0, max = 9) int d, @ForAll long seed) {
        if (!Transpose8x16.SUPPORTED) return;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[8 * ld];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-2, 2);
        float[] dst = new float[d + 128];
        Transpose8x16.strided(x, 0, ld, dst, d);
        for (int q = 0; q < 16; q++) for (int r = 0; r < 8; r++) assertEquals(x[r * ld + q], dst[d + q * 8 + r]);
    }
}
