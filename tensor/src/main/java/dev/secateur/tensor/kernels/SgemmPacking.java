package dev.secateur.tensor.kernels;

import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.NR;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the layouts the micro-kernel streams through:
 * A as MR-tall row panels ({@code kc} columns of MR contiguous values each), B as NR-wide
 * column panels ({@code kc} rows of NR contiguous values each). Panels that stick out past the
 * matrix edge are zero-padded, so the micro-kernel never needs a bounds case. Reading from the
 * stored layout here is what makes the transposed cases cost the same as the plain ones.
 */
final class SgemmPacking {
    private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
    private static final int L = S.length();

    /** Full 8-row A panels are packed 16 columns at a time by vector transposes (16-lane vectors only). */
    /** Whether 8-row A panels are packed by in-register transposes (16 lanes). */
    private static final boolean TRANSPOSE_16 = Transpose8x16.SUPPORTED && MR == 8;

    /** Rows of B packed together across all panels of a block (see {@link #packB}). */
    private static final int B_SLAB = 8;

    private SgemmPacking() {}

    /**
     * Packs rows {@code i0..i0+mc} × columns {@code p0..p0+kc} of op(A) into {@code dst[dOff..]}:
     * panel {@code q} (rows i0+q·MR ..) starts at {@code dOff + q·kc·MR}, element (r, p) at {@code p·MR + r}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst, int dOff) {
        for (int ir = 0, d = dOff; ir < mc; ir += MR, d += kc * MR) {
            int mr = Math.min(MR, mc - ir);
            if (transA) {
                packAPanelTransposed(a, aOff + p0 * lda + i0 + ir, lda, mr, kc, dst, d);
            } else {
                packAPanel(a, aOff + (i0 + ir) * lda + p0, lda, mr, kc, dst, d);
            }
        }
    }

    /** A stored m×k: each of the mr rows is contiguous over p; a partial panel is written row by row with stride MR, zero-padded. */
    private static void packAPanel(float[] a, int src, int lda, int mr, int kc, float[] dst, int d) {
        if (mr == MR) {
            packAPanelFull(a, src, lda, kc, dst, d);
            return;
        }
        for (int r = 0; r < mr; r++) {
            int s = src + r * lda;
            for (int p = 0; p < kc; p++) dst[d + p * MR + r] = a[s + p];
        }
        for (int r = mr; r < MR; r++) {
            for (int p = 0; p < kc; p++) dst[d + p * MR + r] = 0f;
        }
    }

    /**
     * A full panel of A stored m×k, written in order (one MR-value column of the panel per p) from
     * MR row streams, rather than row by row with stride MR, which touches every line of the
     * panel MR times.
     */
    private static void packAPanelFull(float[] a, int s0, int lda, int kc, float[] dst, int d) {
        int s1 = s0 + lda, s2 = s1 + lda;
        if (MR == 3) {
            for (int p = 0, o = d; p < kc; p++, o += 3) {
                dst[o] = a[s0 + p]; dst[o + 1] = a[s1 + p]; dst[o + 2] = a[s2 + p];
            }
            return;
        }
        int s3 = s2 + lda;
        if (MR == 4) {
            for (int p = 0, o = d; p < kc; p++, o += 4) {
                dst[o] = a[s0 + p]; dst[o + 1] = a[s1 + p]; dst[o + 2] = a[s2 + p]; dst[o + 3] = a[s3 + p];
            }
            return;
        }
        int s4 = s3 + lda, s5 = s4 + lda, s6 = s5 + lda, s7 = s6 + lda;
        int p = 0;
        if (TRANSPOSE_16) {
            for (; p + 16 <= kc; p += 16) Transpose8x16.strided(a, s0 + p, lda, dst, d + p * 8);
        }
        for (int o = d + p * 8; p < kc; p++, o += 8) {
            dst[o] = a[s0 + p]; dst[o + 1] = a[s1 + p]; dst[o + 2] = a[s2 + p]; dst[o + 3] = a[s3 + p];
            dst[o + 4] = a[s4 + p]; dst[o + 5] = a[s5 + p]; dst[o + 6] = a[s6 + p]; dst[o + 7] = a[s7 + p];
        }
    }

    /** A stored k×m: for each p the mr values of the panel are contiguous. */
    private static void packAPanelTransposed(float[] a, int src, int lda, int mr, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++) {
            int s = src + p * lda;
            int o = d + p * MR;
            for (int r = 0; r < mr; r++) dst[o + r] = a[s + r];
            for (int r = mr; r < MR; r++) dst[o + r] = 0f;
        }
    }

    /**
     * Packs rows {@code p0..p0+kc} × columns {@code j0..j0+nc} of op(B) into {@code dst[dOff..]}:
     * panel {@code q} (columns j0+q·NR ..) starts at {@code dOff + q·kc·NR}, element (p, j) at {@code p·NR + j}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst, int dOff) {
        if (!transB) {
            // A few rows of B at a time across all panels: the rows are read as long sequential
            // streams that the prefetchers follow (a panel-by-panel walk reads KC short pieces of
            // rows a leading dimension apart), while each panel's piece of the slab stays in L1.
            for (int ps = 0; ps < kc; ps += B_SLAB) {
                int pe = Math.min(kc, ps + B_SLAB);
                for (int jr = 0, d = dOff; jr < nc; jr += NR, d += kc * NR) {
                    int nr = Math.min(NR, nc - jr);
                    int src = bOff + p0 * ldb + j0 + jr;
                    if (nr == NR) {
                        packBRows(b, src, ldb, ps, pe, dst, d);
                    } else {
                        packBRowsEdge(b, src, ldb, nr, ps, pe, dst, d);
                    }
                }
            }
            return;
        }
        for (int jr = 0, d = dOff; jr < nc; jr += NR, d += kc * NR) {
            packBPanelTransposed(b, bOff + (j0 + jr) * ldb + p0, ldb, Math.min(NR, nc - jr), kc, dst, d);
        }
    }

    /** Rows [ps, pe) of a full B panel (B stored k×n): each packed row is NR contiguous source values (vector copies). */
    private static void packBRows(float[] b, int src, int ldb, int ps, int pe, float[] dst, int d) {
        for (int p = ps; p < pe; p++) {
            int s = src + p * ldb;
            int o = d + p * NR;
            for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, b, s + v).intoArray(dst, o + v);
        }
    }

    /** Rows [ps, pe) of the last, partial B panel: masked loads leave the padding lanes zero. */
    private static void packBRowsEdge(float[] b, int src, int ldb, int nr, int ps, int pe, float[] dst, int d) {
        if (!VectorPlatform.MASKED_MEMORY) {
            for (int p = ps; p < pe; p++) {
                int s = src + p * ldb, o = d + p * NR;
                for (int j = 0; j < NR; j++) dst[o + j] = j < nr ? b[s + j] : 0f;
            }
            return;
        }
        for (int p = ps; p < pe; p++) {
            int s = src + p * ldb;
            int o = d + p * NR;
            for (int v = 0; v < NR; v += L) {
                VectorMask<Float> m = S.indexInRange(v, nr);
                FloatVector.fromArray(S, b, s + v, m).intoArray(dst, o + v);
            }
        }
    }

    /** B stored n×k: each of the nr panel columns is contiguous over p; written with stride NR. */
    private static void packBPanelTransposed(float[] b, int src, int ldb, int nr, int kc, float[] dst, int d) {
        for (int j = 0; j < nr; j++) {
            int s = src + j * ldb;
            for (int p = 0; p < kc; p++) dst[d + p * NR + j] = b[s + p];
        }
        for (int j = nr; j < NR; j++) {
            for (int p = 0; p < kc; p++) dst[d + p * NR + j] = 0f;
        }
    }
}
