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
 * Where two-vector permutes are SIMD, blocks of L channels × L pixels are transposed in registers
 * instead ({@link LaneTranspose}), in a scratch of {@link LaneTranspose#FLOATS} floats after the
 * image: far fewer memory operations than a gather per pixel.
 */
public final class ChannelLastImage {
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Gathers are SIMD instructions wherever masked memory accesses are (x86 from AVX2 on, AArch64 with SVE). */
    private static final boolean GATHER = VectorPlatform.MASKED_MEMORY;

    private final ConvGeometry g;
    private final int stride, hq, wq, plane, imageFloats, floats;
    /** Per input pixel {@code iy·inW + ix}: where its channels start in the copy. */
    private final int[] pixelDst;
    /** Lane l of a gather reads channel l: {@code l·inH·inW}. */
    private final int[] channelOffsets;

    public ChannelLastImage(ConvGeometry g) {
        this.g = g;
        this.stride = g.stride();
        this.hq = (g.inH() + 2 * g.pad() + stride - 1) / stride;
        this.wq = (g.inW() + 2 * g.pad() + stride - 1) / stride;
        this.plane = hq * wq;
        this.imageFloats = Math.multiplyExact(Math.multiplyExact(stride * stride, plane), g.inC());
        this.floats = Math.addExact(imageFloats, LaneTranspose.SIMD ? LaneTranspose.FLOATS : 0);
        this.pixelDst = new int[g.inH() * g.inW()];
        for (int iy = 0, p = g.pad(); iy < g.inH(); iy++) {
            int py = iy + p;
            for (int ix = 0; ix < g.inW(); ix++) {
                int px = ix + p;
                pixelDst[iy * g.inW() + ix] = ((py % stride) * stride * plane + (py / stride) * wq + (px % stride) * plane + px / stride) * g.inC();
            }
        }
        this.channelOffsets = new int[L];
        for (int l = 0; l < L; l++) channelOffsets[l] = l * g.inH() * g.inW();
    }

    /** Floats of one padded copy and the scratch after it. */
    public int floats() { return floats; }

    /** Where output pixel {@code (oy, ox)} reads tap {@code (0, 0)}, channel 0. */
    public int pixelBase(int oy, int ox) { return (oy * wq + ox) * g.inC(); }

    /** Added to {@link #pixelBase} for tap {@code (i, j)}. */
    public int tapOffset(int i, int j) {
        int s = stride;
        return (((i % s) * s + j % s) * plane + (i / s) * wq + j / s) * g.inC();
    }

    /** Copies the image at {@code x[xi..]} into {@code xp[at..at+floats())}, borders zeroed (the scratch after the image overwritten). */
    public void pad(float[] x, int xi, float[] xp, int at) {
        int inC = g.inC(), inH = g.inH(), inW = g.inW(), p = g.pad(), s = stride;
        if (s > 1) {
            Arrays.fill(xp, at, at + imageFloats, 0f);
        } else if (p > 0) {
            // Stride 1: only the border is zero; the top and bottom rows, then each row's ends.
            int row = wq * inC, wp = inW + 2 * p;
            Arrays.fill(xp, at, at + p * row, 0f);
            Arrays.fill(xp, at + (p + inH) * row, at + imageFloats, 0f);
            for (int iy = 0; iy < inH; iy++) {
                int r = at + (iy + p) * row;
                Arrays.fill(xp, r, r + p * inC, 0f);
                Arrays.fill(xp, r + (p + inW) * inC, r + wp * inC, 0f);
            }
        }
        int hw = inH * inW, c0 = 0;
        if (LaneTranspose.SIMD && hw >= L) {
            // L channels × L pixels at a time; the last pixel block overlaps the one before (same values written twice).
            int t = at + imageFloats;
            for (; c0 + L <= inC; c0 += L) {
                for (int p0 = 0; p0 < hw; p0 += L) {
                    int q = Math.min(p0, hw - L);
                    LaneTranspose.transpose(x, xi + c0 * hw + q, hw, xp, t);
                    for (int j = 0; j < L; j++) FloatVector.fromArray(S, xp, t + j * L).intoArray(xp, at + pixelDst[q + j] + c0);
                }
            }
        }
        for (int px = 0; px < hw; px++) {
            int dst = at + pixelDst[px], src = xi + px, c = c0;
            if (GATHER) {
                for (; c + L <= inC; c += L) FloatVector.fromArray(S, x, src + c * hw, channelOffsets, 0).intoArray(xp, dst + c);
            }
            for (; c < inC; c++) xp[dst + c] = x[src + c * hw];
        }
    }
}
