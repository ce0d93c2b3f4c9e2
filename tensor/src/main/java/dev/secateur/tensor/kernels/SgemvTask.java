package dev.secateur.tensor.kernels;

import dev.secateur.tensor.Workers;

/**
 * The arguments of one parallel GEMV call, kept in a per-caller object that is reused across
 * calls so that forking allocates nothing. Task {@code t} computes a strip of 16-aligned output
 * elements, so each output belongs to exactly one task.
 */
final class SgemvTask implements Workers.Task {
    private static final int GEMV_ALIGN = 16;

    int parts;
    private int chunk;
    private boolean dotForm;
    private int m, k, lda, ldc, aOff, cOff;
    private float alpha, beta;
    private float[] a, b, c;

    /** x is already contiguous (a buffer of the calling thread, read-only while the call runs). */
    void set(int threads, boolean dotForm, int rows, int len, float alpha, float[] mat, int mOff, int ldm,
                 float[] x, float beta, float[] y, int yOff, int incy) {
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
        int r0 = t * chunk, r1 = Math.min(m, r0 + chunk);
        if (dotForm) {
            SgemvKernel.dotRows(a, aOff, lda, r0, r1, k, b, alpha, beta, c, cOff, ldc, ws.tile);
        } else {
            SgemvKernel.axpyColumns(a, aOff, lda, r0, r1, k, b, alpha, beta, c, cOff, ldc, ws.accumulator(r1 - r0));
        }
    }
}
