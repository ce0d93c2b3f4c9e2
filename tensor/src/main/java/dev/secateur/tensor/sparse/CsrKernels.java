package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * CSR kernels over a row range; arguments were validated by the caller. Columns are absolute or
 * deltas along the row ({@link CsrMatrix#chain}).
 */
final class CsrKernels {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CsrKernels() {}

    /**
     * y = W·x with absolute columns and x at offset 0 over rows padded to multiples of eight
     * entries ({@link CsrMatrix#ROW_BLOCK}): eight independent sums per row, each load of x on
     * its own, and no tail. The loop's exit test is the row's end itself: on matrices of several MB
     * this form ran faster than {@link #vector}'s, on smaller ones no faster.
     */
    static void padded(float[] v, char[] col, int[] ptr, float[] x, float[] y, int yOff,
                       float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (; p < e; p += 8) {
                s0 = Fma.fma(v[p], x[col[p]], s0);
                s1 = Fma.fma(v[p + 1], x[col[p + 1]], s1);
                s2 = Fma.fma(v[p + 2], x[col[p + 2]], s2);
                s3 = Fma.fma(v[p + 3], x[col[p + 3]], s3);
                s4 = Fma.fma(v[p + 4], x[col[p + 4]], s4);
                s5 = Fma.fma(v[p + 5], x[col[p + 5]], s5);
                s6 = Fma.fma(v[p + 6], x[col[p + 6]], s6);
                s7 = Fma.fma(v[p + 7], x[col[p + 7]], s7);
            }
            y[yOff + r] = Epilogue.scalar(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), bias, r, relu);
        }
    }

    /** y = W·x with absolute columns and x at offset 0: eight independent sums per row, each load of x on its own. */
    static void vector(float[] v, char[] col, int[] ptr, float[] x, float[] y, int yOff,
                       float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (; p + 7 < e; p += 8) {
                s0 = Fma.fma(v[p], x[col[p]], s0);
                s1 = Fma.fma(v[p + 1], x[col[p + 1]], s1);
                s2 = Fma.fma(v[p + 2], x[col[p + 2]], s2);
                s3 = Fma.fma(v[p + 3], x[col[p + 3]], s3);
                s4 = Fma.fma(v[p + 4], x[col[p + 4]], s4);
                s5 = Fma.fma(v[p + 5], x[col[p + 5]], s5);
                s6 = Fma.fma(v[p + 6], x[col[p + 6]], s6);
                s7 = Fma.fma(v[p + 7], x[col[p + 7]], s7);
            }
            for (; p < e; p++) s0 = Fma.fma(v[p], x[col[p]], s0);
            y[yOff + r] = Epilogue.scalar(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), bias, r, relu);
        }
    }

    /** y = W·x with delta columns: one cursor per row, eight independent sums. */
    static void chained(float[] v, char[] d, int[] ptr, float[] x, int xOff, float[] y, int yOff,
                        float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            int c = xOff;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (; p + 7 < e; p += 8) {
                c += d[p];
                s0 = Fma.fma(v[p], x[c], s0);
                c += d[p + 1];
                s1 = Fma.fma(v[p + 1], x[c], s1);
                c += d[p + 2];
                s2 = Fma.fma(v[p + 2], x[c], s2);
                c += d[p + 3];
                s3 = Fma.fma(v[p + 3], x[c], s3);
                c += d[p + 4];
                s4 = Fma.fma(v[p + 4], x[c], s4);
                c += d[p + 5];
                s5 = Fma.fma(v[p + 5], x[c], s5);
                c += d[p + 6];
                s6 = Fma.fma(v[p + 6], x[c], s6);
                c += d[p + 7];
                s7 = Fma.fma(v[p + 7], x[c], s7);
            }
            for (; p < e; p++) {
                c += d[p];
                s0 = Fma.fma(v[p], x[c], s0);
            }
            y[yOff + r] = Epilogue.scalar(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), bias, r, relu);
        }
    }

    /**
     * Y = W·X with X [K, n] over each row's kept entries ({@code ptr[r]} to {@code end[r]}):
     * broadcast each weight, FMA against the batch vectors of its input row. Chunks of 4 vectors
     * use 8 accumulators (even entries and odd entries) so both FMA pipes stay busy; then single
     * vectors, then a masked tail.
     */
    static void batch(float[] v, char[] d, int chain, int[] ptr, int[] end, float[] x, int xOff, int n, float[] y, int yOff,
                      float[] bias, boolean relu, int r0, int r1) {
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int r = r0; r < r1; r++) {
            float b = bias == null ? 0f : bias[r];
            int yo = yOff + r * n;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) wide(v, d, chain, ptr[r], end[r], x, xOff + j, n, y, yo + j, b, lo);
            for (; j < n; j += L) narrow(v, d, chain, ptr[r], end[r], x, xOff + j, n, j, y, yo + j, b, lo);
            if (relu && !FLOAT_MAX) VectorMax.relu(y, yo, n); // the kernels stored without max
        }
    }

    private static void wide(float[] v, char[] d, int chain, int p, int e, float[] x, int xo, int n, float[] y, int yo,
                             float b, float lo) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        int k = 0;
        for (; p + 1 < e; p += 2) {
            k = (k & chain) + d[p];
            int i0 = xo + k * n;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            a0 = (FMA ? FloatVector.fromArray(S, x, i0).fma(w, a0) : FloatVector.fromArray(S, x, i0).mul(w).add(a0));
            a1 = (FMA ? FloatVector.fromArray(S, x, i0 + L).fma(w, a1) : FloatVector.fromArray(S, x, i0 + L).mul(w).add(a1));
            a2 = (FMA ? FloatVector.fromArray(S, x, i0 + 2 * L).fma(w, a2) : FloatVector.fromArray(S, x, i0 + 2 * L).mul(w).add(a2));
            a3 = (FMA ? FloatVector.fromArray(S, x, i0 + 3 * L).fma(w, a3) : FloatVector.fromArray(S, x, i0 + 3 * L).mul(w).add(a3));
            k = (k & chain) + d[p + 1];
            int i1 = xo + k * n;
            FloatVector u = FloatVector.broadcast(S, v[p + 1]);
            c0 = (FMA ? FloatVector.fromArray(S, x, i1).fma(u, c0) : FloatVector.fromArray(S, x, i1).mul(u).add(c0));
            c1 = (FMA ? FloatVector.fromArray(S, x, i1 + L).fma(u, c1) : FloatVector.fromArray(S, x, i1 + L).mul(u).add(c1));
            c2 = (FMA ? FloatVector.fromArray(S, x, i1 + 2 * L).fma(u, c2) : FloatVector.fromArray(S, x, i1 + 2 * L).mul(u).add(c2));
            c3 = (FMA ? FloatVector.fromArray(S, x, i1 + 3 * L).fma(u, c3) : FloatVector.fromArray(S, x, i1 + 3 * L).mul(u).add(c3));
        }
        if (p < e) {
            int i0 = xo + ((k & chain) + d[p]) * n;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            a0 = (FMA ? FloatVector.fromArray(S, x, i0).fma(w, a0) : FloatVector.fromArray(S, x, i0).mul(w).add(a0));
            a1 = (FMA ? FloatVector.fromArray(S, x, i0 + L).fma(w, a1) : FloatVector.fromArray(S, x, i0 + L).mul(w).add(a1));
            a2 = (FMA ? FloatVector.fromArray(S, x, i0 + 2 * L).fma(w, a2) : FloatVector.fromArray(S, x, i0 + 2 * L).mul(w).add(a2));
            a3 = (FMA ? FloatVector.fromArray(S, x, i0 + 3 * L).fma(w, a3) : FloatVector.fromArray(S, x, i0 + 3 * L).mul(w).add(a3));
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

    /** One batch vector (masked when partial); even entries in one sum, odd ones in the other. */
    private static void narrow(float[] v, char[] d, int chain, int p, int e, float[] x, int xo, int n, int j, float[] y, int yo,
                               float b, float lo) {
        VectorMask<Float> m = S.indexInRange(j, n);
        FloatVector a = FloatVector.zero(S), c = a;
        int k = 0;
        for (; p + 1 < e; p += 2) {
            k = (k & chain) + d[p];
            FloatVector xa = FloatVector.fromArray(S, x, xo + k * n, m), w = FloatVector.broadcast(S, v[p]);
            a = FMA ? xa.fma(w, a) : xa.mul(w).add(a);
            k = (k & chain) + d[p + 1];
            FloatVector xc = FloatVector.fromArray(S, x, xo + k * n, m), u = FloatVector.broadcast(S, v[p + 1]);
            c = FMA ? xc.fma(u, c) : xc.mul(u).add(c);
        }
        if (p < e) {
            FloatVector xa = FloatVector.fromArray(S, x, xo + ((k & chain) + d[p]) * n, m), w = FloatVector.broadcast(S, v[p]);
            a = FMA ? xa.fma(w, a) : xa.mul(w).add(a);
        }
        a = a.add(c).add(b);
        (FLOAT_MAX ? a.max(lo) : a).intoArray(y, yo, m);
    }
}
