package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Kernels of {@link BitmapMatrix} over a group range; arguments were validated by the caller. */
final class BitmapKernels {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    /** The format's group height is 16 rows = one 512-bit vector. */
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private BitmapKernels() {}

    /** y = W·x: expand the packed values of each column into their rows, FMA, no branches. */
    static void vector(BitmapMatrix m, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                       int g0, int g1) {
        float[] v = m.values;
        char[] d = m.deltas;
        char[] bits = m.masks;
        int[] cp = m.colPtr;
        int[] vp = m.valuePtr;
        int rows = m.rows;
        for (int g = g0; g < g1; g++) {
            int q = cp[g], e = cp[g + 1], p = vp[g];
            int c = xOff;
            FloatVector a0 = FloatVector.zero(S16), a1 = a0, a2 = a0, a3 = a0;
            for (; q + 3 < e; q += 4) {
                int m0 = bits[q], m1 = bits[q + 1], m2 = bits[q + 2], m3 = bits[q + 3];
                c += d[q];
                FloatVector a0a = FloatVector.fromArray(S16, v, p).expand(VectorMask.fromLong(S16, m0));
                FloatVector a0b = FloatVector.broadcast(S16, x[c]);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                p += Integer.bitCount(m0);
                c += d[q + 1];
                FloatVector a1a = FloatVector.fromArray(S16, v, p).expand(VectorMask.fromLong(S16, m1));
                FloatVector a1b = FloatVector.broadcast(S16, x[c]);
                a1 = FMA ? a1a.fma(a1b, a1) : a1a.mul(a1b).add(a1);
                p += Integer.bitCount(m1);
                c += d[q + 2];
                FloatVector a2a = FloatVector.fromArray(S16, v, p).expand(VectorMask.fromLong(S16, m2));
                FloatVector a2b = FloatVector.broadcast(S16, x[c]);
                a2 = FMA ? a2a.fma(a2b, a2) : a2a.mul(a2b).add(a2);
                p += Integer.bitCount(m2);
                c += d[q + 3];
                FloatVector a3a = FloatVector.fromArray(S16, v, p).expand(VectorMask.fromLong(S16, m3));
                FloatVector a3b = FloatVector.broadcast(S16, x[c]);
                a3 = FMA ? a3a.fma(a3b, a3) : a3a.mul(a3b).add(a3);
                p += Integer.bitCount(m3);
            }
            for (; q < e; q++) {
                int m0 = bits[q];
                c += d[q];
                FloatVector a0a = FloatVector.fromArray(S16, v, p).expand(VectorMask.fromLong(S16, m0));
                FloatVector a0b = FloatVector.broadcast(S16, x[c]);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                p += Integer.bitCount(m0);
            }
            FloatVector acc = a0.add(a1).add(a2.add(a3));
            int row0 = g * BitmapMatrix.GROUP;
            if (row0 + BitmapMatrix.GROUP <= rows) {
                if (bias != null) acc = acc.add(FloatVector.fromArray(S16, bias, row0));
                if (relu) acc = acc.max(0f);
                acc.intoArray(y, yOff + row0);
            } else {
                VectorMask<Float> tail = S16.indexInRange(row0, rows);
                if (bias != null) acc = acc.add(FloatVector.fromArray(S16, bias, row0, tail));
                if (relu) acc = acc.max(0f);
                acc.intoArray(y, yOff + row0, tail);
            }
        }
    }

    /**
     * Y = W·X with X [K, n]. The group's 16 output rows of Y are first set to the bias, then each
     * kept weight adds {@code w · X[c, ·]} to its row (those rows stay in L1), then ReLU.
     */
    static void batch(BitmapMatrix m, float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu,
                      int g0, int g1) {
        float[] v = m.values;
        char[] d = m.deltas;
        char[] bits = m.masks;
        int[] cp = m.colPtr;
        int[] vp = m.valuePtr;
        int rows = m.rows;
        for (int g = g0; g < g1; g++) {
            int row0 = g * BitmapMatrix.GROUP, row1 = Math.min(rows, row0 + BitmapMatrix.GROUP);
            for (int r = row0; r < row1; r++) {
                java.util.Arrays.fill(y, yOff + r * n, yOff + (r + 1) * n, bias == null ? 0f : bias[r]);
            }
            int p = vp[g], xo = xOff;
            for (int q = cp[g]; q < cp[g + 1]; q++) {
                xo += d[q] * n;
                int mb = bits[q];
                while (mb != 0) {
                    int i = Integer.numberOfTrailingZeros(mb);
                    mb &= mb - 1;
                    axpy(v[p++], x, xo, y, yOff + (row0 + i) * n, n);
                }
            }
            if (relu) {
                for (int r = row0; r < row1; r++) relu(y, yOff + r * n, n);
            }
        }
    }

    private static void axpy(float w, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector wv = FloatVector.broadcast(S, w);
        int j = 0;
        for (; j + L <= n; j += L) {
            (FMA ? FloatVector.fromArray(S, x, xo + j).fma(wv, FloatVector.fromArray(S, y, yo + j)) : FloatVector.fromArray(S, x, xo + j).mul(wv).add(FloatVector.fromArray(S, y, yo + j))).intoArray(y, yo + j);
        }
        if (j < n) {
            VectorMask<Float> t = S.indexInRange(j, n);
            (FMA ? FloatVector.fromArray(S, x, xo + j, t).fma(wv, FloatVector.fromArray(S, y, yo + j, t)) : FloatVector.fromArray(S, x, xo + j, t).mul(wv).add(FloatVector.fromArray(S, y, yo + j, t))).intoArray(y, yo + j, t);
        }
    }

    private static void relu(float[] y, int at, int n) {
        int j = 0;
        for (; j + L <= n; j += L) FloatVector.fromArray(S, y, at + j).max(0f).intoArray(y, at + j);
        if (j < n) {
            VectorMask<Float> t = S.indexInRange(j, n);
            FloatVector.fromArray(S, y, at + j, t).max(0f).intoArray(y, at + j, t);
        }
    }
}
