package dev.secateur.tensor.kernels;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector products for the GEMM shapes with n == 1 or m == 1. They move each matrix
 * element once and do one FMA with it, so they are bound by memory bandwidth, not by FMA
 * throughput, and packing would only add traffic. Two forms, by how the matrix is stored:
 * <ul>
 *   <li>dot form: each output is a dot product of a contiguous matrix row with x, four rows per
 *       pass (two vector accumulators per row, combined in a fixed order once per row);</li>
 *   <li>axpy form: the matrix is stored transposed, so y accumulates {@code x[p] · row p} for one
 *       contiguous row after another, four rows per pass over the accumulator.</li>
 * </ul>
 * Both sum each output over p in a fixed order, so results do not depend on how rows or
 * columns are split between threads.
 */
final class SgemvKernel {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
    private static final int L = S.length();

    private SgemvKernel() {}

    /**
     * {@code y[yOff + i·incy] = alpha · dot(mat[mOff + i·ldm ..+len], x[0..len]) + beta · y} for
     * rows {@code i in [r0, r1)}; {@code beta == 0} does not read y. {@code scratch} holds ≥ 4·L floats.
     */
    static void dotRows(float[] mat, int mOff, int ldm, int r0, int r1, int len, float[] x,
                        float alpha, float beta, float[] y, int yOff, int incy, float[] scratch) {
        int i = r0;
        // Four rows per pass share each load of x and give the memory system four streams.
        for (; i + 4 <= r1; i += 4) {
            dot4(mat, mOff + i * ldm, ldm, x, len, scratch);
            for (int r = 0; r < 4; r++) store(y, yOff + (i + r) * incy, sum(scratch, r * L), alpha, beta);
        }
        for (; i < r1; i++) {
            dot1(mat, mOff + i * ldm, x, len, scratch);
            store(y, yOff + i * incy, sum(scratch, 0), alpha, beta);
        }
    }

    private static void store(float[] y, int o, float s, float alpha, float beta) {
        y[o] = beta == 0f ? alpha * s : Fma.fma(beta, y[o], alpha * s);
    }

    /** The L partial sums of a row, added in a fixed order (reduceLanes leaves its order unspecified). */
    private static float sum(float[] scratch, int off) {
        float s = 0f;
        for (int l = 0; l < L; l++) s += scratch[off + l];
        return s;
    }

    /*
     * dot1 and dot4 give every row the same operation order (two accumulators over alternate
     * vectors, a masked tail into the first, then their sum), so a row's result does not depend
     * on whether it was computed alone or in a group of four.
     */
    private static void dot1(float[] mat, int off, float[] x, int len, float[] scratch) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int p = 0;
        for (int end = len - 2 * L; p <= end; p += 2 * L) {
            s0 = (FMA ? FloatVector.fromArray(S, mat, off + p).fma(FloatVector.fromArray(S, x, p), s0) : FloatVector.fromArray(S, mat, off + p).mul(FloatVector.fromArray(S, x, p)).add(s0));
            s1 = (FMA ? FloatVector.fromArray(S, mat, off + p + L).fma(FloatVector.fromArray(S, x, p + L), s1) : FloatVector.fromArray(S, mat, off + p + L).mul(FloatVector.fromArray(S, x, p + L)).add(s1));
        }
        for (; p < len; p += L) {
            VectorMask<Float> m = S.indexInRange(p, len);
            s0 = (FMA ? FloatVector.fromArray(S, mat, off + p, m).fma(FloatVector.fromArray(S, x, p, m), s0) : FloatVector.fromArray(S, mat, off + p, m).mul(FloatVector.fromArray(S, x, p, m)).add(s0));
        }
        s0.add(s1).intoArray(scratch, 0);
    }

    private static void dot4(float[] mat, int off, int ldm, float[] x, int len, float[] scratch) {
        int o1 = off + ldm, o2 = o1 + ldm, o3 = o2 + ldm;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
        int p = 0;
        for (int end = len - 2 * L; p <= end; p += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, x, p), x1 = FloatVector.fromArray(S, x, p + L);
            a0 = (FMA ? FloatVector.fromArray(S, mat, off + p).fma(x0, a0) : FloatVector.fromArray(S, mat, off + p).mul(x0).add(a0));
            a1 = (FMA ? FloatVector.fromArray(S, mat, off + p + L).fma(x1, a1) : FloatVector.fromArray(S, mat, off + p + L).mul(x1).add(a1));
            b0 = (FMA ? FloatVector.fromArray(S, mat, o1 + p).fma(x0, b0) : FloatVector.fromArray(S, mat, o1 + p).mul(x0).add(b0));
            b1 = (FMA ? FloatVector.fromArray(S, mat, o1 + p + L).fma(x1, b1) : FloatVector.fromArray(S, mat, o1 + p + L).mul(x1).add(b1));
            c0 = (FMA ? FloatVector.fromArray(S, mat, o2 + p).fma(x0, c0) : FloatVector.fromArray(S, mat, o2 + p).mul(x0).add(c0));
            c1 = (FMA ? FloatVector.fromArray(S, mat, o2 + p + L).fma(x1, c1) : FloatVector.fromArray(S, mat, o2 + p + L).mul(x1).add(c1));
            d0 = (FMA ? FloatVector.fromArray(S, mat, o3 + p).fma(x0, d0) : FloatVector.fromArray(S, mat, o3 + p).mul(x0).add(d0));
            d1 = (FMA ? FloatVector.fromArray(S, mat, o3 + p + L).fma(x1, d1) : FloatVector.fromArray(S, mat, o3 + p + L).mul(x1).add(d1));
        }
        for (; p < len; p += L) {
            VectorMask<Float> m = S.indexInRange(p, len);
            FloatVector x0 = FloatVector.fromArray(S, x, p, m);
            a0 = (FMA ? FloatVector.fromArray(S, mat, off + p, m).fma(x0, a0) : FloatVector.fromArray(S, mat, off + p, m).mul(x0).add(a0));
            b0 = (FMA ? FloatVector.fromArray(S, mat, o1 + p, m).fma(x0, b0) : FloatVector.fromArray(S, mat, o1 + p, m).mul(x0).add(b0));
            c0 = (FMA ? FloatVector.fromArray(S, mat, o2 + p, m).fma(x0, c0) : FloatVector.fromArray(S, mat, o2 + p, m).mul(x0).add(c0));
            d0 = (FMA ? FloatVector.fromArray(S, mat, o3 + p, m).fma(x0, d0) : FloatVector.fromArray(S, mat, o3 + p, m).mul(x0).add(d0));
        }
        a0.add(a1).intoArray(scratch, 0);
        b0.add(b1).intoArray(scratch, L);
        c0.add(c1).intoArray(scratch, 2 * L);
        d0.add(d1).intoArray(scratch, 3 * L);
    }

    /**
     * {@code y[yOff + j·incy] = alpha · Σ_p x[p] · mat[mOff + p·ldm + j] + beta · y} for columns
     * {@code j in [c0, c1)}, summing p = 0..len-1 in order into {@code acc[0..c1-c0]}.
     */
    static void axpyColumns(float[] mat, int mOff, int ldm, int c0, int c1, int len, float[] x,
                            float alpha, float beta, float[] y, int yOff, int incy, float[] acc) {
        int w = c1 - c0;
        java.util.Arrays.fill(acc, 0, w, 0f);
        int p = 0;
        for (; p + 4 <= len; p += 4) {
            int r = mOff + p * ldm + c0;
            accumulate4(acc, w, mat, r, ldm, x[p], x[p + 1], x[p + 2], x[p + 3]);
        }
        for (; p < len; p++) {
            accumulate1(acc, w, mat, mOff + p * ldm + c0, x[p]);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        if (incy == 1) {
            FloatVector be = FloatVector.broadcast(S, beta);
            for (int j = 0; j < w; j += L) {
                VectorMask<Float> m = S.indexInRange(j, w);
                FloatVector t = FloatVector.fromArray(S, acc, j, m).mul(al);
                int o = yOff + c0 + j;
                if (beta == 0f) t.intoArray(y, o, m);
                else (FMA ? FloatVector.fromArray(S, y, o, m).fma(be, t) : FloatVector.fromArray(S, y, o, m).mul(be).add(t)).intoArray(y, o, m);
            }
        } else {
            for (int j = 0; j < w; j++) {
                int o = yOff + (c0 + j) * incy;
                float t = alpha * acc[j];
                y[o] = beta == 0f ? t : Fma.fma(y[o], beta, t);
            }
        }
    }

    private static void accumulate4(float[] acc, int w, float[] mat, int r, int ldm, float x0, float x1, float x2, float x3) {
        FloatVector v0 = FloatVector.broadcast(S, x0), v1 = FloatVector.broadcast(S, x1);
        FloatVector v2 = FloatVector.broadcast(S, x2), v3 = FloatVector.broadcast(S, x3);
        int r1 = r + ldm, r2 = r1 + ldm, r3 = r2 + ldm;
        int j = 0;
        for (int end = w - L; j <= end; j += L) {
            FloatVector s = FloatVector.fromArray(S, acc, j);
            s = (FMA ? FloatVector.fromArray(S, mat, r + j).fma(v0, s) : FloatVector.fromArray(S, mat, r + j).mul(v0).add(s));
            s = (FMA ? FloatVector.fromArray(S, mat, r1 + j).fma(v1, s) : FloatVector.fromArray(S, mat, r1 + j).mul(v1).add(s));
            s = (FMA ? FloatVector.fromArray(S, mat, r2 + j).fma(v2, s) : FloatVector.fromArray(S, mat, r2 + j).mul(v2).add(s));
            s = (FMA ? FloatVector.fromArray(S, mat, r3 + j).fma(v3, s) : FloatVector.fromArray(S, mat, r3 + j).mul(v3).add(s));
            s.intoArray(acc, j);
        }
        if (j < w) {
            VectorMask<Float> m = S.indexInRange(j, w);
            FloatVector s = FloatVector.fromArray(S, acc, j, m);
            s = (FMA ? FloatVector.fromArray(S, mat, r + j, m).fma(v0, s) : FloatVector.fromArray(S, mat, r + j, m).mul(v0).add(s));
            s = (FMA ? FloatVector.fromArray(S, mat, r1 + j, m).fma(v1, s) : FloatVector.fromArray(S, mat, r1 + j, m).mul(v1).add(s));
            s = (FMA ? FloatVector.fromArray(S, mat, r2 + j, m).fma(v2, s) : FloatVector.fromArray(S, mat, r2 + j, m).mul(v2).add(s));
            s = (FMA ? FloatVector.fromArray(S, mat, r3 + j, m).fma(v3, s) : FloatVector.fromArray(S, mat, r3 + j, m).mul(v3).add(s));
            s.intoArray(acc, j, m);
        }
    }

    private static void accumulate1(float[] acc, int w, float[] mat, int r, float x0) {
        FloatVector v0 = FloatVector.broadcast(S, x0);
        for (int j = 0; j < w; j += L) {
            VectorMask<Float> m = S.indexInRange(j, w);
            (FMA ? FloatVector.fromArray(S, mat, r + j, m).fma(v0, FloatVector.fromArray(S, acc, j, m)) : FloatVector.fromArray(S, mat, r + j, m).mul(v0).add(FloatVector.fromArray(S, acc, j, m))).intoArray(acc, j, m);
        }
    }
}
