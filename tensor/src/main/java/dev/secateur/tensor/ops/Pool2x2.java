package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector kernels for the most common pooling window, 2×2 with stride 2 and no padding, one plane
 * at a time. Two input rows are loaded 2·L values at a time and split into even and odd columns,
 * so each window's four values sit in the same lane of four vectors. Results (ties included:
 * the first maximum in row-major order wins) are identical to the generic loops in
 * {@link Pooling}, which the branchy scalar max made several times slower on random data.
 *
 * <p>Where float compare and blend or two-vector permutes are no instructions (x86 without AVX)
 * the vector loops run as Java code; there each window is four scalar loads instead, in the same
 * order with the same results.
 */
final class Pool2x2 {
    private Pool2x2() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = F.length();
    /**
     * Even (odd) lanes of one vector then of the next: one two-vector permute each (a two-vector
     * rearrange is two and a blend), written out where used, since a helper returning the vector
     * boxes it wherever the JIT leaves the helper out of line.
     */
    private static final IntVector EVEN_I = IntVector.zero(I).addIndex(2), ODD_I = EVEN_I.add(1);
    private static final VectorShuffle<Float> DUP_LO = VectorShuffle.fromOp(F, i -> i / 2);
    private static final VectorShuffle<Float> DUP_HI = VectorShuffle.fromOp(F, i -> L / 2 + i / 2);
    private static final IntVector IOTA2 = IntVector.zero(I).addIndex(2);
    private static final VectorMask<Float> ALL = F.maskAll(true);
    private static final boolean VECTOR = VectorPlatform.FLOAT_MAX && VectorPlatform.PERMUTES;

    static boolean applies(PoolGeometry g) {
        return g.kH() == 2 && g.kW() == 2 && g.stride() == 2 && g.pad() == 0 && I.length() == L;
    }

    /** Max pool of plane {@code p}; argmax (nullable) gets indices relative to {@code xOff}. */
    static void max(PoolGeometry g, int p, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff) {
        int rows = VECTOR ? wholeRows(g, p, xOff, x.length) : 0;
        if (rows > 0) maxVector(g, p, rows, x, xOff, y, yOff, argmax, argOff);
        if (argmax == null) maxValues(g, p, rows, x, xOff, y, yOff);
        else maxWithArgmax(g, p, rows, x, xOff, y, yOff, argmax, argOff);
    }

    /**
     * Pooled rows {@code [0, rows)} of plane {@code p}. Inputs are loaded as whole vectors, the
     * lanes past a row's last window reading the next row (they are never stored): masked loads
     * were the slow part of this loop.
     */
    private static void maxVector(PoolGeometry g, int p, int rows, float[] x, int xOff, float[] y, int yOff,
                                  int[] argmax, int argOff) {
        int inW = g.inW(), outH = g.outH(), outW = g.outW();
        int planeRel = p * g.inH() * inW, outPlane = p * outH * outW;
        // Masks are made once per plane: making one from bits is library code.
        VectorMask<Float> outTail = lanes(0, outW - (outW - 1) / L * L);
        for (int oh = 0; oh < rows; oh++) {
            int rowRel = planeRel + 2 * oh * inW, r0 = xOff + rowRel, r1 = r0 + inW, o = outPlane + oh * outW;
            for (int ow = 0; ow < outW; ow += L) {
                int c = 2 * ow;
                VectorMask<Float> out = ow + L >= outW ? outTail : ALL;
                IntVector a0 = FloatVector.fromArray(F, x, r0 + c).reinterpretAsInts();
                IntVector a1 = FloatVector.fromArray(F, x, r0 + c + L).reinterpretAsInts();
                IntVector b0 = FloatVector.fromArray(F, x, r1 + c).reinterpretAsInts();
                IntVector b1 = FloatVector.fromArray(F, x, r1 + c + L).reinterpretAsInts();
                FloatVector e0 = EVEN_I.selectFrom(a0, a1).reinterpretAsFloats();
                FloatVector o0 = ODD_I.selectFrom(a0, a1).reinterpretAsFloats();
                FloatVector e1 = EVEN_I.selectFrom(b0, b1).reinterpretAsFloats();
                FloatVector o1 = ODD_I.selectFrom(b0, b1).reinterpretAsFloats();
                VectorMask<Float> m1 = o0.compare(VectorOperators.GT, e0);
                FloatVector best = e0.blend(o0, m1);
                VectorMask<Float> m2 = e1.compare(VectorOperators.GT, best);
                best = best.blend(e1, m2);
                VectorMask<Float> m3 = o1.compare(VectorOperators.GT, best);
                best.blend(o1, m3).intoArray(y, yOff + o + ow, out);
                if (argmax != null) {
                    IntVector off = IntVector.zero(I).blend(1, m1.cast(I)).blend(inW, m2.cast(I)).blend(inW + 1, m3.cast(I));
                    IOTA2.add(rowRel + c).add(off).intoArray(argmax, argOff + o + ow, out.cast(I));
                }
            }
        }
    }

    /**
     * How many of plane {@code p}'s pooled rows, from the first, the vector loops can load whole:
     * the last chunk of a row reads 2·L floats of each of its two input rows.
     */
    static int wholeRows(PoolGeometry g, int p, int xOff, int xLength) {
        int inW = g.inW(), outW = g.outW();
        long lastChunk = 2L * ((outW - 1) / L * L);
        long spare = (long) xLength - xOff - (long) p * g.inH() * inW - inW - lastChunk - 2L * L;
        if (spare < 0) return 0;
        return (int) Math.min(g.outH(), spare / (2L * inW) + 1);
    }

    /** Average pool of plane {@code p}: {@code (((x00 + x01) + x10) + x11) * 0.25}, the generic order. */
    static void avg(PoolGeometry g, int p, float[] x, int xOff, float[] y, int yOff) {
        int rows = VECTOR ? wholeRows(g, p, xOff, x.length) : 0;
        if (rows > 0) avgVector(g, p, rows, x, xOff, y, yOff);
        avgScalar(g, p, rows, x, xOff, y, yOff);
    }

    /** Pooled rows {@code [0, rows)} of plane {@code p}, whole-vector loads as in {@link #maxVector}. */
    private static void avgVector(PoolGeometry g, int p, int rows, float[] x, int xOff, float[] y, int yOff) {
        int inW = g.inW(), outH = g.outH(), outW = g.outW();
        int plane = xOff + p * g.inH() * inW, outPlane = yOff + p * outH * outW;
        VectorMask<Float> outTail = lanes(0, outW - (outW - 1) / L * L);
        for (int oh = 0; oh < rows; oh++) {
            int r0 = plane + 2 * oh * inW, r1 = r0 + inW, o = outPlane + oh * outW;
            for (int ow = 0; ow < outW; ow += L) {
                int c = 2 * ow;
                IntVector a0 = FloatVector.fromArray(F, x, r0 + c).reinterpretAsInts();
                IntVector a1 = FloatVector.fromArray(F, x, r0 + c + L).reinterpretAsInts();
                IntVector b0 = FloatVector.fromArray(F, x, r1 + c).reinterpretAsInts();
                IntVector b1 = FloatVector.fromArray(F, x, r1 + c + L).reinterpretAsInts();
                EVEN_I.selectFrom(a0, a1).reinterpretAsFloats().add(ODD_I.selectFrom(a0, a1).reinterpretAsFloats())
                        .add(EVEN_I.selectFrom(b0, b1).reinterpretAsFloats()).add(ODD_I.selectFrom(b0, b1).reinterpretAsFloats())
                        .mul(0.25f).intoArray(y, o + ow, ow + L >= outW ? outTail : ALL);
            }
        }
    }

    /** Average pool gradient of plane {@code p}: every covered input gets {@code dy * 0.25}, the rest 0. */
    static void avgBackward(PoolGeometry g, int p, float[] dy, int dyOff, float[] dx, int dxOff) {
        if (!VECTOR) {
            avgBackwardScalar(g, p, dy, dyOff, dx, dxOff);
            return;
        }
        int inH = g.inH(), inW = g.inW(), outH = g.outH(), outW = g.outW();
        int plane = dxOff + p * inH * inW, o0 = dyOff + p * outH * outW;
        if (2 * outW != inW || 2 * outH != inH) java.util.Arrays.fill(dx, plane, plane + inH * inW, 0f); // uncovered edge
        for (int oh = 0; oh < outH; oh++) {
            int r0 = plane + 2 * oh * inW, r1 = r0 + inW, o = o0 + oh * outW;
            for (int ow = 0; ow < outW; ow += L) {
                int c = 2 * ow, rem = outW - ow;
                VectorMask<Float> lo = lanes(0, 2 * rem), hi = lanes(0, 2 * rem - L);
                FloatVector v = FloatVector.fromArray(F, dy, o + ow, lanes(0, rem)).mul(0.25f);
                FloatVector first = v.rearrange(DUP_LO), second = v.rearrange(DUP_HI);
                first.intoArray(dx, r0 + c, lo);
                second.intoArray(dx, r0 + c + L, hi);
                first.intoArray(dx, r1 + c, lo);
                second.intoArray(dx, r1 + c + L, hi);
            }
        }
    }

    /**
     * {@link #max} one window at a time: the first maximum in row-major order wins, as in the
     * vector loop. Without argmax the value is selected on its bits (integer conditional moves,
     * which random data does not defeat like branches); with it the branches were faster.
     */
    private static void maxValues(PoolGeometry g, int p, int fromRow, float[] x, int xOff, float[] y, int yOff) {
        int inW = g.inW(), outH = g.outH(), outW = g.outW();
        int plane = xOff + p * g.inH() * inW, outPlane = yOff + p * outH * outW;
        for (int oh = fromRow; oh < outH; oh++) {
            int o = outPlane + oh * outW;
            for (int ow = 0, i = plane + 2 * oh * inW; ow < outW; ow++, i += 2) {
                float v0 = x[i], v1 = x[i + 1], v2 = x[i + inW], v3 = x[i + inW + 1];
                int bits = v1 > v0 ? Float.floatToRawIntBits(v1) : Float.floatToRawIntBits(v0);
                bits = v2 > Float.intBitsToFloat(bits) ? Float.floatToRawIntBits(v2) : bits;
                bits = v3 > Float.intBitsToFloat(bits) ? Float.floatToRawIntBits(v3) : bits;
                y[o + ow] = Float.intBitsToFloat(bits);
            }
        }
    }

    private static void maxWithArgmax(PoolGeometry g, int p, int fromRow, float[] x, int xOff, float[] y, int yOff,
                                      int[] argmax, int argOff) {
        int inW = g.inW(), outH = g.outH(), outW = g.outW();
        int planeRel = p * g.inH() * inW, outPlane = p * outH * outW;
        for (int oh = fromRow; oh < outH; oh++) {
            int rowRel = planeRel + 2 * oh * inW, o = outPlane + oh * outW;
            for (int ow = 0; ow < outW; ow++) {
                int i = xOff + rowRel + 2 * ow;
                float best = x[i], v;
                int at = 0;
                if ((v = x[i + 1]) > best) { best = v; at = 1; }
                if ((v = x[i + inW]) > best) { best = v; at = inW; }
                if ((v = x[i + inW + 1]) > best) { best = v; at = inW + 1; }
                y[yOff + o + ow] = best;
                argmax[argOff + o + ow] = rowRel + 2 * ow + at;
            }
        }
    }

    /** {@link #avg} one window at a time from pooled row {@code fromRow}, in the vector loop's order. */
    private static void avgScalar(PoolGeometry g, int p, int fromRow, float[] x, int xOff, float[] y, int yOff) {
        int inW = g.inW(), outH = g.outH(), outW = g.outW();
        int plane = xOff + p * g.inH() * inW, outPlane = yOff + p * outH * outW;
        for (int oh = fromRow; oh < outH; oh++) {
            int r0 = plane + 2 * oh * inW, r1 = r0 + inW, o = outPlane + oh * outW;
            for (int ow = 0, c = 0; ow < outW; ow++, c += 2) y[o + ow] = (((x[r0 + c] + x[r0 + c + 1]) + x[r1 + c]) + x[r1 + c + 1]) * 0.25f;
        }
    }

    /** {@link #avgBackward} one window at a time. */
    private static void avgBackwardScalar(PoolGeometry g, int p, float[] dy, int dyOff, float[] dx, int dxOff) {
        int inH = g.inH(), inW = g.inW(), outH = g.outH(), outW = g.outW();
        int plane = dxOff + p * inH * inW, o0 = dyOff + p * outH * outW;
        if (2 * outW != inW || 2 * outH != inH) java.util.Arrays.fill(dx, plane, plane + inH * inW, 0f); // uncovered edge
        for (int oh = 0; oh < outH; oh++) {
            int r0 = plane + 2 * oh * inW, r1 = r0 + inW, o = o0 + oh * outW;
            for (int ow = 0, c = 0; ow < outW; ow++, c += 2) {
                float v = dy[o + ow] * 0.25f;
                dx[r0 + c] = v;
                dx[r0 + c + 1] = v;
                dx[r1 + c] = v;
                dx[r1 + c + 1] = v;
            }
        }
    }

    /** The mask of lanes {@code [lo, hi)} clipped to the vector, from a bit pattern. */
    private static VectorMask<Float> lanes(int lo, int hi) {
        lo = Math.max(lo, 0);
        hi = Math.min(hi, L);
        long bits = hi <= lo ? 0L : (-1L >>> (64 - hi)) & (-1L << lo);
        return VectorMask.fromLong(F, bits);
    }
}
