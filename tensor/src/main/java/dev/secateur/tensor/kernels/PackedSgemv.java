package dev.secateur.tensor.kernels;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorPlatform;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = alpha·A·x + beta·y straight from a {@link PackedWeight}, so a layer needs no row-major
 * copy of its weight for batch 1. Like the row-major GEMV it reads every weight once and is
 * bound by memory bandwidth. Within a K block a panel of MR rows is {@code kc·MR} contiguous
 * floats, element (r, p) at {@code p·MR + r}; multiplying it elementwise by x expanded MR times
 * ({@code xe[p·MR + r] = x[p]}) puts every product of row r in a lane whose index is r modulo MR.
 * Four vector accumulators (three where MR is not a power of two) run over the block (no
 * horizontal reduction in the loop) and are added to a per-panel accumulator of ACC = lcm(L, MR)
 * floats, position t holding products of row t mod MR; each output finally sums its ACC/MR
 * positions in ascending order. K blocks are walked outermost, so each thread reads the panels of its rows
 * sequentially, as four streams (one per quarter of its panels) per block. The order of every
 * sum depends on k only, so results do not depend on how panels are split between threads.
 */
final class PackedSgemv {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
    private static final int L = S.length();
    /**
     * Floats per panel accumulator: the shortest whole number of vectors that is also a whole
     * number of panel columns, so that each position always collects the same row.
     */
    static final int ACC = lcm(L, MR);
    /**
     * Vector accumulators in {@link #panel}: four when 4·L is a whole number of accumulators
     * (MR a power of two), else three (3·L is one for MR = 6, 12 and any L a power of two).
     */
    private static final int UNROLL = (4 * L) % ACC == 0 ? 4 : 3;

    static {
        if ((UNROLL * L) % ACC != 0) throw new IllegalStateException("no packed GEMV for " + MR + "-row panels of " + L + "-lane vectors");
    }

    /**
     * {@link #panel4} keeps 16 vector accumulators live: only with 16-lane vectors (AVX-512, 32
     * registers); narrower ones would spill, and there ACC may differ from L.
     */
    private static final boolean FOUR_STREAMS = ACC == L && L >= 16;

    private PackedSgemv() {}

    private static int lcm(int a, int b) {
        int x = a, y = b;
        while (y != 0) { int t = x % y; x = y; y = t; }
        return a / x * b;
    }

    /** Floats per expanded column: k·MR plus the tail pad, so masked tail loads stay inside the array. */
    static int stride(int k) {
        return k * MR + PackedWeight.TAIL_PAD;
    }

    /**
     * {@code xe[j·stride(k) + p·MR + r] = x[xOff + p·rowStep + j·colStep]} for p in [0, k),
     * j in [0, cols), r in [0, MR): the operand the panels multiply, column by column.
     */
    static void expand(float[] x, int xOff, int rowStep, int colStep, int k, int cols, float[] xe) {
        int stride = stride(k);
        for (int j = 0; j < cols; j++) {
            for (int p = 0, at = xOff + j * colStep; p < k; p++, at += rowStep) {
                float v = x[at];
                int o = j * stride + p * MR;
                for (int r = 0; r < MR; r++) xe[o + r] = v;
            }
        }
    }

    /**
     * Rows {@code [i0, i1)} of A (i0 a multiple of MR) times {@code cols} columns of x:
     * {@code y[yOff + (i - rowBase)·incy + j] = alpha·(A·x)[i, j] + beta·y} ({@code beta == 0}
     * does not read y). {@code acc} holds at least {@code ACC·cols·ceil((i1 - i0)/MR)} floats.
     */
    static void rows(PackedWeight a, int i0, int i1, int rowBase, float[] xe, int cols, float alpha, float beta,
                     float[] y, int yOff, int incy, float[] acc) {
        int q0 = i0 / MR, q1 = PackedSgemm.ceilDiv(i1, MR);
        int panelAcc = cols * ACC;
        java.util.Arrays.fill(acc, 0, (q1 - q0) * panelAcc, 0f);
        float[] w = a.panels;
        int stride = stride(a.k);
        for (int pc = 0; pc < a.k; pc += a.kcMax) {
            int kc = Math.min(a.kcMax, a.k - pc);
            int len = kc * MR;
            int base = a.blockOffset(pc) + q0 * len;
            int panels = q1 - q0, q = 0;
            if (cols > 1) {
                // Each panel once per group of up to four columns (from L1 after the first group).
                for (; q < panels; q++) {
                    int j = 0, wq = base + q * len, aq = q * panelAcc;
                    for (; j + 4 <= cols; j += 4) panelCols4(w, wq, xe, j * stride + pc * MR, stride, len, acc, aq + j * ACC);
                    for (; j + 2 <= cols; j += 2) panelCols2(w, wq, xe, j * stride + pc * MR, stride, len, acc, aq + j * ACC);
                    if (j < cols) panel(w, wq, xe, j * stride + pc * MR, len, acc, aq + j * ACC);
                }
                continue;
            }
            if (FOUR_STREAMS) {
                // Four streams, one per quarter of the panels: as many concurrent DRAM streams as the
                // row-major GEMV's four rows (one stream measured 10-20% slower on a 64 MB weight).
                int h = panels / 4;
                for (; q < h; q++) {
                    panel4(w, base + q * len, base + (q + h) * len, base + (q + 2 * h) * len, base + (q + 3 * h) * len,
                            xe, pc * MR, len, acc, q * ACC, (q + h) * ACC, (q + 2 * h) * ACC, (q + 3 * h) * ACC);
                }
                q = 4 * h;
            }
            for (; q < panels; q++) {
                panel(w, base + q * len, xe, pc * MR, len, acc, q * ACC);
            }
        }
        for (int i = i0; i < i1; i++) {
            for (int j = 0; j < cols; j++) {
                int o = ((i - i0) / MR) * panelAcc + j * ACC + i % MR;
                float s = 0f;
                for (int l = 0; l < ACC; l += MR) s += acc[o + l];
                int at = yOff + (i - rowBase) * incy + j;
                y[at] = beta == 0f ? alpha * s : Fma.fma(beta, y[at], alpha * s);
            }
        }
    }

    /**
     * acc[aOff..+ACC) += the lane sums of w[wOff..+len) · xe[xOff..+len). Kept small: C1 gives up
     * on a bigger method ("out of virtual registers"), which then never reaches C2 and runs the
     * Vector API unintrinsified (allocating). Vectors never cross a call, which would box them.
     */
    private static void panel(float[] w, int wOff, float[] xe, int xOff, int len, float[] acc, int aOff) {
        if (UNROLL == 3) {
            panel3(w, wOff, xe, xOff, len, acc, aOff);
            return;
        }
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int o = 0;
        for (int end = len - 4 * L; o <= end; o += 4 * L) {
            FloatVector s0a = FloatVector.fromArray(S, w, wOff + o);
            FloatVector s0b = FloatVector.fromArray(S, xe, xOff + o);
            s0 = FMA ? s0a.fma(s0b, s0) : s0a.mul(s0b).add(s0);
            FloatVector s1a = FloatVector.fromArray(S, w, wOff + o + L);
            FloatVector s1b = FloatVector.fromArray(S, xe, xOff + o + L);
            s1 = FMA ? s1a.fma(s1b, s1) : s1a.mul(s1b).add(s1);
            FloatVector s2a = FloatVector.fromArray(S, w, wOff + o + 2 * L);
            FloatVector s2b = FloatVector.fromArray(S, xe, xOff + o + 2 * L);
            s2 = FMA ? s2a.fma(s2b, s2) : s2a.mul(s2b).add(s2);
            FloatVector s3a = FloatVector.fromArray(S, w, wOff + o + 3 * L);
            FloatVector s3b = FloatVector.fromArray(S, xe, xOff + o + 3 * L);
            s3 = FMA ? s3a.fma(s3b, s3) : s3a.mul(s3b).add(s3);
        }
        if (ACC == L) {
            FloatVector.fromArray(S, acc, aOff).add(s0.add(s1).add(s2.add(s3))).intoArray(acc, aOff);
        } else {
            // Fewer lanes than panel rows (narrow vectors): accumulator u holds rows (u·L ..+L) mod MR.
            FloatVector.fromArray(S, acc, aOff).add(s0).intoArray(acc, aOff);
            int o1 = aOff + L % ACC, o2 = aOff + (2 * L) % ACC, o3 = aOff + (3 * L) % ACC;
            FloatVector.fromArray(S, acc, o1).add(s1).intoArray(acc, o1);
            FloatVector.fromArray(S, acc, o2).add(s2).intoArray(acc, o2);
            FloatVector.fromArray(S, acc, o3).add(s3).intoArray(acc, o3);
        }
        if (o < len) tail(w, wOff + o, xe, xOff + o, len - o, acc, aOff);
    }

    /** {@link #panel} with three accumulators, for panels of MR = 6 rows (ACC = 3·L or L). */
    private static void panel3(float[] w, int wOff, float[] xe, int xOff, int len, float[] acc, int aOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
        int o = 0;
        for (int end = len - 3 * L; o <= end; o += 3 * L) {
            FloatVector s0a = FloatVector.fromArray(S, w, wOff + o);
            FloatVector s0b = FloatVector.fromArray(S, xe, xOff + o);
            s0 = FMA ? s0a.fma(s0b, s0) : s0a.mul(s0b).add(s0);
            FloatVector s1a = FloatVector.fromArray(S, w, wOff + o + L);
            FloatVector s1b = FloatVector.fromArray(S, xe, xOff + o + L);
            s1 = FMA ? s1a.fma(s1b, s1) : s1a.mul(s1b).add(s1);
            FloatVector s2a = FloatVector.fromArray(S, w, wOff + o + 2 * L);
            FloatVector s2b = FloatVector.fromArray(S, xe, xOff + o + 2 * L);
            s2 = FMA ? s2a.fma(s2b, s2) : s2a.mul(s2b).add(s2);
        }
        if (ACC == L) {
            FloatVector.fromArray(S, acc, aOff).add(s0.add(s1).add(s2)).intoArray(acc, aOff);
        } else {
            int o1 = aOff + L % ACC, o2 = aOff + (2 * L) % ACC;
            FloatVector.fromArray(S, acc, aOff).add(s0).intoArray(acc, aOff);
            FloatVector.fromArray(S, acc, o1).add(s1).intoArray(acc, o1);
            FloatVector.fromArray(S, acc, o2).add(s2).intoArray(acc, o2);
        }
        if (o < len) tail(w, wOff + o, xe, xOff + o, len - o, acc, aOff);
    }

    /**
     * Four panels at once (ACC == L only), each xe vector loaded once for all four. Per panel the
     * same operations in the same order as {@link #panel}, so the result of a row does not depend
     * on which of the two computed it (that is, on the split between threads).
     */
    private static void panel4(float[] w, int wa, int wb, int wc, int wd, float[] xe, int xOff, int len, float[] acc,
                               int aa, int ab, int ac, int ad) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S), d3 = FloatVector.zero(S);
        int o = 0;
        for (int end = len - 4 * L; o <= end; o += 4 * L) {
            FloatVector x = FloatVector.fromArray(S, xe, xOff + o);
            FloatVector a0a = FloatVector.fromArray(S, w, wa + o);
            a0 = FMA ? a0a.fma(x, a0) : a0a.mul(x).add(a0);
            FloatVector b0a = FloatVector.fromArray(S, w, wb + o);
            b0 = FMA ? b0a.fma(x, b0) : b0a.mul(x).add(b0);
            FloatVector c0a = FloatVector.fromArray(S, w, wc + o);
            c0 = FMA ? c0a.fma(x, c0) : c0a.mul(x).add(c0);
            FloatVector d0a = FloatVector.fromArray(S, w, wd + o);
            d0 = FMA ? d0a.fma(x, d0) : d0a.mul(x).add(d0);
            x = FloatVector.fromArray(S, xe, xOff + o + L);
            FloatVector a1a = FloatVector.fromArray(S, w, wa + o + L);
            a1 = FMA ? a1a.fma(x, a1) : a1a.mul(x).add(a1);
            FloatVector b1a = FloatVector.fromArray(S, w, wb + o + L);
            b1 = FMA ? b1a.fma(x, b1) : b1a.mul(x).add(b1);
            FloatVector c1a = FloatVector.fromArray(S, w, wc + o + L);
            c1 = FMA ? c1a.fma(x, c1) : c1a.mul(x).add(c1);
            FloatVector d1a = FloatVector.fromArray(S, w, wd + o + L);
            d1 = FMA ? d1a.fma(x, d1) : d1a.mul(x).add(d1);
            x = FloatVector.fromArray(S, xe, xOff + o + 2 * L);
            FloatVector a2a = FloatVector.fromArray(S, w, wa + o + 2 * L);
            a2 = FMA ? a2a.fma(x, a2) : a2a.mul(x).add(a2);
            FloatVector b2a = FloatVector.fromArray(S, w, wb + o + 2 * L);
            b2 = FMA ? b2a.fma(x, b2) : b2a.mul(x).add(b2);
            FloatVector c2a = FloatVector.fromArray(S, w, wc + o + 2 * L);
            c2 = FMA ? c2a.fma(x, c2) : c2a.mul(x).add(c2);
            FloatVector d2a = FloatVector.fromArray(S, w, wd + o + 2 * L);
            d2 = FMA ? d2a.fma(x, d2) : d2a.mul(x).add(d2);
            x = FloatVector.fromArray(S, xe, xOff + o + 3 * L);
            FloatVector a3a = FloatVector.fromArray(S, w, wa + o + 3 * L);
            a3 = FMA ? a3a.fma(x, a3) : a3a.mul(x).add(a3);
            FloatVector b3a = FloatVector.fromArray(S, w, wb + o + 3 * L);
            b3 = FMA ? b3a.fma(x, b3) : b3a.mul(x).add(b3);
            FloatVector c3a = FloatVector.fromArray(S, w, wc + o + 3 * L);
            c3 = FMA ? c3a.fma(x, c3) : c3a.mul(x).add(c3);
            FloatVector d3a = FloatVector.fromArray(S, w, wd + o + 3 * L);
            d3 = FMA ? d3a.fma(x, d3) : d3a.mul(x).add(d3);
        }
        FloatVector.fromArray(S, acc, aa).add(a0.add(a1).add(a2.add(a3))).intoArray(acc, aa);
        FloatVector.fromArray(S, acc, ab).add(b0.add(b1).add(b2.add(b3))).intoArray(acc, ab);
        FloatVector.fromArray(S, acc, ac).add(c0.add(c1).add(c2.add(c3))).intoArray(acc, ac);
        FloatVector.fromArray(S, acc, ad).add(d0.add(d1).add(d2.add(d3))).intoArray(acc, ad);
        if (o < len) {
            tail(w, wa + o, xe, xOff + o, len - o, acc, aa);
            tail(w, wb + o, xe, xOff + o, len - o, acc, ab);
            tail(w, wc + o, xe, xOff + o, len - o, acc, ac);
            tail(w, wd + o, xe, xOff + o, len - o, acc, ad);
        }
    }
    /**
     * One panel times two columns of xe ({@code stride} apart); per column the operations and their
     * order of {@link #panel}, so a column's result does not depend on how columns are grouped.
     * ACC == L is not required: the narrow-vector case is handled by {@link #panel} (see {@link #rows}).
     */
    private static void panelCols2(float[] w, int wOff, float[] xe, int xOff, int stride, int len, float[] acc, int aOff) {
        if (ACC != L) {
            panel(w, wOff, xe, xOff, len, acc, aOff);
            panel(w, wOff, xe, xOff + stride, len, acc, aOff + ACC);
            return;
        }
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        FloatVector t0 = FloatVector.zero(S), t1 = FloatVector.zero(S), t2 = FloatVector.zero(S), t3 = FloatVector.zero(S);
        int x2 = xOff + stride;
        int o = 0;
        for (int end = len - 4 * L; o <= end; o += 4 * L) {
            FloatVector w0 = FloatVector.fromArray(S, w, wOff + o), w1 = FloatVector.fromArray(S, w, wOff + o + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wOff + o + 2 * L), w3 = FloatVector.fromArray(S, w, wOff + o + 3 * L);
            FloatVector s0b = FloatVector.fromArray(S, xe, xOff + o);
            s0 = FMA ? w0.fma(s0b, s0) : w0.mul(s0b).add(s0);
            FloatVector t0b = FloatVector.fromArray(S, xe, x2 + o);
            t0 = FMA ? w0.fma(t0b, t0) : w0.mul(t0b).add(t0);
            FloatVector s1b = FloatVector.fromArray(S, xe, xOff + o + L);
            s1 = FMA ? w1.fma(s1b, s1) : w1.mul(s1b).add(s1);
            FloatVector t1b = FloatVector.fromArray(S, xe, x2 + o + L);
            t1 = FMA ? w1.fma(t1b, t1) : w1.mul(t1b).add(t1);
            FloatVector s2b = FloatVector.fromArray(S, xe, xOff + o + 2 * L);
            s2 = FMA ? w2.fma(s2b, s2) : w2.mul(s2b).add(s2);
            FloatVector t2b = FloatVector.fromArray(S, xe, x2 + o + 2 * L);
            t2 = FMA ? w2.fma(t2b, t2) : w2.mul(t2b).add(t2);
            FloatVector s3b = FloatVector.fromArray(S, xe, xOff + o + 3 * L);
            s3 = FMA ? w3.fma(s3b, s3) : w3.mul(s3b).add(s3);
            FloatVector t3b = FloatVector.fromArray(S, xe, x2 + o + 3 * L);
            t3 = FMA ? w3.fma(t3b, t3) : w3.mul(t3b).add(t3);
        }
        FloatVector.fromArray(S, acc, aOff).add(s0.add(s1).add(s2.add(s3))).intoArray(acc, aOff);
        FloatVector.fromArray(S, acc, aOff + ACC).add(t0.add(t1).add(t2.add(t3))).intoArray(acc, aOff + ACC);
        if (o < len) {
            tail(w, wOff + o, xe, xOff + o, len - o, acc, aOff);
            tail(w, wOff + o, xe, x2 + o, len - o, acc, aOff + ACC);
        }
    }

    /** {@link #panelCols2} for four columns. */
    private static void panelCols4(float[] w, int wOff, float[] xe, int xOff, int stride, int len, float[] acc, int aOff) {
        if (ACC != L) {
            panelCols2(w, wOff, xe, xOff, stride, len, acc, aOff);
            panelCols2(w, wOff, xe, xOff + 2 * stride, stride, len, acc, aOff + 2 * ACC);
            return;
        }
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S), d3 = FloatVector.zero(S);
        int xb = xOff + stride, xc = xb + stride, xd = xc + stride;
        int o = 0;
        for (int end = len - 4 * L; o <= end; o += 4 * L) {
            FloatVector v = FloatVector.fromArray(S, w, wOff + o);
            FloatVector a0b = FloatVector.fromArray(S, xe, xOff + o);
            a0 = FMA ? v.fma(a0b, a0) : v.mul(a0b).add(a0);
            FloatVector b0b = FloatVector.fromArray(S, xe, xb + o);
            b0 = FMA ? v.fma(b0b, b0) : v.mul(b0b).add(b0);
            FloatVector c0b = FloatVector.fromArray(S, xe, xc + o);
            c0 = FMA ? v.fma(c0b, c0) : v.mul(c0b).add(c0);
            FloatVector d0b = FloatVector.fromArray(S, xe, xd + o);
            d0 = FMA ? v.fma(d0b, d0) : v.mul(d0b).add(d0);
            v = FloatVector.fromArray(S, w, wOff + o + L);
            FloatVector a1b = FloatVector.fromArray(S, xe, xOff + o + L);
            a1 = FMA ? v.fma(a1b, a1) : v.mul(a1b).add(a1);
            FloatVector b1b = FloatVector.fromArray(S, xe, xb + o + L);
            b1 = FMA ? v.fma(b1b, b1) : v.mul(b1b).add(b1);
            FloatVector c1b = FloatVector.fromArray(S, xe, xc + o + L);
            c1 = FMA ? v.fma(c1b, c1) : v.mul(c1b).add(c1);
            FloatVector d1b = FloatVector.fromArray(S, xe, xd + o + L);
            d1 = FMA ? v.fma(d1b, d1) : v.mul(d1b).add(d1);
            v = FloatVector.fromArray(S, w, wOff + o + 2 * L);
            FloatVector a2b = FloatVector.fromArray(S, xe, xOff + o + 2 * L);
            a2 = FMA ? v.fma(a2b, a2) : v.mul(a2b).add(a2);
            FloatVector b2b = FloatVector.fromArray(S, xe, xb + o + 2 * L);
            b2 = FMA ? v.fma(b2b, b2) : v.mul(b2b).add(b2);
            FloatVector c2b = FloatVector.fromArray(S, xe, xc + o + 2 * L);
            c2 = FMA ? v.fma(c2b, c2) : v.mul(c2b).add(c2);
            FloatVector d2b = FloatVector.fromArray(S, xe, xd + o + 2 * L);
            d2 = FMA ? v.fma(d2b, d2) : v.mul(d2b).add(d2);
            v = FloatVector.fromArray(S, w, wOff + o + 3 * L);
            FloatVector a3b = FloatVector.fromArray(S, xe, xOff + o + 3 * L);
            a3 = FMA ? v.fma(a3b, a3) : v.mul(a3b).add(a3);
            FloatVector b3b = FloatVector.fromArray(S, xe, xb + o + 3 * L);
            b3 = FMA ? v.fma(b3b, b3) : v.mul(b3b).add(b3);
            FloatVector c3b = FloatVector.fromArray(S, xe, xc + o + 3 * L);
            c3 = FMA ? v.fma(c3b, c3) : v.mul(c3b).add(c3);
            FloatVector d3b = FloatVector.fromArray(S, xe, xd + o + 3 * L);
            d3 = FMA ? v.fma(d3b, d3) : v.mul(d3b).add(d3);
        }
        FloatVector.fromArray(S, acc, aOff).add(a0.add(a1).add(a2.add(a3))).intoArray(acc, aOff);
        FloatVector.fromArray(S, acc, aOff + ACC).add(b0.add(b1).add(b2.add(b3))).intoArray(acc, aOff + ACC);
        FloatVector.fromArray(S, acc, aOff + 2 * ACC).add(c0.add(c1).add(c2.add(c3))).intoArray(acc, aOff + 2 * ACC);
        FloatVector.fromArray(S, acc, aOff + 3 * ACC).add(d0.add(d1).add(d2.add(d3))).intoArray(acc, aOff + 3 * ACC);
        if (o < len) {
            tail(w, wOff + o, xe, xOff + o, len - o, acc, aOff);
            tail(w, wOff + o, xe, xb + o, len - o, acc, aOff + ACC);
            tail(w, wOff + o, xe, xc + o, len - o, acc, aOff + 2 * ACC);
            tail(w, wOff + o, xe, xd + o, len - o, acc, aOff + 3 * ACC);
        }
    }

    /**
     * The last {@code len < UNROLL·L} floats of a panel block, straight into the accumulator. They
     * start at a multiple of UNROLL·L (a multiple of ACC), so element t belongs at position t mod ACC.
     * Whole vectors, then scalar code: no masked load, since masks are not native on every
     * width (AVX2 has none) and a mask operation left as Java code allocates.
     */
    private static void tail(float[] w, int wOff, float[] xe, int xOff, int len, float[] acc, int aOff) {
        int t = 0;
        for (; t + L <= len; t += L) {
            int a = aOff + t % ACC;
            FloatVector tw = FloatVector.fromArray(S, w, wOff + t), tx = FloatVector.fromArray(S, xe, xOff + t);
            FloatVector ta = FloatVector.fromArray(S, acc, a);
            (FMA ? tw.fma(tx, ta) : tw.mul(tx).add(ta)).intoArray(acc, a);
        }
        for (; t < len; t++) {
            int a = aOff + t % ACC;
            acc[a] = FMA ? Math.fma(w[wOff + t], xe[xOff + t], acc[a]) : w[wOff + t] * xe[xOff + t] + acc[a];
        }
    }
}
