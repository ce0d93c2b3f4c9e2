package dev.secateur.tensor.ops;

import dev.secateur.tensor.kernels.Transposes;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient with filters in the lanes: {@code dWᵀ[tap, f..f+L) += x[off(tap) + p] ·
 * dYᵀ[p, f..f+L)} over every output pixel p, the output gradient transposed pixel-major once per
 * image. A register block is one or (with 32 vector registers) two vectors of filters ×
 * {@link #TAPS} taps: per pixel the gradient vectors are loaded once and each tap's input is
 * broadcast against them (2 loads and 8 broadcasts for 16 FMAs in the wider block), and the sums are
 * already in their final lanes (no horizontal sums, no padded pixels), so small output planes cost
 * what their arithmetic does. The block's sums live in the range's transposed partial gradient between
 * images. Filters past {@code outC} (up to the next whole vector) and taps past the last (the
 * offsets come padded, {@link ConvWeightGradient#BLOCK_TAPS}) are computed on zero or repeated
 * inputs and dropped.
 */
final class FilterLaneGradient implements ConvWeightGradient.Strategy {
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Taps per register block. */
    static final int TAPS = ConvWeightGradient.BLOCK_TAPS;
    /** Whether 32 vector registers hold two vectors of filters × {@link #TAPS} accumulators. */
    private static final boolean PAIRS = VectorPlatform.REGISTERS >= 32;

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
            for (int f = 0; f < lanes; ) {
                boolean pair = PAIRS && f + 2 * L <= lanes;
                for (int t = 0; t < taps; t += TAPS) {
                    if (pair) block2x8(ws, xp, dyT, partial, f, t);
                    else block1x8(ws, xp, dyT, partial, f, t);
                }
                f += pair ? 2 * L : L;
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

    /** Two vectors of filters × 8 taps over one image's pixels (32 vector registers), added into the transposed partial. */
    private void block2x8(float[] ws, int xp, int dyT, int partial, int f, int t) {
        int outH = g.outH(), outW = g.outW(), wq = image.rowStride();
        int o0 = xp + offsets[t], o1 = xp + offsets[t + 1], o2 = xp + offsets[t + 2], o3 = xp + offsets[t + 3],
                o4 = xp + offsets[t + 4], o5 = xp + offsets[t + 5], o6 = xp + offsets[t + 6], o7 = xp + offsets[t + 7];
        int acc = partial + t * lanes + f;
        int kept = Math.min(TAPS, g.colRows() - t);
        FloatVector a0 = FloatVector.fromArray(S, ws, acc),
                a1 = kept > 1 ? FloatVector.fromArray(S, ws, acc + 1 * lanes) : a0,
                a2 = kept > 2 ? FloatVector.fromArray(S, ws, acc + 2 * lanes) : a0,
                a3 = kept > 3 ? FloatVector.fromArray(S, ws, acc + 3 * lanes) : a0,
                a4 = kept > 4 ? FloatVector.fromArray(S, ws, acc + 4 * lanes) : a0,
                a5 = kept > 5 ? FloatVector.fromArray(S, ws, acc + 5 * lanes) : a0,
                a6 = kept > 6 ? FloatVector.fromArray(S, ws, acc + 6 * lanes) : a0,
                a7 = kept > 7 ? FloatVector.fromArray(S, ws, acc + 7 * lanes) : a0;
        FloatVector b0 = FloatVector.fromArray(S, ws, acc + L),
                b1 = kept > 1 ? FloatVector.fromArray(S, ws, acc + L + 1 * lanes) : b0,
                b2 = kept > 2 ? FloatVector.fromArray(S, ws, acc + L + 2 * lanes) : b0,
                b3 = kept > 3 ? FloatVector.fromArray(S, ws, acc + L + 3 * lanes) : b0,
                b4 = kept > 4 ? FloatVector.fromArray(S, ws, acc + L + 4 * lanes) : b0,
                b5 = kept > 5 ? FloatVector.fromArray(S, ws, acc + L + 5 * lanes) : b0,
                b6 = kept > 6 ? FloatVector.fromArray(S, ws, acc + L + 6 * lanes) : b0,
                b7 = kept > 7 ? FloatVector.fromArray(S, ws, acc + L + 7 * lanes) : b0;
        for (int oy = 0, pp = dyT + f; oy < outH; oy++) {
            for (int ox = 0, px = oy * wq; ox < outW; ox++, px++, pp += lanes) {
                FloatVector d = FloatVector.fromArray(S, ws, pp), e = FloatVector.fromArray(S, ws, pp + L);
                FloatVector x0 = FloatVector.broadcast(S, ws[o0 + px]);
                a0 = FMA ? d.fma(x0, a0) : d.mul(x0).add(a0);
                b0 = FMA ? e.fma(x0, b0) : e.mul(x0).add(b0);
                FloatVector x1 = FloatVector.broadcast(S, ws[o1 + px]);
                a1 = FMA ? d.fma(x1, a1) : d.mul(x1).add(a1);
                b1 = FMA ? e.fma(x1, b1) : e.mul(x1).add(b1);
                FloatVector x2 = FloatVector.broadcast(S, ws[o2 + px]);
                a2 = FMA ? d.fma(x2, a2) : d.mul(x2).add(a2);
                b2 = FMA ? e.fma(x2, b2) : e.mul(x2).add(b2);
                FloatVector x3 = FloatVector.broadcast(S, ws[o3 + px]);
                a3 = FMA ? d.fma(x3, a3) : d.mul(x3).add(a3);
                b3 = FMA ? e.fma(x3, b3) : e.mul(x3).add(b3);
                FloatVector x4 = FloatVector.broadcast(S, ws[o4 + px]);
                a4 = FMA ? d.fma(x4, a4) : d.mul(x4).add(a4);
                b4 = FMA ? e.fma(x4, b4) : e.mul(x4).add(b4);
                FloatVector x5 = FloatVector.broadcast(S, ws[o5 + px]);
                a5 = FMA ? d.fma(x5, a5) : d.mul(x5).add(a5);
                b5 = FMA ? e.fma(x5, b5) : e.mul(x5).add(b5);
                FloatVector x6 = FloatVector.broadcast(S, ws[o6 + px]);
                a6 = FMA ? d.fma(x6, a6) : d.mul(x6).add(a6);
                b6 = FMA ? e.fma(x6, b6) : e.mul(x6).add(b6);
                FloatVector x7 = FloatVector.broadcast(S, ws[o7 + px]);
                a7 = FMA ? d.fma(x7, a7) : d.mul(x7).add(a7);
                b7 = FMA ? e.fma(x7, b7) : e.mul(x7).add(b7);
            }
        }
        a0.intoArray(ws, acc);
        b0.intoArray(ws, acc + L);
        if (kept > 1) {
            a1.intoArray(ws, acc + 1 * lanes);
            b1.intoArray(ws, acc + 1 * lanes + L);
        }
        if (kept > 2) {
            a2.intoArray(ws, acc + 2 * lanes);
            b2.intoArray(ws, acc + 2 * lanes + L);
        }
        if (kept > 3) {
            a3.intoArray(ws, acc + 3 * lanes);
            b3.intoArray(ws, acc + 3 * lanes + L);
        }
        if (kept > 4) {
            a4.intoArray(ws, acc + 4 * lanes);
            b4.intoArray(ws, acc + 4 * lanes + L);
        }
        if (kept > 5) {
            a5.intoArray(ws, acc + 5 * lanes);
            b5.intoArray(ws, acc + 5 * lanes + L);
        }
        if (kept > 6) {
            a6.intoArray(ws, acc + 6 * lanes);
            b6.intoArray(ws, acc + 6 * lanes + L);
        }
        if (kept > 7) {
            a7.intoArray(ws, acc + 7 * lanes);
            b7.intoArray(ws, acc + 7 * lanes + L);
        }
    }

    /** One vector of filters × 8 taps over one image's pixels, added into the transposed partial. */
    private void block1x8(float[] ws, int xp, int dyT, int partial, int f, int t) {
        int outH = g.outH(), outW = g.outW(), wq = image.rowStride();
        int o0 = xp + offsets[t], o1 = xp + offsets[t + 1], o2 = xp + offsets[t + 2], o3 = xp + offsets[t + 3],
                o4 = xp + offsets[t + 4], o5 = xp + offsets[t + 5], o6 = xp + offsets[t + 6], o7 = xp + offsets[t + 7];
        int acc = partial + t * lanes + f;
        int kept = Math.min(TAPS, g.colRows() - t);
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
