package dev.secateur.tensor.kernels;

import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.NR;

import dev.secateur.tensor.Workers;

/**
 * The arguments of one parallel GEMM or GEMV call, kept in a per-caller object that is
 * reused across calls so that forking allocates nothing. Task {@code t} computes strip
 * {@code t} of C: a range of columns (or rows) aligned to the micro-tile, so that each C element
 * belongs to exactly one task.
 */
final class SgemmCall implements Workers.Task {
    private static final int GEMV_ALIGN = 16;

    int parts;
    private boolean gemv;
    private boolean splitColumns;
    private int chunk;
    private boolean transA, transB, dotForm;
    private int m, n, k, lda, ldb, ldc, aOff, bOff, cOff;
    private float alpha, beta;
    private float[] a, b, c;

    void setGemm(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        this.gemv = false;
        this.transA = transA; this.transB = transB;
        this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
        this.a = a; this.aOff = aOff; this.lda = lda;
        this.b = b; this.bOff = bOff; this.ldb = ldb;
        this.c = c; this.cOff = cOff; this.ldc = ldc;
        // Split the longer side of C so strips stay as square as possible.
        splitColumns = n >= m;
        int units = splitColumns ? PackedSgemm.ceilDiv(n, NR) : PackedSgemm.ceilDiv(m, MR);
        int perPart = PackedSgemm.ceilDiv(units, Math.min(threads, units));
        chunk = perPart * (splitColumns ? NR : MR);
        parts = PackedSgemm.ceilDiv(splitColumns ? n : m, chunk);
    }

    /** x is already contiguous (a buffer of the calling thread, read-only while the call runs). */
    void setGemv(int threads, boolean dotForm, int rows, int len, float alpha, float[] mat, int mOff, int ldm,
                 float[] x, float beta, float[] y, int yOff, int incy) {
        this.gemv = true;
        this.dotForm = dotForm;
        this.m = rows; this.k = len; this.alpha = alpha; this.beta = beta;
        this.a = mat; this.aOff = mOff; this.lda = ldm;
        this.b = x;
        this.c = y; this.cOff = yOff; this.ldc = incy;
        int units = PackedSgemm.ceilDiv(rows, GEMV_ALIGN);
        chunk = PackedSgemm.ceilDiv(units, Math.min(threads, units)) * GEMV_ALIGN;
        parts = PackedSgemm.ceilDiv(rows, chunk);
    }

    /** Drops the array references so a finished call does not keep big arrays alive. */
    void clear() {
        a = null; b = null; c = null;
    }

    @Override public void run(int t) {
        SgemmWorkspace ws = SgemmWorkspace.get();
        if (gemv) {
            int r0 = t * chunk, r1 = Math.min(m, r0 + chunk);
            if (dotForm) {
                SgemvKernel.dotRows(a, aOff, lda, r0, r1, k, b, alpha, beta, c, cOff, ldc, ws.tile);
            } else {
                SgemvKernel.axpyColumns(a, aOff, lda, r0, r1, k, b, alpha, beta, c, cOff, ldc, ws.accumulator(r1 - r0));
            }
        } else if (splitColumns) {
            int j0 = t * chunk, j1 = Math.min(n, j0 + chunk);
            PackedSgemm.blocked(ws, transA, transB, 0, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            int i0 = t * chunk, i1 = Math.min(m, i0 + chunk);
            PackedSgemm.blocked(ws, transA, transB, i0, i1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }
}
