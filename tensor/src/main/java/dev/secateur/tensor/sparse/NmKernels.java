package dev.secateur.tensor.sparse;

import dev.secateur.tensor.ops.Lanes;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Kernels of {@link NmMatrix} over a row range; arguments were validated by the caller. */
final class NmKernels {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    /** A window is 16 slots: one 512-bit vector of values, one 128-bit vector of byte positions. */
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private NmKernels() {}

    /** Window of 32 columns (2:4, 4:8, 1:2): x window in two registers, one two-vector permute. */
    static void vector32(NmMatrix a, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                         int r0, int r1) {
        float[] v = a.values;
        byte[] pos = a.pos;
        int k = a.cols, slots = a.rowSlots, step = NmMatrix.W / a.n * a.m;
        for (int r = r0; r < r1; r++) {
            FloatVector acc0 = FloatVector.zero(S16), acc1 = acc0;
            int base = r * slots, c = 0, s = 0;
            for (; s < slots && c + 32 <= k; s += NmMatrix.W, c += step) {
                FloatVector x0 = FloatVector.fromArray(S16, x, xOff + c);
                FloatVector x1 = FloatVector.fromArray(S16, x, xOff + c + 16);
                FloatVector picked = ((FloatVector) ByteVector.fromArray(B16, pos, base + s).convertShape(VectorOperators.B2F, S16, 0)).selectFrom(x0, x1);
                if ((s & NmMatrix.W) == 0) acc0 = (FMA ? FloatVector.fromArray(S16, v, base + s).fma(picked, acc0) : FloatVector.fromArray(S16, v, base + s).mul(picked).add(acc0));
                else acc1 = (FMA ? FloatVector.fromArray(S16, v, base + s).fma(picked, acc1) : FloatVector.fromArray(S16, v, base + s).mul(picked).add(acc1));
            }
            for (; s < slots; s += NmMatrix.W, c += step) {
                // Last window, partly past column K: masked loads read zeros there (only padding picks them).
                FloatVector x0 = FloatVector.fromArray(S16, x, xOff + c, S16.indexInRange(c, k));
                FloatVector x1 = FloatVector.fromArray(S16, x, xOff + c + 16, S16.indexInRange(c + 16, k));
                FloatVector acc0a = FloatVector.fromArray(S16, v, base + s);
                FloatVector acc0b = ((FloatVector) ByteVector.fromArray(B16, pos, base + s).convertShape(VectorOperators.B2F, S16, 0)).selectFrom(x0, x1);
                acc0 = FMA ? acc0a.fma(acc0b, acc0) : acc0a.mul(acc0b).add(acc0);
            }
            y[yOff + r] = Epilogue.scalar(Lanes.sum(acc0.add(acc1)), bias, r, relu);
        }
    }

    /** Window of 64 columns (1:4, 2:8): two permutes over the four x registers and a blend. */
    static void vector64(NmMatrix a, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                         int r0, int r1) {
        float[] v = a.values;
        byte[] pos = a.pos;
        int k = a.cols, slots = a.rowSlots, step = NmMatrix.W / a.n * a.m;
        for (int r = r0; r < r1; r++) {
            FloatVector acc0 = FloatVector.zero(S16), acc1 = acc0;
            int base = r * slots, c = 0, s = 0;
            for (; s < slots && c + 64 <= k; s += NmMatrix.W, c += step) {
                FloatVector idx = ((FloatVector) ByteVector.fromArray(B16, pos, base + s).convertShape(VectorOperators.B2F, S16, 0));
                FloatVector lo = idx.selectFrom(FloatVector.fromArray(S16, x, xOff + c), FloatVector.fromArray(S16, x, xOff + c + 16));
                FloatVector hi = idx.selectFrom(FloatVector.fromArray(S16, x, xOff + c + 32), FloatVector.fromArray(S16, x, xOff + c + 48));
                FloatVector picked = lo.blend(hi, idx.compare(VectorOperators.GE, 32f));
                if ((s & NmMatrix.W) == 0) acc0 = (FMA ? FloatVector.fromArray(S16, v, base + s).fma(picked, acc0) : FloatVector.fromArray(S16, v, base + s).mul(picked).add(acc0));
                else acc1 = (FMA ? FloatVector.fromArray(S16, v, base + s).fma(picked, acc1) : FloatVector.fromArray(S16, v, base + s).mul(picked).add(acc1));
            }
            for (; s < slots; s += NmMatrix.W, c += step) {
                FloatVector idx = ((FloatVector) ByteVector.fromArray(B16, pos, base + s).convertShape(VectorOperators.B2F, S16, 0));
                FloatVector lo = idx.selectFrom(FloatVector.fromArray(S16, x, xOff + c, S16.indexInRange(c, k)),
                        FloatVector.fromArray(S16, x, xOff + c + 16, S16.indexInRange(c + 16, k)));
                FloatVector hi = idx.selectFrom(FloatVector.fromArray(S16, x, xOff + c + 32, S16.indexInRange(c + 32, k)),
                        FloatVector.fromArray(S16, x, xOff + c + 48, S16.indexInRange(c + 48, k)));
                FloatVector acc0a = FloatVector.fromArray(S16, v, base + s);
                FloatVector acc0b = lo.blend(hi, idx.compare(VectorOperators.GE, 32f));
                acc0 = FMA ? acc0a.fma(acc0b, acc0) : acc0a.mul(acc0b).add(acc0);
            }
            y[yOff + r] = Epilogue.scalar(Lanes.sum(acc0.add(acc1)), bias, r, relu);
        }
    }

    /** Any N:M: slot by slot, two sums alternating. */
    static void vector(NmMatrix a, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                       int r0, int r1) {
        float[] v = a.values;
        for (int r = r0; r < r1; r++) {
            int base = r * a.rowSlots;
            float s0 = 0f, s1 = 0f;
            for (int s = 0; s + 1 < a.rowSlots; s += 2) {
                s0 = Fma.fma(v[base + s], x[xOff + column(a, base, s)], s0);
                s1 = Fma.fma(v[base + s + 1], x[xOff + column(a, base, s + 1)], s1);
            }
            y[yOff + r] = Epilogue.scalar(s0 + s1, bias, r, relu);
        }
    }

    private static int column(NmMatrix a, int base, int s) {
        return NmMatrix.windowStart(s, a.n, a.m) + (a.pos[base + s] & 0xFF);
    }

    /** Y = W·X with X [K, n]: as CSR batch, with the column implied by window and position. */
    static void batch(NmMatrix a, float[] x, int xOff, int nb, float[] y, int yOff, float[] bias, boolean relu,
                      int r0, int r1) {
        float[] v = a.values;
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int r = r0; r < r1; r++) {
            int base = r * a.rowSlots;
            float b = bias == null ? 0f : bias[r];
            int yo = yOff + r * nb;
            int j = 0;
            for (; j + 2 * L <= nb; j += 2 * L) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, c0 = a0, c1 = a0;
                for (int s = 0; s + 1 < a.rowSlots; s += 2) {
                    int xo = xOff + column(a, base, s) * nb + j, xp = xOff + column(a, base, s + 1) * nb + j;
                    FloatVector w = FloatVector.broadcast(S, v[base + s]), u = FloatVector.broadcast(S, v[base + s + 1]);
                    FloatVector a0a = FloatVector.fromArray(S, x, xo);
                    a0 = FMA ? a0a.fma(w, a0) : a0a.mul(w).add(a0);
                    FloatVector a1a = FloatVector.fromArray(S, x, xo + L);
                    a1 = FMA ? a1a.fma(w, a1) : a1a.mul(w).add(a1);
                    FloatVector c0a = FloatVector.fromArray(S, x, xp);
                    c0 = FMA ? c0a.fma(u, c0) : c0a.mul(u).add(c0);
                    FloatVector c1a = FloatVector.fromArray(S, x, xp + L);
                    c1 = FMA ? c1a.fma(u, c1) : c1a.mul(u).add(c1);
                }
                a0.add(c0).add(b).max(lo).intoArray(y, yo + j);
                a1.add(c1).add(b).max(lo).intoArray(y, yo + j + L);
            }
            for (; j < nb; j += L) {
                VectorMask<Float> t = S.indexInRange(j, nb);
                FloatVector a0 = FloatVector.zero(S), c0 = a0;
                for (int s = 0; s + 1 < a.rowSlots; s += 2) {
                    FloatVector a0a = FloatVector.fromArray(S, x, xOff + column(a, base, s) * nb + j, t);
                    FloatVector a0b = FloatVector.broadcast(S, v[base + s]);
                    a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                    FloatVector c0a = FloatVector.fromArray(S, x, xOff + column(a, base, s + 1) * nb + j, t);
                    FloatVector c0b = FloatVector.broadcast(S, v[base + s + 1]);
                    c0 = FMA ? c0a.fma(c0b, c0) : c0a.mul(c0b).add(c0);
                }
                a0.add(c0).add(b).max(lo).intoArray(y, yo + j, t);
            }
        }
    }
}
