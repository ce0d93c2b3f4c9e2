package dev.secateur.tensor.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The im2col gather and its adjoint for one image, writing a {@code [inC*kH*kW, outH*outW]}
 * matrix with leading dimension {@code ld} (so several images can sit side by side in one wider
 * matrix). Arguments are checked by the callers.
 *
 * <p>Stride 1 (the common case) moves each output row with masked vector loads and whole
 * stores: the load mask covers the columns that fall inside the image, so padding comes out as
 * zeros without separate fills and short rows (7–28 wide) cost one or two vector operations.
 */
final class Im2col {
    private Im2col() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, int ld) {
        im2col(g, null, x, xOff, col, colOff, ld);
    }

    /**
     * Only the patch rows {@code sel} (ascending or not; null: all rows): output row {@code ri}
     * is patch row {@code sel[ri]}. A pruned or compacted convolution reads only these.
     */
    static void im2col(ConvGeometry g, int[] sel, float[] x, int xOff, float[] col, int colOff, int ld) {
        int taps = g.kH() * g.kW(), rows = sel == null ? g.colRows() : sel.length;
        for (int ri = 0; ri < rows; ri++) {
            int r = sel == null ? ri : sel[ri];
            int c = r / taps, i = (r / g.kW()) % g.kH(), j = r % g.kW();
            int plane = xOff + c * g.inH() * g.inW(), dst = colOff + ri * ld;
            if (g.stride() == 1) rowStride1(g, i, j, x, plane, col, dst);
            else rowStrided(g, i, j, x, plane, col, dst);
        }
    }

    /** {@code dx += col2im(col)}. */
    static void col2im(ConvGeometry g, float[] col, int colOff, int ld, float[] dx, int dxOff) {
        if (g.stride() == 1) col2imStride1(g, col, colOff, ld, dx, dxOff);
        else col2imStrided(g, col, colOff, ld, dx, dxOff);
    }

    /** Patch row (c, i, j) of a stride-1 convolution; {@code plane} is channel c's first input. */
    private static void rowStride1(ConvGeometry g, int i, int j, float[] x, int plane, float[] col, int row) {
        int inH = g.inH(), inW = g.inW(), pad = g.pad(), outH = g.outH(), outW = g.outW();
        int owLo = firstInside(j, 1, pad), owHi = endInside(j, 1, pad, inW, outW);
        // Masked stores are microcoded on some CPUs (AMD before Zen 4; docs/bench), so a row's
        // last chunk is stored whole: its extra lanes land on the next rows' first columns, which
        // the later passes (chunks right to left, rows top to bottom) overwrite. Only a store that
        // would reach past this image's part of the col row keeps its mask.
        int end = row + outH * outW;
        for (int c0 = (outW - 1) / L * L; c0 >= 0; c0 -= L) {
            VectorMask<Float> load = lanes(owLo - c0, owHi - c0);
            VectorMask<Float> store = lanes(0, outW - c0);
            for (int oh = 0, dst = row + c0; oh < outH; oh++, dst += outW) {
                int ih = oh - pad + i;
                boolean whole = dst + L <= end;
                // Separate stores: merging the vectors in one variable would box them.
                if (ih >= 0 && ih < inH) {
                    FloatVector v = FloatVector.fromArray(S, x, plane + ih * inW - pad + j + c0, load);
                    if (whole) v.intoArray(col, dst);
                    else v.intoArray(col, dst, store);
                } else if (whole) {
                    FloatVector.zero(S).intoArray(col, dst);
                } else {
                    FloatVector.zero(S).intoArray(col, dst, store);
                }
            }
        }
    }

    /**
     * Stride-1 adjoint, organised by input row: each chunk of a dx row is loaded once, gets the
     * kW shifted col rows that land on it added in registers, and is stored once (a loop per
     * col row instead would re-load dx rows just stored one element away, stalling on store
     * forwarding).
     */
    private static void col2imStride1(ConvGeometry g, float[] col, int colOff, int ld, float[] dx, int dxOff) {
        int inH = g.inH(), inW = g.inW(), kH = g.kH(), kW = g.kW(), pad = g.pad();
        int outH = g.outH(), outW = g.outW(), end = dxOff + g.inC() * inH * inW;
        for (int c = 0; c < g.inC(); c++) {
            int plane = dxOff + c * inH * inW;
            for (int i = 0; i < kH; i++) {
                int rows = colOff + (c * kH + i) * kW * ld;
                int ohLo = Math.max(0, pad - i), ohHi = Math.min(outH, inH + pad - i);
                for (int oh = ohLo; oh < ohHi; oh++) {
                    int d = plane + (oh - pad + i) * inW;
                    for (int iw0 = 0; iw0 < inW; iw0 += L) {
                        VectorMask<Float> dm = lanes(0, inW - iw0);
                        FloatVector acc = FloatVector.fromArray(S, dx, d + iw0, dm);
                        for (int j = 0; j < kW; j++) {
                            int ow0 = iw0 + pad - j; // output column of lane 0
                            VectorMask<Float> m = lanes(-ow0, Math.min(outW - ow0, inW - iw0));
                            acc = acc.add(FloatVector.fromArray(S, col, rows + j * ld + oh * outW + ow0, m));
                        }
                        if (inW - iw0 >= L) {
                            acc.intoArray(dx, d + iw0);
                        } else if (d + iw0 + L <= end) {
                            // A row's last chunk: stored whole (see rowStride1), its extra lanes
                            // written back as they are.
                            FloatVector.fromArray(S, dx, d + iw0).blend(acc, dm).intoArray(dx, d + iw0);
                        } else {
                            acc.intoArray(dx, d + iw0, dm);
                        }
                    }
                }
            }
        }
    }

    /** Patch row (c, i, j) of a strided convolution, one element at a time. */
    private static void rowStrided(ConvGeometry g, int i, int j, float[] x, int plane, float[] col, int row) {
        int inH = g.inH(), inW = g.inW(), s = g.stride(), pad = g.pad(), outH = g.outH(), outW = g.outW();
        int owLo = firstInside(j, s, pad), owHi = endInside(j, s, pad, inW, outW);
        for (int oh = 0, dst = row; oh < outH; oh++, dst += outW) {
            int ih = oh * s - pad + i;
            if (ih < 0 || ih >= inH || owLo >= owHi) {
                for (int ow = 0; ow < outW; ow++) col[dst + ow] = 0f;
                continue;
            }
            for (int ow = 0; ow < owLo; ow++) col[dst + ow] = 0f;
            for (int ow = owLo, src = plane + ih * inW + owLo * s - pad + j; ow < owHi; ow++, src += s) col[dst + ow] = x[src];
            for (int ow = owHi; ow < outW; ow++) col[dst + ow] = 0f;
        }
    }

    private static void col2imStrided(ConvGeometry g, float[] col, int colOff, int ld, float[] dx, int dxOff) {
        int inH = g.inH(), inW = g.inW(), kH = g.kH(), kW = g.kW(), s = g.stride(), pad = g.pad();
        int outH = g.outH(), outW = g.outW();
        int row = colOff;
        for (int c = 0; c < g.inC(); c++) {
            int plane = dxOff + c * inH * inW;
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++, row += ld) {
                    int owLo = firstInside(j, s, pad), owHi = endInside(j, s, pad, inW, outW);
                    for (int oh = 0, src = row; oh < outH; oh++, src += outW) {
                        int ih = oh * s - pad + i;
                        if (ih < 0 || ih >= inH) continue;
                        int dst = plane + ih * inW + owLo * s - pad + j;
                        for (int ow = owLo; ow < owHi; ow++, dst += s) dx[dst] += col[src + ow];
                    }
                }
            }
        }
    }

    /**
     * The mask of lanes {@code [lo, hi)} (clipped to the vector), built from a bit pattern (a
     * mask-register move).
     */
    private static VectorMask<Float> lanes(int lo, int hi) {
        lo = Math.max(lo, 0);
        hi = Math.min(hi, L);
        long bits = hi <= lo ? 0L : (-1L >>> (64 - hi)) & (-1L << lo);
        return VectorMask.fromLong(S, bits);
    }

    /** First output column whose input column {@code ow*s-pad+j} is >= 0. */
    private static int firstInside(int j, int s, int pad) {
        int need = pad - j; // ow*s >= need
        return need <= 0 ? 0 : (need + s - 1) / s;
    }

    /** One past the last output column whose input column is < inW (clamped to [0, outW]). */
    private static int endInside(int j, int s, int pad, int inW, int outW) {
        int lim = inW - 1 + pad - j; // ow*s <= lim
        if (lim < 0) return 0;
        return Math.min(outW, lim / s + 1);
    }
}
