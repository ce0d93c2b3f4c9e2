package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorPlatform;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One CHW image copied zero-bordered with the channels innermost ({@code [y][x][c]}), for a
 * convolution that broadcasts input scalars: tap {@code (i, j)} of the output pixel at
 * {@link #pixelBase} reads its {@code inC} channels contiguously from
 * {@code pixelBase + tapOffset(i, j)}, so the channel loop indexes linearly (bounds checks
 * hoisted) and walks memory sequentially. Stride {@code s > 1} splits the padded image into
 * {@code s²} phase planes (rows ≡ a, columns ≡ b mod s) of {@code ⌈Hp/s⌉×⌈Wp/s⌉} pixels each, so
 * neighbouring output pixels read neighbouring input pixels at every stride. Where gathers are
 * SIMD instructions, a pixel's channels are gathered L at a time (one plane apart each).
 */
public final class ChannelLastImage {
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Gathers are SIMD instructions wherever masked memory accesses are (x86 from AVX2 on, AArch64 with SVE). */
    private static final boolean GATHER = VectorPlatform.MASKED_MEMORY;

    private final ConvGeometry g;
    private final int stride, hq, wq, plane, floats;
    /** Lane l of a gather reads channel l: {@code l·inH·inW}. */
    private final int[] channelOffsets;

    public ChannelLastImage(ConvGeometry g) {
        this.g = g;
        this.stride = g.stride();
        this.hq = (g.inH() + 2 * g.pad() + stride - 1) / stride;
        this.wq = (g.inW() + 2 * g.pad() + stride - 1) / stride;
        this.plane = hq * wq;
        this.floats = Math.multiplyExact(Math.multiplyExact(stride * stride, plane), g.inC());
        this.channelOffsets = new int[L];
        for (int l = 0; l < L; l++) channelOffsets[l] = l * g.inH() * g.inW();
    }

    /** Floats of one padded copy. */
    public int floats() { return floats; }

    /** Where output pixel {@code (oy, ox)} reads tap {@code (0, 0)}, channel 0. */
    public int pixelBase(int oy, int ox) { return (oy * wq + ox) * g.inC(); }

    /** Added to {@link #pixelBase} for tap {@code (i, j)}. */
    public int tapOffset(int i, int j) {
        int s = stride;
        return (((i % s) * s + j % s) * plane + (i / s) * wq + j / s) * g.inC();
    }

    /** Copies the image at {@code x[xi..]} into {@code xp[at..at+floats())}, borders zeroed. */
    public void pad(float[] x, int xi, float[] xp, int at) {
        int inC = g.inC(), inH = g.inH(), inW = g.inW(), p = g.pad(), s = stride;
        if (s > 1) {
            Arrays.fill(xp, at, at + floats, 0f);
        } else if (p > 0) {
            // Stride 1: only the border is zero; the top and bottom rows, then each row's ends.
            int row = wq * inC, wp = inW + 2 * p;
            Arrays.fill(xp, at, at + p * row, 0f);
            Arrays.fill(xp, at + (p + inH) * row, at + floats, 0f);
            for (int iy = 0; iy < inH; iy++) {
                int r = at + (iy + p) * row;
                Arrays.fill(xp, r, r + p * inC, 0f);
                Arrays.fill(xp, r + (p + inW) * inC, r + wp * inC, 0f);
            }
        }
        for (int iy = 0; iy < inH; iy++) {
            int py = iy + p, rowBase = ((py % s) * s * plane + (py / s) * wq);
            for (int ix = 0; ix < inW; ix++) {
                int px = ix + p;
                int dst = at + (rowBase + (px % s) * plane + px / s) * inC, src = xi + iy * inW + ix, c = 0;
                if (GATHER) {
                    for (; c + L <= inC; c += L) FloatVector.fromArray(S, x, src + c * inH * inW, channelOffsets, 0).intoArray(xp, dst + c);
                }
                for (; c < inC; c++) xp[dst + c] = x[src + c * inH * inW];
            }
        }
    }
}
