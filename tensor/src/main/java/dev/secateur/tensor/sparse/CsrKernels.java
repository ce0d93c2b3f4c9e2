package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * CSR kernels over a row range; arguments were validated by the caller. Entry q of a row moves
 * cursor {@code q % 4} ({@link CsrMatrix#CHAINS}), so the loops are unrolled by four entries.
 */
final class CsrKernels {
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
            a0 = fma(FloatVector.fromArray(S, x, i0), w, a0);
            a1 = fma(FloatVector.fromArray(S, x, i0 + L), w, a1);
            a2 = fma(FloatVector.fromArray(S, x, i0 + 2 * L), w, a2);
            a3 = fma(FloatVector.fromArray(S, x, i0 + 3 * L), w, a3);
            FloatVector u = FloatVector.broadcast(S, v[p + 1]);
            c0 = fma(FloatVector.fromArray(S, x, i1), u, c0);
            c1 = fma(FloatVector.fromArray(S, x, i1 + L), u, c1);
            c2 = fma(FloatVector.fromArray(S, x, i1 + 2 * L), u, c2);
            c3 = fma(FloatVector.fromArray(S, x, i1 + 3 * L), u, c3);
            int i2 = xo + k2 * n, i3 = xo + k3 * n;
            w = FloatVector.broadcast(S, v[p + 2]);
            a0 = fma(FloatVector.fromArray(S, x, i2), w, a0);
            a1 = fma(FloatVector.fromArray(S, x, i2 + L), w, a1);
            a2 = fma(FloatVector.fromArray(S, x, i2 + 2 * L), w, a2);
            a3 = fma(FloatVector.fromArray(S, x, i2 + 3 * L), w, a3);
            u = FloatVector.broadcast(S, v[p + 3]);
            c0 = fma(FloatVector.fromArray(S, x, i3), u, c0);
            c1 = fma(FloatVector.fromArray(S, x, i3 + L), u, c1);
            c2 = fma(FloatVector.fromArray(S, x, i3 + 2 * L), u, c2);
            c3 = fma(FloatVector.fromArray(S, x, i3 + 3 * L), u, c3);
        }
        if (p < e) {
            int i0 = xo + (k0 + d[p]) * n;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            a0 = fma(FloatVector.fromArray(S, x, i0), w, a0);
            a1 = fma(FloatVector.fromArray(S, x, i0 + L), w, a1);
            a2 = fma(FloatVector.fromArray(S, x, i0 + 2 * L), w, a2);
            a3 = fma(FloatVector.fromArray(S, x, i0 + 3 * L), w, a3);
        }
        if (p + 1 < e) {
            int i1 = xo + (k1 + d[p + 1]) * n;
            FloatVector u = FloatVector.broadcast(S, v[p + 1]);
            c0 = fma(FloatVector.fromArray(S, x, i1), u, c0);
            c1 = fma(FloatVector.fromArray(S, x, i1 + L), u, c1);
            c2 = fma(FloatVector.fromArray(S, x, i1 + 2 * L), u, c2);
            c3 = fma(FloatVector.fromArray(S, x, i1 + 3 * L), u, c3);
        }
        if (p + 2 < e) {
            int i2 = xo + (k2 + d[p + 2]) * n;
            FloatVector w = FloatVector.broadcast(S, v[p + 2]);
            a0 = fma(FloatVector.fromArray(S, x, i2), w, a0);
            a1 = fma(FloatVector.fromArray(S, x, i2 + L), w, a1);
            a2 = fma(FloatVector.fromArray(S, x, i2 + 2 * L), w, a2);
            a3 = fma(FloatVector.fromArray(S, x, i2 + 3 * L), w, a3);
        }
        a0.add(c0).add(b).max(lo).intoArray(y, yo);
        a1.add(c1).add(b).max(lo).intoArray(y, yo + L);
        a2.add(c2).add(b).max(lo).intoArray(y, yo + 2 * L);
        a3.add(c3).add(b).max(lo).intoArray(y, yo + 3 * L);
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
            a = fma(FloatVector.fromArray(S, x, xo + k0 * n, m), FloatVector.broadcast(S, v[p]), a);
            c = fma(FloatVector.fromArray(S, x, xo + k1 * n, m), FloatVector.broadcast(S, v[p + 1]), c);
            a = fma(FloatVector.fromArray(S, x, xo + k2 * n, m), FloatVector.broadcast(S, v[p + 2]), a);
            c = fma(FloatVector.fromArray(S, x, xo + k3 * n, m), FloatVector.broadcast(S, v[p + 3]), c);
        }
        if (p < e) a = fma(FloatVector.fromArray(S, x, xo + (k0 + d[p]) * n, m), FloatVector.broadcast(S, v[p]), a);
        if (p + 1 < e) c = fma(FloatVector.fromArray(S, x, xo + (k1 + d[p + 1]) * n, m), FloatVector.broadcast(S, v[p + 1]), c);
        if (p + 2 < e) a = fma(FloatVector.fromArray(S, x, xo + (k2 + d[p + 2]) * n, m), FloatVector.broadcast(S, v[p + 2]), a);
        a.add(c).add(b).max(lo).intoArray(y, yo, m);
    }

    /** {@code a·b + c}: fused where the CPU has FMA, else multiply then add (see {@link VectorPlatform#FMA}). */
    private static FloatVector fma(FloatVector a, FloatVector b, FloatVector c) {
        return VectorPlatform.FMA ? a.fma(b, c) : a.mul(b).add(c);
    }
}
