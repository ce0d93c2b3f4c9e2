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
            s00 = fma(x0, y0, s00);
            s01 = fma(x0, y1, s01);
            s02 = fma(x0, y2, s02);
            s03 = fma(x0, y3, s03);
            s10 = fma(x1, y0, s10);
            s11 = fma(x1, y1, s11);
            s12 = fma(x1, y2, s12);
            s13 = fma(x1, y3, s13);
        }
        if (p < k) { // the tail: masked lanes load as 0 and add nothing
            VectorMask<Float> m = tail(k - p);
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p, m), x1 = FloatVector.fromArray(S, a, a1 + p, m);
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p, m), y1 = FloatVector.fromArray(S, b, b1 + p, m);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p, m), y3 = FloatVector.fromArray(S, b, b3 + p, m);
            s00 = fma(x0, y0, s00);
            s01 = fma(x0, y1, s01);
            s02 = fma(x0, y2, s02);
            s03 = fma(x0, y3, s03);
            s10 = fma(x1, y0, s10);
            s11 = fma(x1, y1, s11);
            s12 = fma(x1, y2, s12);
            s13 = fma(x1, y3, s13);
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
            s = fma(FloatVector.fromArray(S, a, a0 + p), FloatVector.fromArray(S, b, b0 + p), s);
        }
        if (p < k) {
            VectorMask<Float> m = tail(k - p);
            s = fma(FloatVector.fromArray(S, a, a0 + p, m), FloatVector.fromArray(S, b, b0 + p, m), s);
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
            c00 = fma(a0, b0, c00);
            c01 = fma(a0, b1, c01);
            c10 = fma(a1, b0, c10);
            c11 = fma(a1, b1, c11);
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
            c00 = fma(a0, FloatVector.fromArray(S, b, bp), c00);
            c01 = fma(a0, FloatVector.fromArray(S, b, bp + L), c01);
        }
        c00.intoArray(c, cj);
        c01.intoArray(c, cj + L);
    }

    private static void rowsMasked(int k, float[] a, int ai, int lda, boolean two, float[] b, int bj, int ldb,
                                   float[] c, int cj, int ldc, VectorMask<Float> m) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector bv = FloatVector.fromArray(S, b, bp, m);
            c0 = fma(FloatVector.broadcast(S, a[ai + p]), bv, c0);
            if (two) c1 = fma(FloatVector.broadcast(S, a[ai + lda + p]), bv, c1);
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

    /** {@code a·b + c}: fused where the CPU has FMA, else multiply then add (see {@link VectorPlatform#FMA}). */
    private static FloatVector fma(FloatVector a, FloatVector b, FloatVector c) {
        return VectorPlatform.FMA ? a.fma(b, c) : a.mul(b).add(c);
    }
}
