package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products with very few rows, for convolutions with few filters (LeNet's first layer has 6), where
 * a packed GEMM spends its time packing and filling an 8-row tile with 6 rows.
 *
 * <p>{@link #abt}: {@code C = beta·C + A·Bᵀ} for short, wide operands (A is m×k, B is n×k, both row-major, k
 * large): each C entry is a dot product of two contiguous k-long rows. This is the weight
 * gradient (6 filters × 25 taps, k = 576 output pixels). Blocks of 2 A rows × 4 B rows keep 8
 * accumulators in registers (6 loads per 8 FMAs); the lanes are summed in a fixed order
 * ({@link Lanes#sum}), so results are deterministic.
 *
 * <p>{@link #ab}: {@code C = A·B} with A {@code m×k} small and B {@code k×n} wide — the forward
 * product. Blocks of 2 C rows × 2 vectors of columns accumulate over k with broadcast A values.
 */
final class RowDots {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private RowDots() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** {@code beta} is 0 (C is overwritten) or 1 (accumulate). */
    static void abt(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int j = 0;
            for (; j + 4 <= n; j += 4) block2x4(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, beta, c, cOff + i * ldc + j, ldc);
            for (; j < n; j++) {
                single(k, a, aOff + i * lda, b, bOff + j * ldb, beta, c, cOff + i * ldc + j);
                single(k, a, aOff + (i + 1) * lda, b, bOff + j * ldb, beta, c, cOff + (i + 1) * ldc + j);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) single(k, a, aOff + i * lda, b, bOff + j * ldb, beta, c, cOff + i * ldc + j);
        }
    }

    private static void block2x4(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                                 float beta, float[] c, int c0, int ldc) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        int a1 = a0 + lda, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int p = 0;
        for (int ub = S.loopBound(k); p < ub; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p), x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p), y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p), y3 = FloatVector.fromArray(S, b, b3 + p);
            s00 = (FMA ? x0.fma(y0, s00) : x0.mul(y0).add(s00));
            s01 = (FMA ? x0.fma(y1, s01) : x0.mul(y1).add(s01));
            s02 = (FMA ? x0.fma(y2, s02) : x0.mul(y2).add(s02));
            s03 = (FMA ? x0.fma(y3, s03) : x0.mul(y3).add(s03));
            s10 = (FMA ? x1.fma(y0, s10) : x1.mul(y0).add(s10));
            s11 = (FMA ? x1.fma(y1, s11) : x1.mul(y1).add(s11));
            s12 = (FMA ? x1.fma(y2, s12) : x1.mul(y2).add(s12));
            s13 = (FMA ? x1.fma(y3, s13) : x1.mul(y3).add(s13));
        }
        if (p < k) { // the tail: masked lanes load as 0 and add nothing
            VectorMask<Float> m = tail(k - p);
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p, m), x1 = FloatVector.fromArray(S, a, a1 + p, m);
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p, m), y1 = FloatVector.fromArray(S, b, b1 + p, m);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p, m), y3 = FloatVector.fromArray(S, b, b3 + p, m);
            s00 = (FMA ? x0.fma(y0, s00) : x0.mul(y0).add(s00));
            s01 = (FMA ? x0.fma(y1, s01) : x0.mul(y1).add(s01));
            s02 = (FMA ? x0.fma(y2, s02) : x0.mul(y2).add(s02));
            s03 = (FMA ? x0.fma(y3, s03) : x0.mul(y3).add(s03));
            s10 = (FMA ? x1.fma(y0, s10) : x1.mul(y0).add(s10));
            s11 = (FMA ? x1.fma(y1, s11) : x1.mul(y1).add(s11));
            s12 = (FMA ? x1.fma(y2, s12) : x1.mul(y2).add(s12));
            s13 = (FMA ? x1.fma(y3, s13) : x1.mul(y3).add(s13));
        }
        store(s00, beta, c, c0);
        store(s01, beta, c, c0 + 1);
        store(s02, beta, c, c0 + 2);
        store(s03, beta, c, c0 + 3);
        store(s10, beta, c, c0 + ldc);
        store(s11, beta, c, c0 + ldc + 1);
        store(s12, beta, c, c0 + ldc + 2);
        store(s13, beta, c, c0 + ldc + 3);
    }

    private static void single(int k, float[] a, int a0, float[] b, int b0, float beta, float[] c, int ci) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (int ub = S.loopBound(k); p < ub; p += L) {
            FloatVector sa = FloatVector.fromArray(S, a, a0 + p);
            FloatVector sb = FloatVector.fromArray(S, b, b0 + p);
            s = FMA ? sa.fma(sb, s) : sa.mul(sb).add(s);
        }
        if (p < k) {
            VectorMask<Float> m = tail(k - p);
            FloatVector sa = FloatVector.fromArray(S, a, a0 + p, m);
            FloatVector sb = FloatVector.fromArray(S, b, b0 + p, m);
            s = FMA ? sa.fma(sb, s) : sa.mul(sb).add(s);
        }
        store(s, beta, c, ci);
    }

    /** {@code C = A·B} (C overwritten) for few rows m: A {@code m×k}, B {@code k×n}, all row-major. */
    static void ab(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i += 2) {
            boolean two = i + 1 < m;
            int ai = aOff + i * lda, ci = cOff + i * ldc;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                if (two) rows2(k, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc);
                else row1(k, a, ai, b, bOff + j, ldb, c, ci + j);
            }
            for (; j < n; j += L) { // the last one or two column vectors, masked
                VectorMask<Float> mj = j + L <= n ? S.maskAll(true) : tail(n - j);
                rowsMasked(k, a, ai, lda, two, b, bOff + j, ldb, c, ci + j, ldc, mj);
            }
        }
    }

    private static void rows2(int k, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] c, int cj, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + p]), a1 = FloatVector.broadcast(S, a[ai + lda + p]);
            c00 = (FMA ? a0.fma(b0, c00) : a0.mul(b0).add(c00));
            c01 = (FMA ? a0.fma(b1, c01) : a0.mul(b1).add(c01));
            c10 = (FMA ? a1.fma(b0, c10) : a1.mul(b0).add(c10));
            c11 = (FMA ? a1.fma(b1, c11) : a1.mul(b1).add(c11));
        }
        c00.intoArray(c, cj);
        c01.intoArray(c, cj + L);
        c10.intoArray(c, cj + ldc);
        c11.intoArray(c, cj + ldc + L);
    }

    private static void row1(int k, float[] a, int ai, float[] b, int bj, int ldb, float[] c, int cj) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00;
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector a0 = FloatVector.broadcast(S, a[ai + p]);
            FloatVector c00b = FloatVector.fromArray(S, b, bp);
            c00 = FMA ? a0.fma(c00b, c00) : a0.mul(c00b).add(c00);
            FloatVector c01b = FloatVector.fromArray(S, b, bp + L);
            c01 = FMA ? a0.fma(c01b, c01) : a0.mul(c01b).add(c01);
        }
        c00.intoArray(c, cj);
        c01.intoArray(c, cj + L);
    }

    private static void rowsMasked(int k, float[] a, int ai, int lda, boolean two, float[] b, int bj, int ldb,
                                   float[] c, int cj, int ldc, VectorMask<Float> m) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector bv = FloatVector.fromArray(S, b, bp, m);
            FloatVector c0a = FloatVector.broadcast(S, a[ai + p]);
            c0 = FMA ? c0a.fma(bv, c0) : c0a.mul(bv).add(c0);
            if (two) c1 = (FMA ? FloatVector.broadcast(S, a[ai + lda + p]).fma(bv, c1) : FloatVector.broadcast(S, a[ai + lda + p]).mul(bv).add(c1));
        }
        c0.intoArray(c, cj, m);
        if (two) c1.intoArray(c, cj + ldc, m);
    }

    /** Lanes {@code [0, n)} for {@code 0 < n < L}, from a bit pattern. */
    private static VectorMask<Float> tail(int n) {
        return VectorMask.fromLong(S, (1L << n) - 1);
    }

    private static void store(FloatVector sum, float beta, float[] c, int ci) {
        float v = Lanes.sum(sum);
        c[ci] = beta == 0f ? v : c[ci] + v;
    }
}
