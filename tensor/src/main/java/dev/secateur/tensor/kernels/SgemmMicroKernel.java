package dev.secateur.tensor.kernels;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked heart of {@link PackedSgemm}: an MR×NR = 8×32 tile of C held in
 * 16 vector accumulators (8 rows × 2 vectors of 16 lanes) while the K loop broadcasts one
 * packed A value per row and FMAs it against the NR/16 packed B vectors (an outer product per k).
 * The tile is unrolled by hand: vectors kept in locals stay in zmm registers, while arrays of
 * vectors would live on the heap. No horizontal reductions anywhere.
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the C tile: 8 rows × 2 vectors = 16 accumulators + 2 B vectors + 1 broadcast of the 32 zmm registers. */
    static final int MR = 8;
    /** Columns of the C tile: 2 vectors (16 floats each with AVX-512). */
    static final int NR = 2 * S.length();

    private SgemmMicroKernel() {}

    /**
     * C[0..MR, 0..NR] = alpha * (Apanel · Bpanel) + beta * C, where Apanel is {@code kc} packed
     * columns of MR values at {@code ap[aOff..]} and Bpanel is {@code kc} packed rows of NR values at
     * {@code bp[bOff..]}. {@code beta == 0} does not read C. Every element is computed with the same
     * operation order, so full tiles and edge tiles (see {@link #tileToBuffer}) agree bit for bit.
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff,
                       float[] c, int cOff, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * NR;
            int ao = aOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ao]);
            c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = fma(a, b0, c40); c41 = fma(a, b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = fma(a, b0, c50); c51 = fma(a, b1, c51);
            a = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = fma(a, b0, c60); c61 = fma(a, b1, c61);
            a = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = fma(a, b0, c70); c71 = fma(a, b1, c71);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            int o0 = cOff;
            c00.mul(al).intoArray(c, o0);
            c01.mul(al).intoArray(c, o0 + L);
            int o1 = cOff + 1 * ldc;
            c10.mul(al).intoArray(c, o1);
            c11.mul(al).intoArray(c, o1 + L);
            int o2 = cOff + 2 * ldc;
            c20.mul(al).intoArray(c, o2);
            c21.mul(al).intoArray(c, o2 + L);
            int o3 = cOff + 3 * ldc;
            c30.mul(al).intoArray(c, o3);
            c31.mul(al).intoArray(c, o3 + L);
            int o4 = cOff + 4 * ldc;
            c40.mul(al).intoArray(c, o4);
            c41.mul(al).intoArray(c, o4 + L);
            int o5 = cOff + 5 * ldc;
            c50.mul(al).intoArray(c, o5);
            c51.mul(al).intoArray(c, o5 + L);
            int o6 = cOff + 6 * ldc;
            c60.mul(al).intoArray(c, o6);
            c61.mul(al).intoArray(c, o6 + L);
            int o7 = cOff + 7 * ldc;
            c70.mul(al).intoArray(c, o7);
            c71.mul(al).intoArray(c, o7 + L);
        } else {
            FloatVector be = FloatVector.broadcast(S, beta);
            int o0 = cOff;
            fma(FloatVector.fromArray(S, c, o0), be, c00.mul(al)).intoArray(c, o0);
            fma(FloatVector.fromArray(S, c, o0 + L), be, c01.mul(al)).intoArray(c, o0 + L);
            int o1 = cOff + 1 * ldc;
            fma(FloatVector.fromArray(S, c, o1), be, c10.mul(al)).intoArray(c, o1);
            fma(FloatVector.fromArray(S, c, o1 + L), be, c11.mul(al)).intoArray(c, o1 + L);
            int o2 = cOff + 2 * ldc;
            fma(FloatVector.fromArray(S, c, o2), be, c20.mul(al)).intoArray(c, o2);
            fma(FloatVector.fromArray(S, c, o2 + L), be, c21.mul(al)).intoArray(c, o2 + L);
            int o3 = cOff + 3 * ldc;
            fma(FloatVector.fromArray(S, c, o3), be, c30.mul(al)).intoArray(c, o3);
            fma(FloatVector.fromArray(S, c, o3 + L), be, c31.mul(al)).intoArray(c, o3 + L);
            int o4 = cOff + 4 * ldc;
            fma(FloatVector.fromArray(S, c, o4), be, c40.mul(al)).intoArray(c, o4);
            fma(FloatVector.fromArray(S, c, o4 + L), be, c41.mul(al)).intoArray(c, o4 + L);
            int o5 = cOff + 5 * ldc;
            fma(FloatVector.fromArray(S, c, o5), be, c50.mul(al)).intoArray(c, o5);
            fma(FloatVector.fromArray(S, c, o5 + L), be, c51.mul(al)).intoArray(c, o5 + L);
            int o6 = cOff + 6 * ldc;
            fma(FloatVector.fromArray(S, c, o6), be, c60.mul(al)).intoArray(c, o6);
            fma(FloatVector.fromArray(S, c, o6 + L), be, c61.mul(al)).intoArray(c, o6 + L);
            int o7 = cOff + 7 * ldc;
            fma(FloatVector.fromArray(S, c, o7), be, c70.mul(al)).intoArray(c, o7);
            fma(FloatVector.fromArray(S, c, o7 + L), be, c71.mul(al)).intoArray(c, o7 + L);
        }
    }

    /** The raw tile (alpha 1, beta 0) into {@code tile[0..MR*NR]}, for edge tiles of C. */
    static void tileToBuffer(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        kernel(kc, ap, aOff, bp, bOff, tile, 0, NR, 1f, 0f);
    }

    /**
     * C[0..mr, 0..nr] = alpha * tile + beta * C for a partial tile, with masked vector loads and stores
     * so nothing outside the mr×nr corner is touched; same arithmetic as {@link #kernel}.
     */
    static void storeEdge(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, float alpha, float beta) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        FloatVector be = FloatVector.broadcast(S, beta);
        for (int v = 0; v < NR; v += S.length()) {
            if (v >= nr) break;
            VectorMask<Float> m = S.indexInRange(v, nr);
            for (int r = 0; r < mr; r++) {
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + v).mul(al);
                int o = cOff + r * ldc + v;
                if (beta == 0f) {
                    t.intoArray(c, o, m);
                } else {
                    fma(FloatVector.fromArray(S, c, o, m), be, t).intoArray(c, o, m);
                }
            }
        }
    }

    /** {@code a·b + c}: fused where the CPU has FMA, else multiply then add (see {@link VectorPlatform#FMA}). */
    private static FloatVector fma(FloatVector a, FloatVector b, FloatVector c) {
        return VectorPlatform.FMA ? a.fma(b, c) : a.mul(b).add(c);
    }
}
