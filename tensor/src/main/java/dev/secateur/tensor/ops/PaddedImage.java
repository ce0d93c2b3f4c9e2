package dev.secateur.tensor.ops;

import java.util.Arrays;

/**
 * One CHW image copied into zero-bordered planes for a direct convolution: {@code Hp×Wp} per
 * channel ({@code Hp = inH + 2·pad}), or for stride {@code s > 1} the {@code s²} phase planes of
 * each channel (rows ≡ a, columns ≡ b mod s), each {@code ⌈Hp/s⌉×⌈Wp/s⌉}. Tap {@code (c, i, j)}
 * of output pixel {@code p = oy·wq + ox} (the output indexed in the plane's row stride) then reads
 * {@code xp[offset(c, i, j) + p]}: one fixed offset per tap, so a convolution becomes sums of
 * contiguous slices. The copy ends with {@code kW + lanes} zeros: the slack the last vectors of a
 * plane read past the image.
 */
public final class PaddedImage {
    private final ConvGeometry g;
    private final int stride, hq, wq, plane, floats;

    /** @param lanes floats the kernels load at a time (the read slack after the planes) */
    public PaddedImage(ConvGeometry g, int lanes) {
        this.g = g;
        this.stride = g.stride();
        int wp = g.inW() + 2 * g.pad();
        this.hq = (g.inH() + 2 * g.pad() + stride - 1) / stride;
        this.wq = (wp + stride - 1) / stride;
        this.plane = hq * wq;
        this.floats = Math.addExact(Math.multiplyExact(Math.multiplyExact(g.inC(), stride * stride), plane), g.kW() + lanes);
    }

    /** Floats of one padded copy, read slack included. */
    public int floats() { return floats; }

    /** Row stride of the planes (and of the output pixels indexed in them). */
    public int rowStride() { return wq; }

    /** Where tap {@code (c, i, j)} of output pixel 0 reads. */
    public int offset(int c, int i, int j) {
        int s = stride;
        return ((c * s + i % s) * s + j % s) * plane + (i / s) * wq + j / s;
    }

    /** Copies the image at {@code x[xi..]} into {@code xp[at..at+floats())}. */
    public void pad(float[] x, int xi, float[] xp, int at) {
        if (stride == 1) padStride1(x, xi, xp, at);
        else padPhases(x, xi, xp, at);
        Arrays.fill(xp, at + g.inC() * stride * stride * plane, at + floats, 0f);
    }

    /**
     * Without padding the planes are the image itself: one copy. Otherwise the planes are zeroed
     * in one pass and the rows copied in: a few long fills instead of two short ones per row.
     */
    private void padStride1(float[] x, int xi, float[] xp, int at) {
        int inH = g.inH(), inW = g.inW(), p = g.pad();
        if (p == 0) {
            System.arraycopy(x, xi, xp, at, g.inC() * plane);
            return;
        }
        Arrays.fill(xp, at, at + g.inC() * plane, 0f);
        for (int c = 0; c < g.inC(); c++) {
            int dst = at + c * plane + p * wq + p;
            for (int r = 0; r < inH; r++, dst += wq) System.arraycopy(x, xi + (c * inH + r) * inW, xp, dst, inW);
        }
    }

    /** Phase (a, b) of channel c holds padded pixel (qy·s + a, qx·s + b) at (qy, qx); outside the image: 0. */
    private void padPhases(float[] x, int xi, float[] xp, int at) {
        int inH = g.inH(), inW = g.inW(), p = g.pad();
        for (int c = 0; c < g.inC(); c++) {
            for (int a = 0; a < stride; a++) {
                for (int b = 0; b < stride; b++) {
                    int dst = at + ((c * stride + a) * stride + b) * plane;
                    for (int qy = 0; qy < hq; qy++) {
                        int iy = qy * stride + a - p;
                        boolean rowInside = iy >= 0 && iy < inH;
                        int src = xi + (c * inH + iy) * inW;
                        for (int qx = 0; qx < wq; qx++, dst++) {
                            int ix = qx * stride + b - p;
                            xp[dst] = rowInside && ix >= 0 && ix < inW ? x[src + ix] : 0f;
                        }
                    }
                }
            }
        }
    }
}
