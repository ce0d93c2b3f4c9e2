package dev.secateur.tensor.ops;

import dev.secateur.tensor.kernels.Transposes;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient with filters in the lanes: {@code dWᵀ[tap, f..f+L) += x[off(tap) + p] ·
 * dYᵀ[p, f..f+L)} over every output pixel p, the output gradient transposed pixel-major once per
 * image. A register block is one vector of filters × {@link #TAPS} taps: per pixel one gradient
 * load and a broadcast input per tap feed {@link #TAPS} FMAs, and the sums are already in their
 * final lanes (no horizontal sums, no padded pixels), so small output planes cost what their
 * arithmetic does. The block's sums live in the range's transposed partial gradient between
 * images. Filters past {@code outC} (up to the next whole vector) and taps past the last are
 * computed on zero or repeated inputs and dropped.
 */
final class FilterLaneGradient implements ConvWeightGradient.Strategy {
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Taps per register block: 16 accumulators with 32 vector registers, 8 with 16. */
    static final int TAPS = VectorPlatform.REGISTERS >= 32 ? 16 : 8;

    private final ConvGeometry g;
    private final PaddedImage image;
    private final int[] offsets;
    /** Filters rounded up to whole vectors: the row length of the transposed gradients. */
    private final int lanes;

    FilterLaneGradient(ConvGeometry g, PaddedImage image, int[] offsets) {
        this.g = g;
        this.image = image;
        this.offsets = offsets;
        this.lanes = (g.outC() + L - 1) / L * L;
    }

    @Override
    public long slotFloats(int images) {
        return (long) g.colRows() * lanes + image.floats() + (long) g.outH() * g.outW() * lanes;
    }

    @Override
    public void range(int n0, int n1, float[] x, int xOff, float[] dy, int dyOff, float[] dW, int dwOff, float[] ws, int base) {
        int taps = g.colRows();
        int partial = base, xp = partial + taps * lanes, dyT = xp + image.floats();
        java.util.Arrays.fill(ws, partial, partial + taps * lanes, 0f);
        for (int n = n0; n < n1; n++) {
            image.pad(x, xOff + n * g.inputSize(), ws, xp);
            transpose(dy, dyOff + n * g.outputSize(), ws, dyT);
            for (int f = 0; f < lanes; f += L) {
                for (int t = 0; t < taps; t += TAPS) {
                    if (TAPS == 16) block16(ws, xp, dyT, partial, f, t);
                    else block8(ws, xp, dyT, partial, f, t);
                }
            }
        }
        for (int f = 0; f < g.outC(); f++) {
            for (int t = 0; t < taps; t++) dW[dwOff + f * taps + t] += ws[partial + t * lanes + f];
        }
    }

    /** {@code dYᵀ[p, f]} for one image, zeros in the lanes past {@code outC}. */
    private void transpose(float[] dy, int at, float[] dst, int to) {
        int outC = g.outC(), pixels = g.outH() * g.outW();
        if (lanes == outC) {
            Transposes.matrix(dy, at, outC, pixels, dst, to);
            return;
        }
        for (int p = 0; p < pixels; p++) {
            int row = to + p * lanes;
            for (int f = 0; f < outC; f++) dst[row + f] = dy[at + f * pixels + p];
            for (int f = outC; f < lanes; f++) dst[row + f] = 0f;
        }
    }

    /** One vector of filters × 16 taps over one image's pixels, added into the transposed partial. */
    private void block16(float[] ws, int xp, int dyT, int partial, int f, int t) {
        int last = offsets.length - 1, outH = g.outH(), outW = g.outW(), wq = image.rowStride();
        int o0 = xp + offsets[t], o1 = xp + offsets[Math.min(t + 1, last)], o2 = xp + offsets[Math.min(t + 2, last)],
                o3 = xp + offsets[Math.min(t + 3, last)], o4 = xp + offsets[Math.min(t + 4, last)],
                o5 = xp + offsets[Math.min(t + 5, last)], o6 = xp + offsets[Math.min(t + 6, last)],
                o7 = xp + offsets[Math.min(t + 7, last)], o8 = xp + offsets[Math.min(t + 8, last)],
                o9 = xp + offsets[Math.min(t + 9, last)], o10 = xp + offsets[Math.min(t + 10, last)],
                o11 = xp + offsets[Math.min(t + 11, last)], o12 = xp + offsets[Math.min(t + 12, last)],
                o13 = xp + offsets[Math.min(t + 13, last)], o14 = xp + offsets[Math.min(t + 14, last)],
                o15 = xp + offsets[Math.min(t + 15, last)];
        int acc = partial + t * lanes + f;
        int kept = Math.min(16, offsets.length - t);
        FloatVector a0 = FloatVector.fromArray(S, ws, acc), a1 = kept > 1 ? FloatVector.fromArray(S, ws, acc + lanes) : a0,
                a2 = kept > 2 ? FloatVector.fromArray(S, ws, acc + 2 * lanes) : a0,
                a3 = kept > 3 ? FloatVector.fromArray(S, ws, acc + 3 * lanes) : a0,
                a4 = kept > 4 ? FloatVector.fromArray(S, ws, acc + 4 * lanes) : a0,
                a5 = kept > 5 ? FloatVector.fromArray(S, ws, acc + 5 * lanes) : a0,
                a6 = kept > 6 ? FloatVector.fromArray(S, ws, acc + 6 * lanes) : a0,
                a7 = kept > 7 ? FloatVector.fromArray(S, ws, acc + 7 * lanes) : a0,
                a8 = kept > 8 ? FloatVector.fromArray(S, ws, acc + 8 * lanes) : a0,
                a9 = kept > 9 ? FloatVector.fromArray(S, ws, acc + 9 * lanes) : a0,
                a10 = kept > 10 ? FloatVector.fromArray(S, ws, acc + 10 * lanes) : a0,
                a11 = kept > 11 ? FloatVector.fromArray(S, ws, acc + 11 * lanes) : a0,
                a12 = kept > 12 ? FloatVector.fromArray(S, ws, acc + 12 * lanes) : a0,
                a13 = kept > 13 ? FloatVector.fromArray(S, ws, acc + 13 * lanes) : a0,
                a14 = kept > 14 ? FloatVector.fromArray(S, ws, acc + 14 * lanes) : a0,
                a15 = kept > 15 ? FloatVector.fromArray(S, ws, acc + 15 * lanes) : a0;
        for (int oy = 0, pp = dyT + f; oy < outH; oy++) {
            for (int ox = 0, px = oy * wq; ox < outW; ox++, px++, pp += lanes) {
                FloatVector d = FloatVector.fromArray(S, ws, pp);
                a0 = FMA ? d.fma(FloatVector.broadcast(S, ws[o0 + px]), a0) : d.mul(ws[o0 + px]).add(a0);
                a1 = FMA ? d.fma(FloatVector.broadcast(S, ws[o1 + px]), a1) : d.mul(ws[o1 + px]).add(a1);
                a2 = FMA ? d.fma(FloatVector.broadcast(S, ws[o2 + px]), a2) : d.mul(ws[o2 + px]).add(a2);
                a3 = FMA ? d.fma(FloatVector.broadcast(S, ws[o3 + px]), a3) : d.mul(ws[o3 + px]).add(a3);
                a4 = FMA ? d.fma(FloatVector.broadcast(S, ws[o4 + px]), a4) : d.mul(ws[o4 + px]).add(a4);
                a5 = FMA ? d.fma(FloatVector.broadcast(S, ws[o5 + px]), a5) : d.mul(ws[o5 + px]).add(a5);
                a6 = FMA ? d.fma(FloatVector.broadcast(S, ws[o6 + px]), a6) : d.mul(ws[o6 + px]).add(a6);
                a7 = FMA ? d.fma(FloatVector.broadcast(S, ws[o7 + px]), a7) : d.mul(ws[o7 + px]).add(a7);
                a8 = FMA ? d.fma(FloatVector.broadcast(S, ws[o8 + px]), a8) : d.mul(ws[o8 + px]).add(a8);
                a9 = FMA ? d.fma(FloatVector.broadcast(S, ws[o9 + px]), a9) : d.mul(ws[o9 + px]).add(a9);
                a10 = FMA ? d.fma(FloatVector.broadcast(S, ws[o10 + px]), a10) : d.mul(ws[o10 + px]).add(a10);
                a11 = FMA ? d.fma(FloatVector.broadcast(S, ws[o11 + px]), a11) : d.mul(ws[o11 + px]).add(a11);
                a12 = FMA ? d.fma(FloatVector.broadcast(S, ws[o12 + px]), a12) : d.mul(ws[o12 + px]).add(a12);
                a13 = FMA ? d.fma(FloatVector.broadcast(S, ws[o13 + px]), a13) : d.mul(ws[o13 + px]).add(a13);
                a14 = FMA ? d.fma(FloatVector.broadcast(S, ws[o14 + px]), a14) : d.mul(ws[o14 + px]).add(a14);
                a15 = FMA ? d.fma(FloatVector.broadcast(S, ws[o15 + px]), a15) : d.mul(ws[o15 + px]).add(a15);
            }
        }
        a0.intoArray(ws, acc);
        if (kept > 1) a1.intoArray(ws, acc + lanes);
        if (kept > 2) a2.intoArray(ws, acc + 2 * lanes);
        if (kept > 3) a3.intoArray(ws, acc + 3 * lanes);
        if (kept > 4) a4.intoArray(ws, acc + 4 * lanes);
        if (kept > 5) a5.intoArray(ws, acc + 5 * lanes);
        if (kept > 6) a6.intoArray(ws, acc + 6 * lanes);
        if (kept > 7) a7.intoArray(ws, acc + 7 * lanes);
        if (kept > 8) a8.intoArray(ws, acc + 8 * lanes);
        if (kept > 9) a9.intoArray(ws, acc + 9 * lanes);
        if (kept > 10) a10.intoArray(ws, acc + 10 * lanes);
        if (kept > 11) a11.intoArray(ws, acc + 11 * lanes);
        if (kept > 12) a12.intoArray(ws, acc + 12 * lanes);
        if (kept > 13) a13.intoArray(ws, acc + 13 * lanes);
        if (kept > 14) a14.intoArray(ws, acc + 14 * lanes);
        if (kept > 15) a15.intoArray(ws, acc + 15 * lanes);
    }

    /** One vector of filters × 8 taps (16 vector registers). */
    private void block8(float[] ws, int xp, int dyT, int partial, int f, int t) {
        int last = offsets.length - 1, outH = g.outH(), outW = g.outW(), wq = image.rowStride();
        int o0 = xp + offsets[t], o1 = xp + offsets[Math.min(t + 1, last)], o2 = xp + offsets[Math.min(t + 2, last)],
                o3 = xp + offsets[Math.min(t + 3, last)], o4 = xp + offsets[Math.min(t + 4, last)],
                o5 = xp + offsets[Math.min(t + 5, last)], o6 = xp + offsets[Math.min(t + 6, last)],
                o7 = xp + offsets[Math.min(t + 7, last)];
        int acc = partial + t * lanes + f;
        int kept = Math.min(8, offsets.length - t);
        FloatVector a0 = FloatVector.fromArray(S, ws, acc), a1 = kept > 1 ? FloatVector.fromArray(S, ws, acc + lanes) : a0,
                a2 = kept > 2 ? FloatVector.fromArray(S, ws, acc + 2 * lanes) : a0,
                a3 = kept > 3 ? FloatVector.fromArray(S, ws, acc + 3 * lanes) : a0,
                a4 = kept > 4 ? FloatVector.fromArray(S, ws, acc + 4 * lanes) : a0,
                a5 = kept > 5 ? FloatVector.fromArray(S, ws, acc + 5 * lanes) : a0,
                a6 = kept > 6 ? FloatVector.fromArray(S, ws, acc + 6 * lanes) : a0,
                a7 = kept > 7 ? FloatVector.fromArray(S, ws, acc + 7 * lanes) : a0;
        for (int oy = 0, pp = dyT + f; oy < outH; oy++) {
            for (int ox = 0, px = oy * wq; ox < outW; ox++, px++, pp += lanes) {
                FloatVector d = FloatVector.fromArray(S, ws, pp);
                a0 = FMA ? d.fma(FloatVector.broadcast(S, ws[o0 + px]), a0) : d.mul(ws[o0 + px]).add(a0);
                a1 = FMA ? d.fma(FloatVector.broadcast(S, ws[o1 + px]), a1) : d.mul(ws[o1 + px]).add(a1);
                a2 = FMA ? d.fma(FloatVector.broadcast(S, ws[o2 + px]), a2) : d.mul(ws[o2 + px]).add(a2);
                a3 = FMA ? d.fma(FloatVector.broadcast(S, ws[o3 + px]), a3) : d.mul(ws[o3 + px]).add(a3);
                a4 = FMA ? d.fma(FloatVector.broadcast(S, ws[o4 + px]), a4) : d.mul(ws[o4 + px]).add(a4);
                a5 = FMA ? d.fma(FloatVector.broadcast(S, ws[o5 + px]), a5) : d.mul(ws[o5 + px]).add(a5);
                a6 = FMA ? d.fma(FloatVector.broadcast(S, ws[o6 + px]), a6) : d.mul(ws[o6 + px]).add(a6);
                a7 = FMA ? d.fma(FloatVector.broadcast(S, ws[o7 + px]), a7) : d.mul(ws[o7 + px]).add(a7);
            }
        }
        a0.intoArray(ws, acc);
        if (kept > 1) a1.intoArray(ws, acc + lanes);
        if (kept > 2) a2.intoArray(ws, acc + 2 * lanes);
        if (kept > 3) a3.intoArray(ws, acc + 3 * lanes);
        if (kept > 4) a4.intoArray(ws, acc + 4 * lanes);
        if (kept > 5) a5.intoArray(ws, acc + 5 * lanes);
        if (kept > 6) a6.intoArray(ws, acc + 6 * lanes);
        if (kept > 7) a7.intoArray(ws, acc + 7 * lanes);
    }
}
