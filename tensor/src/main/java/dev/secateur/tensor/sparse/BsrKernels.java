package dev.secateur.tensor.sparse;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** R×1 block kernels over a block-row range; arguments were validated by the caller. */
final class BsrKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** One lane per row of a 4×1 / 8×1 block: the block's R values are one contiguous vector. */
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;

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
                a0 = FloatVector.fromArray(S4, v, p * 4).fma(FloatVector.broadcast(S4, x[c]), a0);
                c += d[p + 1];
                a1 = FloatVector.fromArray(S4, v, p * 4 + 4).fma(FloatVector.broadcast(S4, x[c]), a1);
                c += d[p + 2];
                a2 = FloatVector.fromArray(S4, v, p * 4 + 8).fma(FloatVector.broadcast(S4, x[c]), a2);
                c += d[p + 3];
                a3 = FloatVector.fromArray(S4, v, p * 4 + 12).fma(FloatVector.broadcast(S4, x[c]), a3);
            }
            for (; p < e; p++) {
                c += d[p];
                a0 = FloatVector.fromArray(S4, v, p * 4).fma(FloatVector.broadcast(S4, x[c]), a0);
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
                a0 = FloatVector.fromArray(S8, v, p * 8).fma(FloatVector.broadcast(S8, x[c]), a0);
                c += d[p + 1];
                a1 = FloatVector.fromArray(S8, v, p * 8 + 8).fma(FloatVector.broadcast(S8, x[c]), a1);
                c += d[p + 2];
                a2 = FloatVector.fromArray(S8, v, p * 8 + 16).fma(FloatVector.broadcast(S8, x[c]), a2);
                c += d[p + 3];
                a3 = FloatVector.fromArray(S8, v, p * 8 + 24).fma(FloatVector.broadcast(S8, x[c]), a3);
            }
            for (; p < e; p++) {
                c += d[p];
                a0 = FloatVector.fromArray(S8, v, p * 8).fma(FloatVector.broadcast(S8, x[c]), a0);
            }
            finish(a0.add(a1).add(a2.add(a3)), S8, br * 8, rows, y, yOff, bias, relu);
        }
    }

    /** Bias, ReLU and store of one block row's outputs; the last block row may be partial. */
    private static void finish(FloatVector acc, VectorSpecies<Float> sp, int row0, int rows, float[] y, int yOff,
                               float[] bias, boolean relu) {
        if (row0 + sp.length() <= rows) {
            if (bias != null) acc = acc.add(FloatVector.fromArray(sp, bias, row0));
            if (relu) acc = acc.max(0f);
            acc.intoArray(y, yOff + row0);
        } else {
            VectorMask<Float> m = sp.indexInRange(row0, rows);
            if (bias != null) acc = acc.add(FloatVector.fromArray(sp, bias, row0, m));
            if (relu) acc = acc.max(0f);
            acc.intoArray(y, yOff + row0, m);
        }
    }

    /**
     * Four output rows ({@code row0..row0+3}, of which {@code valid} exist) of one block row, for
     * Y = W·X with X [K, n]. The weight of row i in block p is {@code v[p*stride + q + i]}. A
     * 4-row × 4-vector tile (16 accumulators) loads each input vector once for four FMAs.
     */
    static void batchQuad(float[] v, char[] d, int p0, int e, int stride, int q, int valid, int row0,
                          float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu) {
        float bi0 = biasAt(bias, row0, 0, valid), bi1 = biasAt(bias, row0, 1, valid);
        float bi2 = biasAt(bias, row0, 2, valid), bi3 = biasAt(bias, row0, 3, valid);
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector z = FloatVector.zero(S);
            FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
            FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
            int xo = xOff + j;
            for (int p = p0; p < e; p++) {
                xo += d[p] * n;
                int w = p * stride + q;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector x1 = FloatVector.fromArray(S, x, xo + L);
                FloatVector x2 = FloatVector.fromArray(S, x, xo + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, xo + 3 * L);
                FloatVector w0 = FloatVector.broadcast(S, v[w]);
                a00 = x0.fma(w0, a00); a01 = x1.fma(w0, a01); a02 = x2.fma(w0, a02); a03 = x3.fma(w0, a03);
                FloatVector w1 = FloatVector.broadcast(S, v[w + 1]);
                a10 = x0.fma(w1, a10); a11 = x1.fma(w1, a11); a12 = x2.fma(w1, a12); a13 = x3.fma(w1, a13);
                FloatVector w2 = FloatVector.broadcast(S, v[w + 2]);
                a20 = x0.fma(w2, a20); a21 = x1.fma(w2, a21); a22 = x2.fma(w2, a22); a23 = x3.fma(w2, a23);
                FloatVector w3 = FloatVector.broadcast(S, v[w + 3]);
                a30 = x0.fma(w3, a30); a31 = x1.fma(w3, a31); a32 = x2.fma(w3, a32); a33 = x3.fma(w3, a33);
            }
            int yo = yOff + row0 * n + j;
            store4(a00, a01, a02, a03, bi0, relu, y, yo);
            if (valid > 1) store4(a10, a11, a12, a13, bi1, relu, y, yo + n);
            if (valid > 2) store4(a20, a21, a22, a23, bi2, relu, y, yo + 2 * n);
            if (valid > 3) store4(a30, a31, a32, a33, bi3, relu, y, yo + 3 * n);
        }
        for (; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            boolean full = j + L <= n;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int xo = xOff + j;
            for (int p = p0; p < e; p++) {
                xo += d[p] * n;
                int w = p * stride + q;
                FloatVector x0 = full ? FloatVector.fromArray(S, x, xo) : FloatVector.fromArray(S, x, xo, m);
                a0 = x0.fma(FloatVector.broadcast(S, v[w]), a0);
                a1 = x0.fma(FloatVector.broadcast(S, v[w + 1]), a1);
                a2 = x0.fma(FloatVector.broadcast(S, v[w + 2]), a2);
                a3 = x0.fma(FloatVector.broadcast(S, v[w + 3]), a3);
            }
            int yo = yOff + row0 * n + j;
            Epilogue.store(a0, bi0, relu, y, yo, m);
            if (valid > 1) Epilogue.store(a1, bi1, relu, y, yo + n, m);
            if (valid > 2) Epilogue.store(a2, bi2, relu, y, yo + 2 * n, m);
            if (valid > 3) Epilogue.store(a3, bi3, relu, y, yo + 3 * n, m);
        }
    }

    private static float biasAt(float[] bias, int row0, int i, int valid) {
        return bias == null || i >= valid ? 0f : bias[row0 + i];
    }

    private static void store4(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float b, boolean relu,
                               float[] y, int at) {
        Epilogue.store(a0, b, relu, y, at);
        Epilogue.store(a1, b, relu, y, at + L);
        Epilogue.store(a2, b, relu, y, at + 2 * L);
        Epilogue.store(a3, b, relu, y, at + 3 * L);
    }
}
