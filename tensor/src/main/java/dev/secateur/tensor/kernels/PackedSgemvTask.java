package dev.secateur.tensor.kernels;

import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;

import dev.secateur.tensor.Workers;

/**
 * The arguments of one parallel {@link PackedSgemv} call, kept in a per-caller object reused
 * across calls so that forking allocates nothing. Task {@code t} computes a run of whole panels
 * (MR rows), so each output belongs to exactly one task.
 */
final class PackedSgemvTask implements Workers.Task {
    int parts;
    private int rowsPerPart, i0, i1;
    private PackedWeight a;
    private float[] xe, y;
    private float alpha, beta;
    private int yOff, incy, cols;

    /** {@code xe} is the expanded x ({@code cols} columns), a buffer of the calling thread, read-only while the call runs. */
    void set(int threads, PackedWeight a, int i0, int i1, float[] xe, int cols, float alpha, float beta,
             float[] y, int yOff, int incy) {
        this.a = a; this.i0 = i0; this.i1 = i1; this.xe = xe; this.cols = cols;
        this.alpha = alpha; this.beta = beta; this.y = y; this.yOff = yOff; this.incy = incy;
        int panels = PackedSgemm.ceilDiv(i1 - i0, MR);
        rowsPerPart = PackedSgemm.ceilDiv(panels, Math.min(threads, panels)) * MR;
        parts = PackedSgemm.ceilDiv(i1 - i0, rowsPerPart);
    }

    /** Drops the array references so a finished call does not keep big arrays alive. */
    void clear() {
        a = null; xe = null; y = null;
    }

    @Override public void run(int t) {
        int r0 = i0 + t * rowsPerPart, r1 = Math.min(i1, r0 + rowsPerPart);
        float[] acc = SgemmWorkspace.get().accumulator(PackedSgemv.ACC * cols * PackedSgemm.ceilDiv(r1 - r0, MR));
        PackedSgemv.rows(a, r0, r1, i0, xe, cols, alpha, beta, y, yOff, incy, acc);
    }
}
