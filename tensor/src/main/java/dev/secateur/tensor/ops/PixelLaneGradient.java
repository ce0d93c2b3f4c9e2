package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient with output pixels in the lanes: the output gradient is laid out in the
 * padded planes' row stride (zeros in the extra columns), so every (filter, tap) pair is a dot
 * product of two contiguous slices. A register block is {@link #FILTERS} filters × {@link #TAPS}
 * taps: per pixel vector it loads each filter's gradient and each tap's input once and does every
 * pairing's FMA (3 + 8 loads for 24 FMAs with 32 vector registers, 2 + 4 for 8 with 16). Images
 * are laid out {@link #CHUNK} at a time and each block sums over all of them before its lanes are
 * added up, so the horizontal sums are paid once per chunk; they are what makes this form lose on
 * small planes. Blocks past the last filter or tap repeat the last one, and their sums are dropped.
 */
final class PixelLaneGradient implements ConvWeightGradient.Strategy {
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    private static final boolean WIDE = VectorPlatform.REGISTERS >= 32;
    /** Filters per register block. */
    static final int FILTERS = WIDE ? 3 : 2;
    /** Taps per register block. */
    static final int TAPS = WIDE ? 8 : 4;
    /** Images laid out together before the blocks sum over them. */
    static final int CHUNK = 8;

    private final ConvGeometry g;
    private final PaddedImage image;
    private final int[] offsets;
    /** One image's output gradient per filter, in the padded row stride, rounded up to whole vectors. */
    private final int pixels;

    PixelLaneGradient(ConvGeometry g, PaddedImage image, int[] offsets) {
        this.g = g;
        this.image = image;
        this.offsets = offsets;
        this.pixels = (g.outH() * image.rowStride() + L - 1) / L * L;
    }

    @Override
    public long slotFloats(int images) {
        int chunk = Math.min(CHUNK, Math.max(1, images));
        return (long) chunk * image.floats() + (long) chunk * g.outC() * pixels + (long) FILTERS * TAPS * L;
    }

    /** Adds images {@code [n0, n1)}'s gradient into {@code acc[accOff ..]}; {@code base}: this range's scratch. */
    @Override
    public void range(int n0, int n1, float[] x, int xOff, float[] dy, int dyOff, float[] acc, int accOff, float[] ws, int base) {
        int outC = g.outC(), taps = g.colRows(), in = g.inputSize(), out = g.outputSize();
        int xpFloats = image.floats(), dyFloats = outC * pixels;
        int chunkMax = Math.min(CHUNK, n1 - n0);
        int xpBase = base, dyBase = xpBase + chunkMax * xpFloats, sums = dyBase + chunkMax * dyFloats;
        for (int n = n0; n < n1; n += CHUNK) {
            int count = Math.min(CHUNK, n1 - n);
            for (int q = 0; q < count; q++) {
                image.pad(x, xOff + (n + q) * in, ws, xpBase + q * xpFloats);
                spread(dy, dyOff + (n + q) * out, ws, dyBase + q * dyFloats);
            }
            for (int f = 0; f < outC; f += FILTERS) {
                for (int t = 0; t < taps; t += TAPS) {
                    if (WIDE) block3x8(ws, xpBase, xpFloats, dyBase, dyFloats, count, f, t, sums);
                    else block2x4(ws, xpBase, xpFloats, dyBase, dyFloats, count, f, t, sums);
                    for (int bf = 0; bf < FILTERS && f + bf < outC; bf++) {
                        for (int bt = 0; bt < TAPS && t + bt < taps; bt++) {
                            int s0 = sums + (bf * TAPS + bt) * L;
                            float s = 0f;
                            for (int l = 0; l < L; l++) s += ws[s0 + l];
                            acc[accOff + (f + bf) * taps + t + bt] += s;
                        }
                    }
                }
            }
        }
    }

    /** One image's output gradient into the padded row stride: zeros in the extra columns and after the last row. */
    private void spread(float[] dy, int dyOff, float[] dst, int at) {
        int outH = g.outH(), outW = g.outW(), wq = image.rowStride(), plane = outH * outW;
        java.util.Arrays.fill(dst, at, at + g.outC() * pixels, 0f);
        for (int f = 0; f < g.outC(); f++) {
            for (int r = 0; r < outH; r++) System.arraycopy(dy, dyOff + f * plane + r * outW, dst, at + f * pixels + r * wq, outW);
        }
    }

    /** Three filters × eight taps over {@code count} images; the 24 lane sums go to {@code ws[sums ..]}. */
    private void block3x8(float[] ws, int xpBase, int xpFloats, int dyBase, int dyFloats, int count, int f, int t, int sums) {
        int last = g.outC() - 1;
        int f0 = f * pixels, f1 = Math.min(f + 1, last) * pixels, f2 = Math.min(f + 2, last) * pixels;
        int o0 = offsets[t], o1 = offsets[t + 1], o2 = offsets[t + 2], o3 = offsets[t + 3], o4 = offsets[t + 4],
                o5 = offsets[t + 5], o6 = offsets[t + 6], o7 = offsets[t + 7];
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00, a06 = a00, a07 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a15 = a00, a16 = a00, a17 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a25 = a00, a26 = a00, a27 = a00;
        for (int q = 0; q < count; q++) {
            int xb = xpBase + q * xpFloats, db = dyBase + q * dyFloats;
            for (int p = 0; p < pixels; p += L) {
                FloatVector d0 = FloatVector.fromArray(S, ws, db + f0 + p);
                FloatVector d1 = FloatVector.fromArray(S, ws, db + f1 + p);
                FloatVector d2 = FloatVector.fromArray(S, ws, db + f2 + p);
                FloatVector v = FloatVector.fromArray(S, ws, xb + o0 + p);
                a00 = FMA ? v.fma(d0, a00) : v.mul(d0).add(a00);
                a10 = FMA ? v.fma(d1, a10) : v.mul(d1).add(a10);
                a20 = FMA ? v.fma(d2, a20) : v.mul(d2).add(a20);
                v = FloatVector.fromArray(S, ws, xb + o1 + p);
                a01 = FMA ? v.fma(d0, a01) : v.mul(d0).add(a01);
                a11 = FMA ? v.fma(d1, a11) : v.mul(d1).add(a11);
                a21 = FMA ? v.fma(d2, a21) : v.mul(d2).add(a21);
                v = FloatVector.fromArray(S, ws, xb + o2 + p);
                a02 = FMA ? v.fma(d0, a02) : v.mul(d0).add(a02);
                a12 = FMA ? v.fma(d1, a12) : v.mul(d1).add(a12);
                a22 = FMA ? v.fma(d2, a22) : v.mul(d2).add(a22);
                v = FloatVector.fromArray(S, ws, xb + o3 + p);
                a03 = FMA ? v.fma(d0, a03) : v.mul(d0).add(a03);
                a13 = FMA ? v.fma(d1, a13) : v.mul(d1).add(a13);
                a23 = FMA ? v.fma(d2, a23) : v.mul(d2).add(a23);
                v = FloatVector.fromArray(S, ws, xb + o4 + p);
                a04 = FMA ? v.fma(d0, a04) : v.mul(d0).add(a04);
                a14 = FMA ? v.fma(d1, a14) : v.mul(d1).add(a14);
                a24 = FMA ? v.fma(d2, a24) : v.mul(d2).add(a24);
                v = FloatVector.fromArray(S, ws, xb + o5 + p);
                a05 = FMA ? v.fma(d0, a05) : v.mul(d0).add(a05);
                a15 = FMA ? v.fma(d1, a15) : v.mul(d1).add(a15);
                a25 = FMA ? v.fma(d2, a25) : v.mul(d2).add(a25);
                v = FloatVector.fromArray(S, ws, xb + o6 + p);
                a06 = FMA ? v.fma(d0, a06) : v.mul(d0).add(a06);
                a16 = FMA ? v.fma(d1, a16) : v.mul(d1).add(a16);
                a26 = FMA ? v.fma(d2, a26) : v.mul(d2).add(a26);
                v = FloatVector.fromArray(S, ws, xb + o7 + p);
                a07 = FMA ? v.fma(d0, a07) : v.mul(d0).add(a07);
                a17 = FMA ? v.fma(d1, a17) : v.mul(d1).add(a17);
                a27 = FMA ? v.fma(d2, a27) : v.mul(d2).add(a27);
            }
        }
        a00.intoArray(ws, sums);
        a01.intoArray(ws, sums + L);
        a02.intoArray(ws, sums + 2 * L);
        a03.intoArray(ws, sums + 3 * L);
        a04.intoArray(ws, sums + 4 * L);
        a05.intoArray(ws, sums + 5 * L);
        a06.intoArray(ws, sums + 6 * L);
        a07.intoArray(ws, sums + 7 * L);
        a10.intoArray(ws, sums + 8 * L);
        a11.intoArray(ws, sums + 9 * L);
        a12.intoArray(ws, sums + 10 * L);
        a13.intoArray(ws, sums + 11 * L);
        a14.intoArray(ws, sums + 12 * L);
        a15.intoArray(ws, sums + 13 * L);
        a16.intoArray(ws, sums + 14 * L);
        a17.intoArray(ws, sums + 15 * L);
        a20.intoArray(ws, sums + 16 * L);
        a21.intoArray(ws, sums + 17 * L);
        a22.intoArray(ws, sums + 18 * L);
        a23.intoArray(ws, sums + 19 * L);
        a24.intoArray(ws, sums + 20 * L);
        a25.intoArray(ws, sums + 21 * L);
        a26.intoArray(ws, sums + 22 * L);
        a27.intoArray(ws, sums + 23 * L);
    }

    /** Two filters × four taps (16 vector registers). */
    private void block2x4(float[] ws, int xpBase, int xpFloats, int dyBase, int dyFloats, int count, int f, int t, int sums) {
        int last = g.outC() - 1;
        int f0 = f * pixels, f1 = Math.min(f + 1, last) * pixels;
        int o0 = offsets[t], o1 = offsets[t + 1], o2 = offsets[t + 2], o3 = offsets[t + 3];
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        for (int q = 0; q < count; q++) {
            int xb = xpBase + q * xpFloats, db = dyBase + q * dyFloats;
            for (int p = 0; p < pixels; p += L) {
                FloatVector d0 = FloatVector.fromArray(S, ws, db + f0 + p);
                FloatVector d1 = FloatVector.fromArray(S, ws, db + f1 + p);
                FloatVector v = FloatVector.fromArray(S, ws, xb + o0 + p);
                a00 = FMA ? v.fma(d0, a00) : v.mul(d0).add(a00);
                a10 = FMA ? v.fma(d1, a10) : v.mul(d1).add(a10);
                v = FloatVector.fromArray(S, ws, xb + o1 + p);
                a01 = FMA ? v.fma(d0, a01) : v.mul(d0).add(a01);
                a11 = FMA ? v.fma(d1, a11) : v.mul(d1).add(a11);
                v = FloatVector.fromArray(S, ws, xb + o2 + p);
                a02 = FMA ? v.fma(d0, a02) : v.mul(d0).add(a02);
                a12 = FMA ? v.fma(d1, a12) : v.mul(d1).add(a12);
                v = FloatVector.fromArray(S, ws, xb + o3 + p);
                a03 = FMA ? v.fma(d0, a03) : v.mul(d0).add(a03);
                a13 = FMA ? v.fma(d1, a13) : v.mul(d1).add(a13);
            }
        }
        a00.intoArray(ws, sums);
        a01.intoArray(ws, sums + L);
        a02.intoArray(ws, sums + 2 * L);
        a03.intoArray(ws, sums + 3 * L);
        a10.intoArray(ws, sums + TAPS * L);
        a11.intoArray(ws, sums + (TAPS + 1) * L);
        a12.intoArray(ws, sums + (TAPS + 2) * L);
        a13.intoArray(ws, sums + (TAPS + 3) * L);
    }
}
