package dev.secateur.tensor.kernels;

import static dev.secateur.tensor.kernels.PackedSgemm.ceilDiv;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;

/**
 * A constant left operand A (m×k, e.g. a layer weight) packed once into the layout the SGEMM
 * micro-kernel streams through, so products with it skip the per-call packing of A. For a
 * weight times a thin activation (n = 64 columns) that packing costs as much as the arithmetic.
 *
 * <p>Layout: A is cut into the K blocks of {@link PackedSgemm} (depth {@code kDepth(k)}, the
 * split that every call with this k uses, so results are bit-identical to the unpacked
 * {@code sgemm}). K block {@code q}, starting at depth {@code pc}, begins at {@code pc·mPad}
 * ({@code mPad} = m rounded up to MR); inside it, panel {@code i/MR} of MR rows begins at
 * {@code (i/MR)·MR·kc} and holds element (row r, depth p) at {@code p·MR + r}, rows past m zero.
 * Any row range starting at a multiple of {@link #PANEL_ROWS} is therefore a contiguous run of
 * panels in each K block. The object is immutable and safe to share between threads.
 */
public final class PackedWeight {
    /** Rows per packed panel: row ranges passed to the products must start at a multiple of this. */
    public static final int PANEL_ROWS = MR;

    final int m;
    final int k;
    /** Depth of every K block but the last. */
    final int kcMax;
    /** m rounded up to a whole number of panels. */
    final int mPad;
    /** The panels, then {@link #TAIL_PAD} spare floats (see there). */
    final float[] panels;
    /**
     * Spare floats after the last panel: a masked vector load whose full width runs past the end
     * of its array leaves the intrinsic and allocates, so the GEMV tail never ends at the array end.
     */
    static final int TAIL_PAD = SgemmMicroKernel.S.length();

    private PackedWeight(int m, int k, float[] panels) {
        this.m = m;
        this.k = k;
        this.kcMax = k == 0 ? 0 : PackedSgemm.kDepth(k);
        this.mPad = ceilDiv(m, MR) * MR;
        this.panels = panels;
    }

    /**
     * Packs op(A) (m×k; A stored m×k, or k×m when {@code transA}) read at {@code a[aOff..]} with
     * leading dimension {@code lda}. Arguments are validated by {@link dev.secateur.tensor.Gemm#prepackA}.
     */
    public static PackedWeight pack(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        long size = (long) k * (ceilDiv(m, MR) * (long) MR);
        if (size > Integer.MAX_VALUE - 16 - TAIL_PAD) {
            throw new IllegalArgumentException("packed weight " + m + "x" + k + " needs " + size
                    + " floats, more than one Java array holds");
        }
        float[] panels = new float[(int) size + TAIL_PAD];
        PackedWeight w = new PackedWeight(m, k, panels);
        for (int pc = 0; pc < k; pc += w.kcMax) {
            int kc = Math.min(w.kcMax, k - pc);
            SgemmPacking.packA(transA, a, aOff, lda, 0, m, pc, kc, panels, w.blockOffset(pc));
        }
        return w;
    }

    /** Rows m of op(A). */
    public int rows() { return m; }

    /** Columns k of op(A). */
    public int cols() { return k; }

    /** Bytes of the packed panels (m rounded up to {@link #PANEL_ROWS}, times k, times 4). */
    public long byteSize() { return 4L * k * mPad; }

    /** Writes op(A) back, row-major with leading dimension {@code ld}, at {@code dst[dOff..]}: an exact copy. */
    public void unpack(float[] dst, int dOff, int ld) {
        if (dst == null || dOff < 0 || ld < k || (m > 0 && k > 0 && (long) dOff + (long) (m - 1) * ld + k > dst.length)) {
            throw new IllegalArgumentException("unpack of a " + m + "x" + k + " packed weight needs a row-major array with ld >= "
                    + k + " at offset " + dOff + ", got " + (dst == null ? "null" : dst.length + " floats, ld " + ld));
        }
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc), base = blockOffset(pc);
            for (int i = 0; i < m; i++) {
                int src = base + (i / MR) * MR * kc + i % MR, d = dOff + i * ld + pc;
                for (int p = 0; p < kc; p++) dst[d + p] = panels[src + p * MR];
            }
        }
    }

    /** Start of the K block beginning at depth {@code pc}: every earlier block holds mPad × its depth floats. */
    int blockOffset(int pc) {
        return pc * mPad;
    }
}
