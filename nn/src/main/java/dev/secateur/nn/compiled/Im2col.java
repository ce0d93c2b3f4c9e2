package dev.secateur.nn.compiled;

import dev.secateur.tensor.ops.ConvGeometry;

import java.util.Arrays;

/**
 * im2col for one image, optionally for a subset of the patch rows: row {@code ri} of the output
 * is patch row {@code r = sel[ri]} (all rows when {@code sel} is null), where
 * {@code col[r = (c·kH + i)·kW + j, oh·outW + ow] = x[c, oh·stride − pad + i, ow·stride − pad + j]}
 * (0 outside the image). Inner runs are bulk copies when the stride is 1.
 */
final class Im2col {
    private Im2col() {}

    static void rows(ConvGeometry g, int[] sel, float[] x, int xOff, float[] col, int colOff) {
        int kh = g.kH(), kw = g.kW(), inH = g.inH(), inW = g.inW(), s = g.stride(), pad = g.pad();
        int outH = g.outH(), outW = g.outW(), hw = outH * outW;
        int count = sel == null ? g.colRows() : sel.length;
        for (int ri = 0; ri < count; ri++) {
            int r = sel == null ? ri : sel[ri];
            int c = r / (kh * kw), i = (r / kw) % kh, j = r % kw;
            // Output columns whose input column lies inside the image: ow in [lo, hi).
            int lo = Math.max(0, ceilDiv(pad - j, s)), hi = Math.min(outW, Math.max(0, floorDiv(inW - 1 + pad - j, s) + 1));
            int dst = colOff + ri * hw;
            for (int oh = 0; oh < outH; oh++, dst += outW) {
                int ih = oh * s - pad + i;
                if (ih < 0 || ih >= inH || lo >= hi) {
                    Arrays.fill(col, dst, dst + outW, 0f);
                    continue;
                }
                int src = xOff + (c * inH + ih) * inW - pad + j;
                if (lo > 0) Arrays.fill(col, dst, dst + lo, 0f);
                if (s == 1) {
                    System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                } else {
                    for (int ow = lo; ow < hi; ow++) col[dst + ow] = x[src + ow * s];
                }
                if (hi < outW) Arrays.fill(col, dst + hi, dst + outW, 0f);
            }
        }
    }

    private static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }

    private static int floorDiv(int a, int b) { return Math.floorDiv(a, b); }
}
