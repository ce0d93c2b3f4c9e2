package dev.secateur.tensor.kernels;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked heart of {@link PackedSgemm}: an MR×NR tile of C held in vector
 * accumulators while the K loop broadcasts one packed A value per row and multiply-adds it
 * against the packed B vectors of that k (an outer product per k). The tile follows the register
 * file ({@link VectorPlatform#GEMM}) so that C2 keeps accumulators, B vectors and broadcasts in
 * registers without spilling inside the loop (one spilled accumulator puts a store-to-load round
 * trip on its dependency chain every k):
 * <ul>
 *   <li>32 registers: 8 rows × 2 vectors (16 accumulators);</li>
 *   <li>16 registers: 4 rows × 2 vectors (8 accumulators, 2 B vectors, 4 broadcasts; without FMA
 *       SSE computes the products in place). C2 loads every broadcast of a k step before the first
 *       multiply-add, so a 6 × 2 tile would need 12 + 2 + 6 registers;</li>
 *   <li>16 registers with FMA, on request: 3 rows × 3 vectors (9 accumulators).</li>
 * </ul>
 * Each tile is unrolled by hand: vectors kept in locals stay in registers, while arrays of
 * vectors would live on the heap. No horizontal reductions anywhere.
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /**
     * Hardware FMA, tested here rather than through {@link Fma}: C2 may leave a small call
     * un-inlined (its node budget in the big tile bodies, or after a deoptimisation), and vectors
     * passed to a call are boxed, one allocation per operation.
     */
    private static final boolean FMA = VectorPlatform.FMA;
    /** Rows of the C tile (register file): 8 with 32 vector registers, 4 (or 3 on request) with 16. */
    static final int MR = VectorPlatform.GEMM.mr();
    /** Columns of the C tile (register file): 2 vectors, 3 for the 3-row tile. */
    static final int NR = VectorPlatform.GEMM.nr();

    static {
        if (!((MR == 8 && NR == 2 * L) || (MR == 3 && NR == 3 * L) || (MR == 4 && NR == 2 * L))) {
            throw new IllegalStateException("no micro-kernel for a " + MR + "x" + NR + " tile of " + L + "-lane vectors");
        }
    }

    private SgemmMicroKernel() {}

    /**
     * C[0..MR, 0..NR] = alpha * (Apanel · Bpanel) + beta * C, where Apanel is {@code kc} packed
     * columns of MR values at {@code ap[aOff..]} and Bpanel is {@code kc} packed rows of NR values at
     * {@code bp[bOff..]}. {@code beta == 0} does not read C. Every element is computed with the same
     * operations in the same order (alpha·sum rounded, then beta·C fused onto it), so full tiles and
     * edge tiles (see {@link #tileToBuffer}, {@link #storeEdge}) agree bit for bit.
     *
     * <p>With beta ≠ 0 the scaled tile goes through {@code tile} (MR·NR floats, in L1) and is added
     * to C by {@link #addScaled}: the tile bodies then hold nothing but the K loop and plain stores,
     * so that C2 never has to keep beta's operands beside the accumulators (with 16 registers that
     * made it spill inside the loop, halving its speed).
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff,
                       float[] c, int cOff, int ldc, float alpha, float beta, float[] tile) {
        if (beta == 0f) {
            product(kc, ap, aOff, bp, bOff, c, cOff, ldc, alpha);
        } else if (MR == 8) {
            // 32 registers leave room for beta and a C vector beside the accumulators after the loop.
            product8x2(kc, ap, aOff, bp, bOff, c, cOff, ldc, alpha, beta);
        } else {
            product(kc, ap, aOff, bp, bOff, tile, 0, NR, alpha);
            addScaled(tile, c, cOff, ldc, beta);
        }
    }

    /** d[r·ldd + j] = alpha · (Apanel · Bpanel)[r, j] for the whole MR×NR tile. */
    static void product(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] d, int dOff, int ldd, float alpha) {
        // MR is a constant: the JIT keeps one call; each tile body is too big to inline, so its
        // vectors never cross a call (which would box them).
        if (MR == 8) {
            product8x2(kc, ap, aOff, bp, bOff, d, dOff, ldd, alpha, 0f);
        } else if (MR == 3) {
            product3x3(kc, ap, aOff, bp, bOff, d, dOff, ldd, alpha);
        } else {
            product4x2(kc, ap, aOff, bp, bOff, d, dOff, ldd, alpha);
        }
    }

    /**
     * 8 rows × 2 vectors: 16 accumulators, 2 B vectors and the broadcasts in 32 registers.
     * d = alpha·tile, or (beta ≠ 0) d = beta·d + alpha·tile with the arithmetic of {@link #addScaled}.
     */
    private static void product8x2(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] d, int dOff, int ldd,
                                   float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        // Offsets as induction variables, as in product4x2.
        for (int ao = aOff, bo = bOff, aEnd = aOff + 8 * kc; ao < aEnd; ao += 8, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ao]);
            c00 = FMA ? a.fma(b0, c00) : a.mul(b0).add(c00);
            c01 = FMA ? a.fma(b1, c01) : a.mul(b1).add(c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = FMA ? a.fma(b0, c10) : a.mul(b0).add(c10);
            c11 = FMA ? a.fma(b1, c11) : a.mul(b1).add(c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = FMA ? a.fma(b0, c20) : a.mul(b0).add(c20);
            c21 = FMA ? a.fma(b1, c21) : a.mul(b1).add(c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = FMA ? a.fma(b0, c30) : a.mul(b0).add(c30);
            c31 = FMA ? a.fma(b1, c31) : a.mul(b1).add(c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = FMA ? a.fma(b0, c40) : a.mul(b0).add(c40);
            c41 = FMA ? a.fma(b1, c41) : a.mul(b1).add(c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = FMA ? a.fma(b0, c50) : a.mul(b0).add(c50);
            c51 = FMA ? a.fma(b1, c51) : a.mul(b1).add(c51);
            a = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = FMA ? a.fma(b0, c60) : a.mul(b0).add(c60);
            c61 = FMA ? a.fma(b1, c61) : a.mul(b1).add(c61);
            a = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = FMA ? a.fma(b0, c70) : a.mul(b0).add(c70);
            c71 = FMA ? a.fma(b1, c71) : a.mul(b1).add(c71);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            int o0 = dOff;
            c00.mul(al).intoArray(d, o0);
            c01.mul(al).intoArray(d, o0 + L);
            int o1 = dOff + 1 * ldd;
            c10.mul(al).intoArray(d, o1);
            c11.mul(al).intoArray(d, o1 + L);
            int o2 = dOff + 2 * ldd;
            c20.mul(al).intoArray(d, o2);
            c21.mul(al).intoArray(d, o2 + L);
            int o3 = dOff + 3 * ldd;
            c30.mul(al).intoArray(d, o3);
            c31.mul(al).intoArray(d, o3 + L);
            int o4 = dOff + 4 * ldd;
            c40.mul(al).intoArray(d, o4);
            c41.mul(al).intoArray(d, o4 + L);
            int o5 = dOff + 5 * ldd;
            c50.mul(al).intoArray(d, o5);
            c51.mul(al).intoArray(d, o5 + L);
            int o6 = dOff + 6 * ldd;
            c60.mul(al).intoArray(d, o6);
            c61.mul(al).intoArray(d, o6 + L);
            int o7 = dOff + 7 * ldd;
            c70.mul(al).intoArray(d, o7);
            c71.mul(al).intoArray(d, o7 + L);
            return;
        }
        FloatVector be = FloatVector.broadcast(S, beta);
        int q0 = dOff;
        FloatVector d00 = FloatVector.fromArray(S, d, q0), d01 = FloatVector.fromArray(S, d, q0 + L);
        (FMA ? d00.fma(be, c00.mul(al)) : d00.mul(be).add(c00.mul(al))).intoArray(d, q0);
        (FMA ? d01.fma(be, c01.mul(al)) : d01.mul(be).add(c01.mul(al))).intoArray(d, q0 + L);
        int q1 = dOff + 1 * ldd;
        FloatVector d10 = FloatVector.fromArray(S, d, q1), d11 = FloatVector.fromArray(S, d, q1 + L);
        (FMA ? d10.fma(be, c10.mul(al)) : d10.mul(be).add(c10.mul(al))).intoArray(d, q1);
        (FMA ? d11.fma(be, c11.mul(al)) : d11.mul(be).add(c11.mul(al))).intoArray(d, q1 + L);
        int q2 = dOff + 2 * ldd;
        FloatVector d20 = FloatVector.fromArray(S, d, q2), d21 = FloatVector.fromArray(S, d, q2 + L);
        (FMA ? d20.fma(be, c20.mul(al)) : d20.mul(be).add(c20.mul(al))).intoArray(d, q2);
        (FMA ? d21.fma(be, c21.mul(al)) : d21.mul(be).add(c21.mul(al))).intoArray(d, q2 + L);
        int q3 = dOff + 3 * ldd;
        FloatVector d30 = FloatVector.fromArray(S, d, q3), d31 = FloatVector.fromArray(S, d, q3 + L);
        (FMA ? d30.fma(be, c30.mul(al)) : d30.mul(be).add(c30.mul(al))).intoArray(d, q3);
        (FMA ? d31.fma(be, c31.mul(al)) : d31.mul(be).add(c31.mul(al))).intoArray(d, q3 + L);
        int q4 = dOff + 4 * ldd;
        FloatVector d40 = FloatVector.fromArray(S, d, q4), d41 = FloatVector.fromArray(S, d, q4 + L);
        (FMA ? d40.fma(be, c40.mul(al)) : d40.mul(be).add(c40.mul(al))).intoArray(d, q4);
        (FMA ? d41.fma(be, c41.mul(al)) : d41.mul(be).add(c41.mul(al))).intoArray(d, q4 + L);
        int q5 = dOff + 5 * ldd;
        FloatVector d50 = FloatVector.fromArray(S, d, q5), d51 = FloatVector.fromArray(S, d, q5 + L);
        (FMA ? d50.fma(be, c50.mul(al)) : d50.mul(be).add(c50.mul(al))).intoArray(d, q5);
        (FMA ? d51.fma(be, c51.mul(al)) : d51.mul(be).add(c51.mul(al))).intoArray(d, q5 + L);
        int q6 = dOff + 6 * ldd;
        FloatVector d60 = FloatVector.fromArray(S, d, q6), d61 = FloatVector.fromArray(S, d, q6 + L);
        (FMA ? d60.fma(be, c60.mul(al)) : d60.mul(be).add(c60.mul(al))).intoArray(d, q6);
        (FMA ? d61.fma(be, c61.mul(al)) : d61.mul(be).add(c61.mul(al))).intoArray(d, q6 + L);
        int q7 = dOff + 7 * ldd;
        FloatVector d70 = FloatVector.fromArray(S, d, q7), d71 = FloatVector.fromArray(S, d, q7 + L);
        (FMA ? d70.fma(be, c70.mul(al)) : d70.mul(be).add(c70.mul(al))).intoArray(d, q7);
        (FMA ? d71.fma(be, c71.mul(al)) : d71.mul(be).add(c71.mul(al))).intoArray(d, q7 + L);
    }

    /** 3 rows × 3 vectors: 9 accumulators, 3 B vectors and 3 broadcasts fit 16 registers as C2 schedules them. */
    private static void product3x3(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] d, int dOff, int ldd, float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        for (int ao = aOff, bo = bOff, aEnd = aOff + 3 * kc; ao < aEnd; ao += 3, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ao]);
            c00 = FMA ? a.fma(b0, c00) : a.mul(b0).add(c00);
            c01 = FMA ? a.fma(b1, c01) : a.mul(b1).add(c01);
            c02 = FMA ? a.fma(b2, c02) : a.mul(b2).add(c02);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = FMA ? a.fma(b0, c10) : a.mul(b0).add(c10);
            c11 = FMA ? a.fma(b1, c11) : a.mul(b1).add(c11);
            c12 = FMA ? a.fma(b2, c12) : a.mul(b2).add(c12);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = FMA ? a.fma(b0, c20) : a.mul(b0).add(c20);
            c21 = FMA ? a.fma(b1, c21) : a.mul(b1).add(c21);
            c22 = FMA ? a.fma(b2, c22) : a.mul(b2).add(c22);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        int o0 = dOff;
        c00.mul(al).intoArray(d, o0);
        c01.mul(al).intoArray(d, o0 + L);
        c02.mul(al).intoArray(d, o0 + 2 * L);
        int o1 = dOff + 1 * ldd;
        c10.mul(al).intoArray(d, o1);
        c11.mul(al).intoArray(d, o1 + L);
        c12.mul(al).intoArray(d, o1 + 2 * L);
        int o2 = dOff + 2 * ldd;
        c20.mul(al).intoArray(d, o2);
        c21.mul(al).intoArray(d, o2 + L);
        c22.mul(al).intoArray(d, o2 + 2 * L);
    }

    /** 4 rows × 2 vectors: 8 accumulators, 2 B vectors and 4 broadcasts (or the products' temporaries without FMA) in 16 registers. */
    private static void product4x2(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] d, int dOff, int ldd, float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        // The panel offsets are the loop's induction variables: recomputed from a counter (p·NR,
        // p·4) they cost C2 extra integer instructions per k, and with few multiply-adds per k the
        // front end is what runs out first when the core is shared. The other tiles do the same.
        for (int ao = aOff, bo = bOff, aEnd = aOff + 4 * kc; ao < aEnd; ao += 4, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ao]);
            c00 = FMA ? a.fma(b0, c00) : a.mul(b0).add(c00);
            c01 = FMA ? a.fma(b1, c01) : a.mul(b1).add(c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = FMA ? a.fma(b0, c10) : a.mul(b0).add(c10);
            c11 = FMA ? a.fma(b1, c11) : a.mul(b1).add(c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = FMA ? a.fma(b0, c20) : a.mul(b0).add(c20);
            c21 = FMA ? a.fma(b1, c21) : a.mul(b1).add(c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = FMA ? a.fma(b0, c30) : a.mul(b0).add(c30);
            c31 = FMA ? a.fma(b1, c31) : a.mul(b1).add(c31);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        int o0 = dOff;
        c00.mul(al).intoArray(d, o0);
        c01.mul(al).intoArray(d, o0 + L);
        int o1 = dOff + 1 * ldd;
        c10.mul(al).intoArray(d, o1);
        c11.mul(al).intoArray(d, o1 + L);
        int o2 = dOff + 2 * ldd;
        c20.mul(al).intoArray(d, o2);
        c21.mul(al).intoArray(d, o2 + L);
        int o3 = dOff + 3 * ldd;
        c30.mul(al).intoArray(d, o3);
        c31.mul(al).intoArray(d, o3 + L);
    }

    /** C[r, j] = beta · C[r, j] + tile[r·NR + j] over the full MR×NR tile (one fused operation where FMA exists). */
    private static void addScaled(float[] tile, float[] c, int cOff, int ldc, float beta) {
        FloatVector be = FloatVector.broadcast(S, beta);
        for (int r = 0; r < MR; r++) {
            int o = cOff + r * ldc;
            for (int v = 0; v < NR; v += L) {
                FloatVector old = FloatVector.fromArray(S, c, o + v), t = FloatVector.fromArray(S, tile, r * NR + v);
                (FMA ? old.fma(be, t) : old.mul(be).add(t)).intoArray(c, o + v);
            }
        }
    }

    /** The raw tile (alpha 1, beta 0) into {@code tile[0..MR*NR]}, for edge tiles of C. */
    static void tileToBuffer(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        product(kc, ap, aOff, bp, bOff, tile, 0, NR, 1f);
    }

    /**
     * C[0..mr, 0..nr] = alpha * tile + beta * C for a partial tile, with masked vector loads and stores
     * so nothing outside the mr×nr corner is touched; same arithmetic as {@link #kernel}.
     */
    static void storeEdge(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, float alpha, float beta) {
        if (!VectorPlatform.MASKED_MEMORY) {
            storeEdgeScalar(tile, mr, nr, c, cOff, ldc, alpha, beta);
            return;
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        FloatVector be = FloatVector.broadcast(S, beta);
        for (int v = 0; v < NR; v += S.length()) {
            if (v >= nr) break;
            VectorMask<Float> m = S.indexInRange(v, nr);
            for (int r = 0; r < mr; r++) {
                int o = cOff + r * ldc + v;
                if (o + S.length() > c.length) {
                    // A masked access whose vector runs past the array's end is not one instruction but
                    // a library fallback (which C2 may leave allocating): the last row ends in scalars.
                    storeScalars(tile, r * NR + v, Math.min(nr - v, S.length()), c, o, alpha, beta);
                    continue;
                }
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + v).mul(al);
                if (beta == 0f) {
                    t.intoArray(c, o, m);
                } else {
                    FloatVector old = FloatVector.fromArray(S, c, o, m);
                    (FMA ? old.fma(be, t) : old.mul(be).add(t)).intoArray(c, o, m);
                }
            }
        }
    }

    /** {@link #storeEdge} where masked stores are not SIMD: the same rounding (alpha·t, then beta·C + that). */
    private static void storeEdgeScalar(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, float alpha, float beta) {
        for (int r = 0; r < mr; r++) storeScalars(tile, r * NR, nr, c, cOff + r * ldc, alpha, beta);
    }

    /** {@code c[o..o+n) = alpha·tile[t..t+n) + beta·c[o..o+n)}, one element at a time, rounded as the vector path rounds. */
    private static void storeScalars(float[] tile, int t, int n, float[] c, int o, float alpha, float beta) {
        for (int j = 0; j < n; j++) {
            float v = tile[t + j] * alpha;
            c[o + j] = beta == 0f ? v : FMA ? Math.fma(c[o + j], beta, v) : c[o + j] * beta + v;
        }
    }
}
