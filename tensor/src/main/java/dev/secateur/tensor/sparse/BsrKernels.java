package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** R×1 block kernels over a block-row range; arguments were validated by the caller. */
final class BsrKernels {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** One lane per row of a 4×1 / 8×1 / 16×1 block: the block's R values are one contiguous vector. */
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;

    private BsrKernels() {}

    static void vector4(BsrMatrix m, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                        int b0, int b1) {
        float[] v = m.values;
        char[] d = m.deltas;
        int[] ptr = m.blockPtr;
        int rows = m.rows;
        for (int br = b0; br < b1; br++) {
            int p = ptr[br], e = ptr[br + 1];
            int c = xOff;
            FloatVector a0 = FloatVector.zero(S4), a1 = a0, a2 = a0, a3 = a0;
            for (; p + 3 < e; p += 4) {
                c += d[p];
                FloatVector a0a = FloatVector.fromArray(S4, v, p * 4);
                FloatVector a0b = FloatVector.broadcast(S4, x[c]);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                c += d[p + 1];
                FloatVector a1a = FloatVector.fromArray(S4, v, p * 4 + 4);
                FloatVector a1b = FloatVector.broadcast(S4, x[c]);
                a1 = FMA ? a1a.fma(a1b, a1) : a1a.mul(a1b).add(a1);
                c += d[p + 2];
                FloatVector a2a = FloatVector.fromArray(S4, v, p * 4 + 8);
                FloatVector a2b = FloatVector.broadcast(S4, x[c]);
                a2 = FMA ? a2a.fma(a2b, a2) : a2a.mul(a2b).add(a2);
                c += d[p + 3];
                FloatVector a3a = FloatVector.fromArray(S4, v, p * 4 + 12);
                FloatVector a3b = FloatVector.broadcast(S4, x[c]);
                a3 = FMA ? a3a.fma(a3b, a3) : a3a.mul(a3b).add(a3);
            }
            for (; p < e; p++) {
                c += d[p];
                FloatVector a0a = FloatVector.fromArray(S4, v, p * 4);
                FloatVector a0b = FloatVector.broadcast(S4, x[c]);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
            }
            finish(a0.add(a1).add(a2.add(a3)), S4, br * 4, rows, y, yOff, bias, relu);
        }
    }

    static void vector8(BsrMatrix m, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                        int b0, int b1) {
        float[] v = m.values;
        char[] d = m.deltas;
        int[] ptr = m.blockPtr;
        int rows = m.rows;
        for (int br = b0; br < b1; br++) {
            int p = ptr[br], e = ptr[br + 1];
            int c = xOff;
            FloatVector a0 = FloatVector.zero(S8), a1 = a0, a2 = a0, a3 = a0;
            for (; p + 3 < e; p += 4) {
                c += d[p];
                FloatVector a0a = FloatVector.fromArray(S8, v, p * 8);
                FloatVector a0b = FloatVector.broadcast(S8, x[c]);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                c += d[p + 1];
                FloatVector a1a = FloatVector.fromArray(S8, v, p * 8 + 8);
                FloatVector a1b = FloatVector.broadcast(S8, x[c]);
                a1 = FMA ? a1a.fma(a1b, a1) : a1a.mul(a1b).add(a1);
                c += d[p + 2];
                FloatVector a2a = FloatVector.fromArray(S8, v, p * 8 + 16);
                FloatVector a2b = FloatVector.broadcast(S8, x[c]);
                a2 = FMA ? a2a.fma(a2b, a2) : a2a.mul(a2b).add(a2);
                c += d[p + 3];
                FloatVector a3a = FloatVector.fromArray(S8, v, p * 8 + 24);
                FloatVector a3b = FloatVector.broadcast(S8, x[c]);
                a3 = FMA ? a3a.fma(a3b, a3) : a3a.mul(a3b).add(a3);
            }
            for (; p < e; p++) {
                c += d[p];
                FloatVector a0a = FloatVector.fromArray(S8, v, p * 8);
                FloatVector a0b = FloatVector.broadcast(S8, x[c]);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
            }
            finish(a0.add(a1).add(a2.add(a3)), S8, br * 8, rows, y, yOff, bias, relu);
        }
    }

    static void vector16(BsrMatrix m, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                        int b0, int b1) {
        float[] v = m.values;
        char[] d = m.deltas;
        int[] ptr = m.blockPtr;
        int rows = m.rows;
        for (int br = b0; br < b1; br++) {
            int p = ptr[br], e = ptr[br + 1];
            int c = xOff;
            FloatVector a0 = FloatVector.zero(S16), a1 = a0, a2 = a0, a3 = a0;
            for (; p + 3 < e; p += 4) {
                c += d[p];
                FloatVector a0a = FloatVector.fromArray(S16, v, p * 16);
                FloatVector a0b = FloatVector.broadcast(S16, x[c]);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                c += d[p + 1];
                FloatVector a1a = FloatVector.fromArray(S16, v, p * 16 + 16);
                FloatVector a1b = FloatVector.broadcast(S16, x[c]);
                a1 = FMA ? a1a.fma(a1b, a1) : a1a.mul(a1b).add(a1);
                c += d[p + 2];
                FloatVector a2a = FloatVector.fromArray(S16, v, p * 16 + 32);
                FloatVector a2b = FloatVector.broadcast(S16, x[c]);
                a2 = FMA ? a2a.fma(a2b, a2) : a2a.mul(a2b).add(a2);
                c += d[p + 3];
                FloatVector a3a = FloatVector.fromArray(S16, v, p * 16 + 48);
                FloatVector a3b = FloatVector.broadcast(S16, x[c]);
                a3 = FMA ? a3a.fma(a3b, a3) : a3a.mul(a3b).add(a3);
            }
            for (; p < e; p++) {
                c += d[p];
                FloatVector a0a = FloatVector.fromArray(S16, v, p * 16);
                FloatVector a0b = FloatVector.broadcast(S16, x[c]);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
            }
            finish(a0.add(a1).add(a2.add(a3)), S16, br * 16, rows, y, yOff, bias, relu);
        }
    }

    /** Bias, ReLU and store of one block row's outputs; the last block row may be partial. */
    private static void finish(FloatVector acc, VectorSpecies<Float> sp, int row0, int rows, float[] y, int yOff,
                               float[] bias, boolean relu) {
        if (row0 + sp.length() <= rows) {
            if (bias != null) acc = acc.add(FloatVector.fromArray(sp, bias, row0));
            if (relu) acc = FLOAT_MAX ? acc.max(0f) : VectorMax.relu(acc);
            acc.intoArray(y, yOff + row0);
        } else {
            VectorMask<Float> m = sp.indexInRange(row0, rows);
            if (bias != null) acc = acc.add(FloatVector.fromArray(sp, bias, row0, m));
            if (relu) acc = FLOAT_MAX ? acc.max(0f) : VectorMax.relu(acc);
            acc.intoArray(y, yOff + row0, m);
        }
    }

    /**
     * Four output rows ({@code row0..row0+3}, of which the first {@code valid} exist; {@code valid}
     * may exceed 4, the rows left in the matrix) of one block row, for
     * Y = W·X with X [K, n]. The weight of row i in block p is {@code v[p*stride + q + i]}.
     */
    static void batchQuad(float[] v, char[] d, int p0, int e, int stride, int q, int valid, int row0,
                          float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu) {
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) quadWide(v, d, p0, e, stride, q, valid, row0, x, xOff + j, n, y, yOff + j, bias, lo);
        for (; j < n; j += L) quadNarrow(v, d, p0, e, stride, q, valid, row0, x, xOff + j, n, j, y, yOff + j, bias, lo);
        if (relu && !FLOAT_MAX) { // the kernels stored without max
            // Only this quad's rows: the rows after it may belong to another thread's range.
            for (int i = 0; i < Math.min(valid, 4); i++) VectorMax.relu(y, yOff + (row0 + i) * n, n);
        }
    }

    private static float biasAt(float[] bias, int row0, int i, int valid) {
        return bias == null || i >= valid ? 0f : bias[row0 + i];
    }

    /**
     * A 4-row × 4-vector tile (16 accumulators): each input vector is loaded once for four FMAs.
     * The stores are written out here (no helper taking vectors) so that C2 keeps every vector
     * in a register; {@code max(lo)} is the ReLU ({@code lo = 0}) or the identity ({@code -∞}).
     */
    private static void quadWide(float[] v, char[] d, int p0, int e, int stride, int q, int valid, int row0,
                                 float[] x, int xo, int n, float[] y, int yo, float[] bias, float lo) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        int c = 0;
        for (int p = p0; p < e; p++) {
            c += d[p];
            int xi = xo + c * n;
            int w = p * stride + q;
            FloatVector x0 = FloatVector.fromArray(S, x, xi);
            FloatVector x1 = FloatVector.fromArray(S, x, xi + L);
            FloatVector x2 = FloatVector.fromArray(S, x, xi + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, x, xi + 3 * L);
            FloatVector w0 = FloatVector.broadcast(S, v[w]);
            a00 = (FMA ? x0.fma(w0, a00) : x0.mul(w0).add(a00)); a01 = (FMA ? x1.fma(w0, a01) : x1.mul(w0).add(a01)); a02 = (FMA ? x2.fma(w0, a02) : x2.mul(w0).add(a02)); a03 = (FMA ? x3.fma(w0, a03) : x3.mul(w0).add(a03));
            FloatVector w1 = FloatVector.broadcast(S, v[w + 1]);
            a10 = (FMA ? x0.fma(w1, a10) : x0.mul(w1).add(a10)); a11 = (FMA ? x1.fma(w1, a11) : x1.mul(w1).add(a11)); a12 = (FMA ? x2.fma(w1, a12) : x2.mul(w1).add(a12)); a13 = (FMA ? x3.fma(w1, a13) : x3.mul(w1).add(a13));
            FloatVector w2 = FloatVector.broadcast(S, v[w + 2]);
            a20 = (FMA ? x0.fma(w2, a20) : x0.mul(w2).add(a20)); a21 = (FMA ? x1.fma(w2, a21) : x1.mul(w2).add(a21)); a22 = (FMA ? x2.fma(w2, a22) : x2.mul(w2).add(a22)); a23 = (FMA ? x3.fma(w2, a23) : x3.mul(w2).add(a23));
            FloatVector w3 = FloatVector.broadcast(S, v[w + 3]);
            a30 = (FMA ? x0.fma(w3, a30) : x0.mul(w3).add(a30)); a31 = (FMA ? x1.fma(w3, a31) : x1.mul(w3).add(a31)); a32 = (FMA ? x2.fma(w3, a32) : x2.mul(w3).add(a32)); a33 = (FMA ? x3.fma(w3, a33) : x3.mul(w3).add(a33));
        }
        int o = yo + row0 * n;
        float b = biasAt(bias, row0, 0, valid);
        a00 = a00.add(b);
        (FLOAT_MAX ? a00.max(lo) : a00).intoArray(y, o);
        a01 = a01.add(b);
        (FLOAT_MAX ? a01.max(lo) : a01).intoArray(y, o + L);
        a02 = a02.add(b);
        (FLOAT_MAX ? a02.max(lo) : a02).intoArray(y, o + 2 * L);
        a03 = a03.add(b);
        (FLOAT_MAX ? a03.max(lo) : a03).intoArray(y, o + 3 * L);
        if (valid < 2) return;
        o += n;
        b = biasAt(bias, row0, 1, valid);
        a10 = a10.add(b);
        (FLOAT_MAX ? a10.max(lo) : a10).intoArray(y, o);
        a11 = a11.add(b);
        (FLOAT_MAX ? a11.max(lo) : a11).intoArray(y, o + L);
        a12 = a12.add(b);
        (FLOAT_MAX ? a12.max(lo) : a12).intoArray(y, o + 2 * L);
        a13 = a13.add(b);
        (FLOAT_MAX ? a13.max(lo) : a13).intoArray(y, o + 3 * L);
        if (valid < 3) return;
        o += n;
        b = biasAt(bias, row0, 2, valid);
        a20 = a20.add(b);
        (FLOAT_MAX ? a20.max(lo) : a20).intoArray(y, o);
        a21 = a21.add(b);
        (FLOAT_MAX ? a21.max(lo) : a21).intoArray(y, o + L);
        a22 = a22.add(b);
        (FLOAT_MAX ? a22.max(lo) : a22).intoArray(y, o + 2 * L);
        a23 = a23.add(b);
        (FLOAT_MAX ? a23.max(lo) : a23).intoArray(y, o + 3 * L);
        if (valid < 4) return;
        o += n;
        b = biasAt(bias, row0, 3, valid);
        a30 = a30.add(b);
        (FLOAT_MAX ? a30.max(lo) : a30).intoArray(y, o);
        a31 = a31.add(b);
        (FLOAT_MAX ? a31.max(lo) : a31).intoArray(y, o + L);
        a32 = a32.add(b);
        (FLOAT_MAX ? a32.max(lo) : a32).intoArray(y, o + 2 * L);
        a33 = a33.add(b);
        (FLOAT_MAX ? a33.max(lo) : a33).intoArray(y, o + 3 * L);
    }

    /** One (possibly partial, masked) batch vector for the four rows. */
    private static void quadNarrow(float[] v, char[] d, int p0, int e, int stride, int q, int valid, int row0,
                                   float[] x, int xo, int n, int j, float[] y, int yo, float[] bias, float lo) {
        VectorMask<Float> m = S.indexInRange(j, n);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int c = 0;
        for (int p = p0; p < e; p++) {
            c += d[p];
            int w = p * stride + q;
            FloatVector x0 = FloatVector.fromArray(S, x, xo + c * n, m);
            a0 = (FMA ? x0.fma(FloatVector.broadcast(S, v[w]), a0) : x0.mul(FloatVector.broadcast(S, v[w])).add(a0));
            FloatVector a1b = FloatVector.broadcast(S, v[w + 1]);
            a1 = FMA ? x0.fma(a1b, a1) : x0.mul(a1b).add(a1);
            FloatVector a2b = FloatVector.broadcast(S, v[w + 2]);
            a2 = FMA ? x0.fma(a2b, a2) : x0.mul(a2b).add(a2);
            FloatVector a3b = FloatVector.broadcast(S, v[w + 3]);
            a3 = FMA ? x0.fma(a3b, a3) : x0.mul(a3b).add(a3);
        }
        int o = yo + row0 * n;
        a0 = a0.add(biasAt(bias, row0, 0, valid));
        (FLOAT_MAX ? a0.max(lo) : a0).intoArray(y, o, m);
        if (valid > 1) {
            a1 = a1.add(biasAt(bias, row0, 1, valid));
            (FLOAT_MAX ? a1.max(lo) : a1).intoArray(y, o + n, m);
        }
        if (valid > 2) {
            a2 = a2.add(biasAt(bias, row0, 2, valid));
            (FLOAT_MAX ? a2.max(lo) : a2).intoArray(y, o + 2 * n, m);
        }
        if (valid > 3) {
            a3 = a3.add(biasAt(bias, row0, 3, valid));
            (FLOAT_MAX ? a3.max(lo) : a3).intoArray(y, o + 3 * n, m);
        }
    }



}
