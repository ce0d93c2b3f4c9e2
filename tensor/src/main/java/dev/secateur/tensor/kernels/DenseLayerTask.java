package dev.secateur.tensor.kernels;

import dev.secateur.tensor.Workers;

/**
 * The arguments of one parallel {@link DenseLayerKernels} product, kept in a per-caller object
 * reused across calls so that forking allocates nothing. Task {@code t} computes a run of whole
 * panels, so each output belongs to exactly one task.
 */
final class DenseLayerTask implements Workers.Task {
    static final int GEMV = 0, SAMPLE_MAJOR = 1, FEATURE_MAJOR = 2;
    int parts;
    private int kind, perPart, units, xOff, n, cols, yOff;
    private FeaturePanels fp;
    private PackedWeight pw;
    private float[] x, bias, y;
    private boolean relu;

    void set(int kind, int threads, int units, FeaturePanels fp, PackedWeight pw, float[] x, int xOff, int n, int cols,
             float[] bias, boolean relu, float[] y, int yOff) {
        this.kind = kind; this.units = units; this.fp = fp; this.pw = pw; this.x = x; this.xOff = xOff; this.n = n;
        this.cols = cols; this.bias = bias; this.relu = relu; this.y = y; this.yOff = yOff;
        perPart = PackedSgemm.ceilDiv(units, threads);
        // The GEMV groups four panels from multiples of four: parts start there, so the grouping (and
        // every sum) is the same for any thread count.
        if (kind == GEMV) perPart = PackedSgemm.ceilDiv(perPart, 4) * 4;
        parts = PackedSgemm.ceilDiv(units, perPart);
    }

    /** Drops the array references so a finished call does not keep big arrays alive. */
    void clear() {
        fp = null; pw = null; x = null; bias = null; y = null;
    }

    @Override public void run(int t) {
        int u0 = t * perPart, u1 = Math.min(units, u0 + perPart);
        DenseLayerKernels.range(kind, fp, pw, u0, u1, x, xOff, n, cols, bias, relu, y, yOff, SgemmWorkspace.get());
    }
}
