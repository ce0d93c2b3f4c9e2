package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * CSR kernels over a row range; arguments were validated by the caller. Entry q of a row moves
 * cursor {@code q % 4} ({@link CsrMatrix#CHAINS}), so the loops are unrolled by four entries.
 */
final class CsrKernels {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CsrKernels() {}

    /** y = W·x: four cursors and four sums per row, all independent; the loads are the limit. */
    static void vector(float[] v, char[] d, int[] ptr, float[] x, int xOff, float[] y, int yOff,
                       float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            int c0 = xOff, c1 = xOff, c2 = xOff, c3 = xOff;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (; p + 3 < e; p += 4) {
                c0 += d[p];
                c1 += d[p + 1];
                c2 += d[p + 2];
                c3 += d[p + 3];
                s0 = Fma.fma(v[p], x[c0], s0);
                s1 = Fma.fma(v[p + 1], x[c1], s1);
                s2 = Fma.fma(v[p + 2], x[c2], s2);
                s3 = Fma.fma(v[p + 3], x[c3], s3);
            }
            if (p < e) s0 = Fma.fma(v[p], x[c0 + d[p]], s0);
            if (p + 1 < e) s1 = Fma.fma(v[p + 1], x[c1 + d[p + 1]], s1);
            if (p + 2 < e) s2 = Fma.fma(v[p + 2], x[c2 + d[p + 2]], s2);
            y[yOff + r] = Epilogue.scalar((s0 + s1) + (s2 + s3), bias, r, relu);
        }
    }

    /**
     * Y = W·X with X [K, n]: broadcast each weight, FMA against the batch vectors of its input
     * row. Chunks of 4 vectors use 8 accumulators (entries 0, 2 mod 4 and 1, 3 mod 4) so both FMA
     * pipes stay busy; then single vectors, then a masked tail.
     */
    static void batch(float[] v, char[] d, int[] ptr, float[] x, int xOff, int n, float[] y, int yOff,
                      float[] bias, boolean relu, int r0, int r1) {
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int r = r0; r < r1; r++) {
            float b = bias == null ? 0f : bias[r];
            int yo = yOff + r * n;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) wide(v, d, ptr[r], ptr[r + 1], x, xOff + j, n, y, yo + j, b, lo);
            for (; j < n; j += L) narrow(v, d, ptr[r], ptr[r + 1], x, xOff + j, n, j, y, yo + j, b, lo);
            if (relu && !FLOAT_MAX) VectorMax.relu(y, yo, n); // the kernels stored without max
        }
    }

    private static void wide(float[] v, char[] d, int p, int e, float[] x, int xo, int n, float[] y, int yo,
                             float b, float lo) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        int k0 = 0, k1 = 0, k2 = 0, k3 = 0;
        for (; p + 3 < e; p += 4) {
            k0 += d[p];
            k1 += d[p + 1];
            k2 += d[p + 2];
            k3 += d[p + 3];
            int i0 = xo + k0 * n, i1 = xo + k1 * n;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            a0 = (FMA ? FloatVector.fromArray(S, x, i0).fma(w, a0) : FloatVector.fromArray(S, x, i0).mul(w).add(a0));
            a1 = (FMA ? FloatVector.fromArray(S, x, i0 + L).fma(w, a1) : FloatVector.fromArray(S, x, i0 + L).mul(w).add(a1));
            a2 = (FMA ? FloatVector.fromArray(S, x, i0 + 2 * L).fma(w, a2) : FloatVector.fromArray(S, x, i0 + 2 * L).mul(w).add(a2));
            a3 = (FMA ? FloatVector.fromArray(S, x, i0 + 3 * L).fma(w, a3) : FloatVector.fromArray(S, x, i0 + 3 * L).mul(w).add(a3));
            FloatVector u = FloatVector.broadcast(S, v[p + 1]);
            c0 = (FMA ? FloatVector.fromArray(S, x, i1).fma(u, c0) : FloatVector.fromArray(S, x, i1).mul(u).add(c0));
            c1 = (FMA ? FloatVector.fromArray(S, x, i1 + L).fma(u, c1) : FloatVector.fromArray(S, x, i1 + L).mul(u).add(c1));
            c2 = (FMA ? FloatVector.fromArray(S, x, i1 + 2 * L).fma(u, c2) : FloatVector.fromArray(S, x, i1 + 2 * L).mul(u).add(c2));
            c3 = (FMA ? FloatVector.fromArray(S, x, i1 + 3 * L).fma(u, c3) : FloatVector.fromArray(S, x, i1 + 3 * L).mul(u).add(c3));
            int i2 = xo + k2 * n, i3 = xo + k3 * n;
            w = FloatVector.broadcast(S, v[p + 2]);
            a0 = (FMA ? FloatVector.fromArray(S, x, i2).fma(w, a0) : FloatVector.fromArray(S, x, i2).mul(w).add(a0));
            a1 = (FMA ? FloatVector.fromArray(S, x, i2 + L).fma(w, a1) : FloatVector.fromArray(S, x, i2 + L).mul(w).add(a1));
            a2 = (FMA ? FloatVector.fromArray(S, x, i2 + 2 * L).fma(w, a2) : FloatVector.fromArray(S, x, i2 + 2 * L).mul(w).add(a2));
            a3 = (FMA ? FloatVector.fromArray(S, x, i2 + 3 * L).fma(w, a3) : FloatVector.fromArray(S, x, i2 + 3 * L).mul(w).add(a3));
            u = FloatVector.broadcast(S, v[p + 3]);
            c0 = (FMA ? FloatVector.fromArray(S, x, i3).fma(u, c0) : FloatVector.fromArray(S, x, i3).mul(u).add(c0));
            c1 = (FMA ? FloatVector.fromArray(S, x, i3 + L).fma(u, c1) : FloatVector.fromArray(S, x, i3 + L).mul(u).add(c1));
            c2 = (FMA ? FloatVector.fromArray(S, x, i3 + 2 * L).fma(u, c2) : FloatVector.fromArray(S, x, i3 + 2 * L).mul(u).add(c2));
            c3 = (FMA ? FloatVector.fromArray(S, x, i3 + 3 * L).fma(u, c3) : FloatVector.fromArray(S, x, i3 + 3 * L).mul(u).add(c3));
        }
        if (p < e) {
            int i0 = xo + (k0 + d[p]) * n;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            a0 = (FMA ? FloatVector.fromArray(S, x, i0).fma(w, a0) : FloatVector.fromArray(S, x, i0).mul(w).add(a0));
            a1 = (FMA ? FloatVector.fromArray(S, x, i0 + L).fma(w, a1) : FloatVector.fromArray(S, x, i0 + L).mul(w).add(a1));
            a2 = (FMA ? FloatVector.fromArray(S, x, i0 + 2 * L).fma(w, a2) : FloatVector.fromArray(S, x, i0 + 2 * L).mul(w).add(a2));
            a3 = (FMA ? FloatVector.fromArray(S, x, i0 + 3 * L).fma(w, a3) : FloatVector.fromArray(S, x, i0 + 3 * L).mul(w).add(a3));
        }
        if (p + 1 < e) {
            int i1 = xo + (k1 + d[p + 1]) * n;
            FloatVector u = FloatVector.broadcast(S, v[p + 1]);
            c0 = (FMA ? FloatVector.fromArray(S, x, i1).fma(u, c0) : FloatVector.fromArray(S, x, i1).mul(u).add(c0));
            c1 = (FMA ? FloatVector.fromArray(S, x, i1 + L).fma(u, c1) : FloatVector.fromArray(S, x, i1 + L).mul(u).add(c1));
            c2 = (FMA ? FloatVector.fromArray(S, x, i1 + 2 * L).fma(u, c2) : FloatVector.fromArray(S, x, i1 + 2 * L).mul(u).add(c2));
            c3 = (FMA ? FloatVector.fromArray(S, x, i1 + 3 * L).fma(u, c3) : FloatVector.fromArray(S, x, i1 + 3 * L).mul(u).add(c3));
        }
        if (p + 2 < e) {
            int i2 = xo + (k2 + d[p + 2]) * n;
            FloatVector w = FloatVector.broadcast(S, v[p + 2]);
            a0 = (FMA ? FloatVector.fromArray(S, x, i2).fma(w, a0) : FloatVector.fromArray(S, x, i2).mul(w).add(a0));
            a1 = (FMA ? FloatVector.fromArray(S, x, i2 + L).fma(w, a1) : FloatVector.fromArray(S, x, i2 + L).mul(w).add(a1));
            a2 = (FMA ? FloatVector.fromArray(S, x, i2 + 2 * L).fma(w, a2) : FloatVector.fromArray(S, x, i2 + 2 * L).mul(w).add(a2));
            a3 = (FMA ? FloatVector.fromArray(S, x, i2 + 3 * L).fma(w, a3) : FloatVector.fromArray(S, x, i2 + 3 * L).mul(w).add(a3));
        }
        a0 = a0.add(c0).add(b);
        (FLOAT_MAX ? a0.max(lo) : a0).intoArray(y, yo);
        a1 = a1.add(c1).add(b);
        (FLOAT_MAX ? a1.max(lo) : a1).intoArray(y, yo + L);
        a2 = a2.add(c2).add(b);
        (FLOAT_MAX ? a2.max(lo) : a2).intoArray(y, yo + 2 * L);
        a3 = a3.add(c3).add(b);
        (FLOAT_MAX ? a3.max(lo) : a3).intoArray(y, yo + 3 * L);
    }

    /** One batch vector (masked when partial); entries 0, 2 mod 4 in one sum, 1, 3 in the other. */
    private static void narrow(float[] v, char[] d, int p, int e, float[] x, int xo, int n, int j, float[] y, int yo,
                               float b, float lo) {
        VectorMask<Float> m = S.indexInRange(j, n);
        FloatVector a = FloatVector.zero(S), c = a;
        int k0 = 0, k1 = 0, k2 = 0, k3 = 0;
        for (; p + 3 < e; p += 4) {
            k0 += d[p];
            k1 += d[p + 1];
            k2 += d[p + 2];
            k3 += d[p + 3];
            a = (FMA ? FloatVector.fromArray(S, x, xo + k0 * n, m).fma(FloatVector.broadcast(S, v[p]), a) : FloatVector.fromArray(S, x, xo + k0 * n, m).mul(FloatVector.broadcast(S, v[p])).add(a));
            c = (FMA ? FloatVector.fromArray(S, x, xo + k1 * n, m).fma(FloatVector.broadcast(S, v[p + 1]), c) : FloatVector.fromArray(S, x, xo + k1 * n, m).mul(FloatVector.broadcast(S, v[p + 1])).add(c));
            a = (FMA ? FloatVector.fromArray(S, x, xo + k2 * n, m).fma(FloatVector.broadcast(S, v[p + 2]), a) : FloatVector.fromArray(S, x, xo + k2 * n, m).mul(FloatVector.broadcast(S, v[p + 2])).add(a));
            c = (FMA ? FloatVector.fromArray(S, x, xo + k3 * n, m).fma(FloatVector.broadcast(S, v[p + 3]), c) : FloatVector.fromArray(S, x, xo + k3 * n, m).mul(FloatVector.broadcast(S, v[p + 3])).add(c));
        }
        if (p < e) a = (FMA ? FloatVector.fromArray(S, x, xo + (k0 + d[p]) * n, m).fma(FloatVector.broadcast(S, v[p]), a) : FloatVector.fromArray(S, x, xo + (k0 + d[p]) * n, m).mul(FloatVector.broadcast(S, v[p])).add(a));
        if (p + 1 < e) c = (FMA ? FloatVector.fromArray(S, x, xo + (k1 + d[p + 1]) * n, m).fma(FloatVector.broadcast(S, v[p + 1]), c) : FloatVector.fromArray(S, x, xo + (k1 + d[p + 1]) * n, m).mul(FloatVector.broadcast(S, v[p + 1])).add(c));
        if (p + 2 < e) a = (FMA ? FloatVector.fromArray(S, x, xo + (k2 + d[p + 2]) * n, m).fma(FloatVector.broadcast(S, v[p + 2]), a) : FloatVector.fromArray(S, x, xo + (k2 + d[p + 2]) * n, m).mul(FloatVector.broadcast(S, v[p + 2])).add(a));
        a = a.add(c).add(b);
        (FLOAT_MAX ? a.max(lo) : a).intoArray(y, yo, m);
    }
}
