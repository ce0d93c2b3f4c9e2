package dev.secateur.tensor.kernels;

/**
 * A layer weight W (m outputs × k inputs) stored transposed, in column panels of output
 * features: panel {@code p} covers outputs {@code [p·W2, p·W2 + width(p))} with W2 = two
 * vectors, and holds, for every input {@code c} in order, its {@code width(p)} weights
 * contiguously ({@code W[f][c]} at {@code offset(p) + c·width(p) + f − p·W2}). Every panel is
 * two vectors wide except the last, which takes the fewest whole vectors that hold the outputs
 * left (a 10-output layer is padded to 16, not 32); padding outputs are zero.
 *
 * <p>This is the operand layout of {@link DenseLayerKernels}: batch 1 streams each panel once
 * and multiplies it by broadcast inputs (one load per vector multiply-add, no expanded copy of
 * x), and a batch whose samples lie one after another multiplies the panels by broadcast sample
 * values with no packing of the activations at all. Immutable and safe to share.
 */
public final class FeaturePanels {
    final int m, k;
    /** Outputs per full panel: two vectors. */
    static final int WIDTH = 2 * SgemmMicroKernel.S.length();
    final int panels;
    /** Width of the last panel (one or two vectors). */
    final int lastWidth;
    final float[] w;

    private FeaturePanels(int m, int k, int panels, int lastWidth, float[] w) {
        this.m = m;
        this.k = k;
        this.panels = panels;
        this.lastWidth = lastWidth;
        this.w = w;
    }

    /** Packs the row-major {@code m×k} weight {@code a[aOff..]} (row stride {@code k}). */
    public static FeaturePanels pack(float[] a, int aOff, int m, int k) {
        int lanes = SgemmMicroKernel.S.length();
        int full = m / WIDTH, rest = m % WIDTH;
        int panels = full + (rest > 0 ? 1 : 0);
        int lastWidth = rest == 0 ? WIDTH : (rest + lanes - 1) / lanes * lanes;
        long size = ((long) full * WIDTH + (rest > 0 ? lastWidth : 0)) * k;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("feature panels of a " + m + "x" + k + " weight need " + size + " floats, more than one Java array holds");
        }
        float[] w = new float[(int) size];
        FeaturePanels fp = new FeaturePanels(m, k, panels, lastWidth, w);
        for (int p = 0; p < panels; p++) {
            int f0 = p * WIDTH, width = fp.width(p), off = fp.offset(p), valid = Math.min(width, m - f0);
            for (int f = 0; f < valid; f++) {
                int src = aOff + (f0 + f) * k;
                for (int c = 0; c < k; c++) w[off + c * width + f] = a[src + c];
            }
        }
        return fp;
    }

    /** Outputs m. */
    public int rows() { return m; }

    /** Inputs k. */
    public int cols() { return k; }

    /** Number of panels. */
    public int panels() { return panels; }

    /** Bytes of the stored panels. */
    public long byteSize() { return 4L * w.length; }

    int width(int p) { return p == panels - 1 ? lastWidth : WIDTH; }

    int offset(int p) { return p * WIDTH * k; }
}
