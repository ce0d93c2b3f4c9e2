package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense convolution computed directly on the zero-padded CHW image, register-blocked: no
 * im2col and no layout change. With the image padded to {@code Hp×Wp} and the output indexed in
 * the padded width ({@code p = oy·Wp + ox}), tap {@code (c, i, j)} of every filter reads
 * {@code xp[c·Hp·Wp + i·Wp + j + p]}, a contiguous slice. A register block is {@link #FILTERS}
 * filters × {@link #VECTORS} pixel vectors: per tap, the pixel vectors are loaded once and each
 * filter's weight is broadcast against them, so every load feeds several FMAs (3 pixel loads and 8
 * broadcasts for 24 FMAs with 32 vector registers, 2 and 4 for 8 with 16). Weights are packed once, at construction,
 * tap-major per block of filters ({@code [block][tap][FILTERS]}, zero filters padding the last
 * block), so a block's weights are one sequential stream.
 *
 * <p>Each block of filters finishes its output planes in a small scratch, where the epilogue
 * drops the {@code Wp − outW} extra columns per row, adds the bias, applies ReLU and, when asked,
 * a 2×2 stride-2 max pooling (ReLU and a bias add commute with max), writing the NCHW result:
 * the full-size convolution output never reaches memory. Stride {@code s > 1} reads the
 * {@code s²} phase planes of each channel, as {@link PaddedImage} lays them out.
 *
 * <p>Threads split the images (when there are at least as many as threads) or the filter blocks
 * of one image; each output element is computed by one thread in a fixed order, so results do
 * not depend on the thread count.
 */
public final class DirectConv implements DenseConvolution {
    /** Hardware FMA; tested inline so no vector is passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Masked loads and stores are SIMD instructions (else row tails are scalar). */
    private static final boolean MASKED = VectorPlatform.MASKED_MEMORY;
    /** Whether 32 vector registers allow the 8 filters × 3 vectors block (24 accumulators); else 4 × 2 (8). */
    private static final boolean WIDE = VectorPlatform.REGISTERS >= 32;
    /** Filters per register block. */
    public static final int FILTERS = WIDE ? 8 : 4;
    /** Pixel vectors per register block. */
    public static final int VECTORS = WIDE ? 3 : 2;

    private final ConvGeometry g;
    private final PaddedImage image;
    private final int taps, blocks;
    /** Output plane in phase-width pixels ({@code outH·wq}) rounded up to whole vectors, and the scratch stride per plane. */
    private final int pixelsPadded, planeStride;
    private final int[] offsets;
    private final float[] packed;

    private DirectConv(ConvGeometry g, float[] packed) {
        this.g = g;
        this.image = new PaddedImage(g, L);
        this.taps = g.colRows();
        this.blocks = (g.outC() + FILTERS - 1) / FILTERS;
        this.pixelsPadded = (g.outH() * image.rowStride() + L - 1) / L * L;
        this.planeStride = pixelsPadded + L; // the pooled epilogue reads one vector past a plane's last row
        this.offsets = new int[taps];
        for (int t = 0; t < taps; t++) {
            int c = t / (g.kH() * g.kW()), i = t / g.kW() % g.kH(), j = t % g.kW();
            offsets[t] = image.offset(c, i, j);
        }
        this.packed = packed;
    }

    /** Packs the dense {@code [outC, inC·kH·kW]} weight from {@code wOff}. */
    public static DirectConv from(ConvGeometry g, float[] weight, int wOff) {
        if (g == null) throw new IllegalArgumentException("direct conv: geometry is null");
        int blocks = (g.outC() + FILTERS - 1) / FILTERS;
        DirectConv conv = new DirectConv(g, new float[Math.multiplyExact(Math.multiplyExact(blocks, g.colRows()), FILTERS)]);
        conv.repack(weight, wOff);
        return conv;
    }

    /** Packs a new dense weight of the same geometry in place (training updates it every step). */
    public void repack(float[] weight, int wOff) {
        if (weight == null || wOff < 0 || (long) wOff + g.weightSize() > weight.length) {
            throw new IllegalArgumentException("direct conv " + g + ": weight needs " + g.weightSize() + " floats at offset " + wOff
                    + ", array has " + (weight == null ? "null" : weight.length));
        }
        for (int o = 0; o < g.outC(); o++) {
            int b = o / FILTERS, r = o % FILTERS;
            for (int t = 0; t < taps; t++) packed[(b * taps + t) * FILTERS + r] = weight[wOff + o * taps + t];
        }
    }

    @Override
    public ConvGeometry geometry() { return g; }

    /** The register blocks do not depend on the layer's shape: one warm-up per stride (phase planes) serves every layer. */
    @Override
    public String warmKey() {
        return "pixels/s" + g.stride();
    }

    /** The same register blocks on at most 8 input channels and one whole filter block plus the layer's partial one. */
    @Override
    public Runnable warmProxy() {
        int outC = Math.min(g.outC(), FILTERS + g.outC() % FILTERS);
        return DenseConvolution.proxy(g, Math.min(g.inC(), 8), outC, (small, w) -> from(small, w, 0));
    }

    /** Bytes of the packed weight (zero filters padding the last block included). */
    @Override
    public long byteSize() { return 4L * packed.length; }

    /** Floats of workspace {@link #forward} needs on {@code threads} threads. */
    @Override
    public int workspaceFloats(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        return Math.multiplyExact(threads, slotFloats());
    }

    /** One thread's slot: the padded image, a block's output planes, one row for the pooled epilogue. */
    private int slotFloats() {
        return Math.addExact(image.floats(), Math.addExact(Math.multiplyExact(FILTERS, planeStride), image.rowStride() + 2 * L));
    }

    /**
     * {@code y = pool(act(conv(x, W) + b))} for {@code n} CHW images stored one after another.
     *
     * @param bias {@code outC} biases, or null
     * @param pool whether a 2×2 stride-2 max pooling follows (output {@link #outputSize(boolean) outputSize(true)} per image)
     * @param work at least {@link #workspaceFloats workspaceFloats(workers.threads())} floats from {@code workOff}
     */
    @Override
    public void forward(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, boolean pool,
                        float[] work, int workOff) {
        DirectConvArguments.check(g, workers, x, xOff, n, y, yOff, outputSize(pool), bias, work, workOff,
                workers == null ? 0 : workspaceFloats(workers.threads()));
        if (n == 0) return;
        int threads = Math.min(workers.threads(), Math.max(n, blocks));
        int slot = slotFloats(), in = g.inputSize(), out = outputSize(pool);
        if (threads <= 1) {
            for (int i = 0; i < n; i++) {
                image.pad(x, xOff + i * in, work, workOff);
                filters(work, workOff, workOff + image.floats(), 0, blocks, y, yOff + i * out, bias, relu, pool);
            }
        } else if (n >= threads) {
            workers.forEach(threads, t -> {
                int base = workOff + t * slot;
                for (int i = t; i < n; i += threads) {
                    image.pad(x, xOff + i * in, work, base);
                    filters(work, base, base + image.floats(), 0, blocks, y, yOff + i * out, bias, relu, pool);
                }
            });
        } else {
            // One image at a time: padded once into slot 0, the filter blocks split, each thread's planes in its own slot.
            for (int i = 0; i < n; i++) {
                image.pad(x, xOff + i * in, work, workOff);
                int yi = yOff + i * out;
                workers.forEach(threads, t -> filters(work, workOff, workOff + t * slot + image.floats(), first(t, threads),
                        first(t + 1, threads), y, yi, bias, relu, pool));
            }
        }
    }

    private int first(int t, int threads) {
        return (int) ((long) blocks * t / threads);
    }

    /** Filter blocks {@code [b0, b1)} of the padded image at {@code xBase}; {@code s}: this thread's planes. */
    private void filters(float[] work, int xBase, int s, int b0, int b1, float[] y, int yOff, float[] bias, boolean relu, boolean pool) {
        int step = VECTORS * L;
        for (int b = b0; b < b1; b++) {
            int wBase = b * taps * FILTERS, p = 0;
            for (; p + step <= pixelsPadded; p += step) {
                if (WIDE) block8x3(work, xBase + p, wBase, s + p);
                else block2(work, xBase + p, wBase, s + p);
            }
            for (; p < pixelsPadded; p += L) {
                if (WIDE) block8x1(work, xBase + p, wBase, s + p);
                else block1(work, xBase + p, wBase, s + p);
            }
            int rows = Math.min(FILTERS, g.outC() - b * FILTERS);
            for (int r = 0; r < rows; r++) {
                int o = b * FILTERS + r;
                float bo = bias == null ? 0f : bias[o];
                if (pool) storePooled(work, s + r * planeStride, s + FILTERS * planeStride, y, yOff + o * (g.outH() / 2) * (g.outW() / 2), bo, relu);
                else store(work, s + r * planeStride, y, yOff + o * g.outH() * g.outW(), bo, relu);
            }
        }
    }

    /** Eight filters × three pixel vectors: per tap three loads and eight broadcasts feed 24 FMAs. */
    private void block8x3(float[] xp, int at, int wBase, int sAt) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00, a20 = a00, a21 = a00;
        FloatVector a22 = a00, a30 = a00, a31 = a00, a32 = a00, a40 = a00, a41 = a00, a42 = a00, a50 = a00, a51 = a00, a52 = a00;
        FloatVector a60 = a00, a61 = a00, a62 = a00, a70 = a00, a71 = a00, a72 = a00;
        float[] w = packed;
        for (int t = 0, wi = wBase; t < taps; t++, wi += FILTERS) {
            int i = at + offsets[t];
            FloatVector x0 = FloatVector.fromArray(S, xp, i), x1 = FloatVector.fromArray(S, xp, i + L);
            FloatVector x2 = FloatVector.fromArray(S, xp, i + 2 * L);
            FloatVector v = FloatVector.broadcast(S, w[wi]);
            a00 = FMA ? x0.fma(v, a00) : x0.mul(v).add(a00);
            a01 = FMA ? x1.fma(v, a01) : x1.mul(v).add(a01);
            a02 = FMA ? x2.fma(v, a02) : x2.mul(v).add(a02);
            v = FloatVector.broadcast(S, w[wi + 1]);
            a10 = FMA ? x0.fma(v, a10) : x0.mul(v).add(a10);
            a11 = FMA ? x1.fma(v, a11) : x1.mul(v).add(a11);
            a12 = FMA ? x2.fma(v, a12) : x2.mul(v).add(a12);
            v = FloatVector.broadcast(S, w[wi + 2]);
            a20 = FMA ? x0.fma(v, a20) : x0.mul(v).add(a20);
            a21 = FMA ? x1.fma(v, a21) : x1.mul(v).add(a21);
            a22 = FMA ? x2.fma(v, a22) : x2.mul(v).add(a22);
            v = FloatVector.broadcast(S, w[wi + 3]);
            a30 = FMA ? x0.fma(v, a30) : x0.mul(v).add(a30);
            a31 = FMA ? x1.fma(v, a31) : x1.mul(v).add(a31);
            a32 = FMA ? x2.fma(v, a32) : x2.mul(v).add(a32);
            v = FloatVector.broadcast(S, w[wi + 4]);
            a40 = FMA ? x0.fma(v, a40) : x0.mul(v).add(a40);
            a41 = FMA ? x1.fma(v, a41) : x1.mul(v).add(a41);
            a42 = FMA ? x2.fma(v, a42) : x2.mul(v).add(a42);
            v = FloatVector.broadcast(S, w[wi + 5]);
            a50 = FMA ? x0.fma(v, a50) : x0.mul(v).add(a50);
            a51 = FMA ? x1.fma(v, a51) : x1.mul(v).add(a51);
            a52 = FMA ? x2.fma(v, a52) : x2.mul(v).add(a52);
            v = FloatVector.broadcast(S, w[wi + 6]);
            a60 = FMA ? x0.fma(v, a60) : x0.mul(v).add(a60);
            a61 = FMA ? x1.fma(v, a61) : x1.mul(v).add(a61);
            a62 = FMA ? x2.fma(v, a62) : x2.mul(v).add(a62);
            v = FloatVector.broadcast(S, w[wi + 7]);
            a70 = FMA ? x0.fma(v, a70) : x0.mul(v).add(a70);
            a71 = FMA ? x1.fma(v, a71) : x1.mul(v).add(a71);
            a72 = FMA ? x2.fma(v, a72) : x2.mul(v).add(a72);
        }
        int ps = planeStride;
        a00.intoArray(xp, sAt); a01.intoArray(xp, sAt + L); a02.intoArray(xp, sAt + 2 * L);
        a10.intoArray(xp, sAt + ps); a11.intoArray(xp, sAt + ps + L); a12.intoArray(xp, sAt + ps + 2 * L);
        a20.intoArray(xp, sAt + 2 * ps); a21.intoArray(xp, sAt + 2 * ps + L); a22.intoArray(xp, sAt + 2 * ps + 2 * L);
        a30.intoArray(xp, sAt + 3 * ps); a31.intoArray(xp, sAt + 3 * ps + L); a32.intoArray(xp, sAt + 3 * ps + 2 * L);
        a40.intoArray(xp, sAt + 4 * ps); a41.intoArray(xp, sAt + 4 * ps + L); a42.intoArray(xp, sAt + 4 * ps + 2 * L);
        a50.intoArray(xp, sAt + 5 * ps); a51.intoArray(xp, sAt + 5 * ps + L); a52.intoArray(xp, sAt + 5 * ps + 2 * L);
        a60.intoArray(xp, sAt + 6 * ps); a61.intoArray(xp, sAt + 6 * ps + L); a62.intoArray(xp, sAt + 6 * ps + 2 * L);
        a70.intoArray(xp, sAt + 7 * ps); a71.intoArray(xp, sAt + 7 * ps + L); a72.intoArray(xp, sAt + 7 * ps + 2 * L);
    }

    /** Eight filters × one pixel vector: the last vectors of a plane. */
    private void block8x1(float[] xp, int at, int wBase, int sAt) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        float[] w = packed;
        for (int t = 0, wi = wBase; t < taps; t++, wi += FILTERS) {
            FloatVector x0 = FloatVector.fromArray(S, xp, at + offsets[t]);
            FloatVector v0 = FloatVector.broadcast(S, w[wi]), v1 = FloatVector.broadcast(S, w[wi + 1]);
            FloatVector v2 = FloatVector.broadcast(S, w[wi + 2]), v3 = FloatVector.broadcast(S, w[wi + 3]);
            a0 = FMA ? x0.fma(v0, a0) : x0.mul(v0).add(a0);
            a1 = FMA ? x0.fma(v1, a1) : x0.mul(v1).add(a1);
            a2 = FMA ? x0.fma(v2, a2) : x0.mul(v2).add(a2);
            a3 = FMA ? x0.fma(v3, a3) : x0.mul(v3).add(a3);
            v0 = FloatVector.broadcast(S, w[wi + 4]);
            v1 = FloatVector.broadcast(S, w[wi + 5]);
            v2 = FloatVector.broadcast(S, w[wi + 6]);
            v3 = FloatVector.broadcast(S, w[wi + 7]);
            a4 = FMA ? x0.fma(v0, a4) : x0.mul(v0).add(a4);
            a5 = FMA ? x0.fma(v1, a5) : x0.mul(v1).add(a5);
            a6 = FMA ? x0.fma(v2, a6) : x0.mul(v2).add(a6);
            a7 = FMA ? x0.fma(v3, a7) : x0.mul(v3).add(a7);
        }
        int ps = planeStride;
        a0.intoArray(xp, sAt); a1.intoArray(xp, sAt + ps); a2.intoArray(xp, sAt + 2 * ps); a3.intoArray(xp, sAt + 3 * ps);
        a4.intoArray(xp, sAt + 4 * ps); a5.intoArray(xp, sAt + 5 * ps); a6.intoArray(xp, sAt + 6 * ps); a7.intoArray(xp, sAt + 7 * ps);
    }

    /** Four filters × two pixel vectors (16 vector registers). */
    private void block2(float[] xp, int at, int wBase, int sAt) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        float[] w = packed;
        for (int t = 0, wi = wBase; t < taps; t++, wi += FILTERS) {
            int i = at + offsets[t];
            FloatVector x0 = FloatVector.fromArray(S, xp, i), x1 = FloatVector.fromArray(S, xp, i + L);
            FloatVector v = FloatVector.broadcast(S, w[wi]);
            a00 = FMA ? x0.fma(v, a00) : x0.mul(v).add(a00);
            a01 = FMA ? x1.fma(v, a01) : x1.mul(v).add(a01);
            v = FloatVector.broadcast(S, w[wi + 1]);
            a10 = FMA ? x0.fma(v, a10) : x0.mul(v).add(a10);
            a11 = FMA ? x1.fma(v, a11) : x1.mul(v).add(a11);
            v = FloatVector.broadcast(S, w[wi + 2]);
            a20 = FMA ? x0.fma(v, a20) : x0.mul(v).add(a20);
            a21 = FMA ? x1.fma(v, a21) : x1.mul(v).add(a21);
            v = FloatVector.broadcast(S, w[wi + 3]);
            a30 = FMA ? x0.fma(v, a30) : x0.mul(v).add(a30);
            a31 = FMA ? x1.fma(v, a31) : x1.mul(v).add(a31);
        }
        int ps = planeStride;
        a00.intoArray(xp, sAt); a01.intoArray(xp, sAt + L);
        a10.intoArray(xp, sAt + ps); a11.intoArray(xp, sAt + ps + L);
        a20.intoArray(xp, sAt + 2 * ps); a21.intoArray(xp, sAt + 2 * ps + L);
        a30.intoArray(xp, sAt + 3 * ps); a31.intoArray(xp, sAt + 3 * ps + L);
    }

    /** Four filters × one pixel vector: the last vectors of a plane. */
    private void block1(float[] xp, int at, int wBase, int sAt) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        float[] w = packed;
        for (int t = 0, wi = wBase; t < taps; t++, wi += FILTERS) {
            FloatVector x0 = FloatVector.fromArray(S, xp, at + offsets[t]);
            FloatVector v0 = FloatVector.broadcast(S, w[wi]), v1 = FloatVector.broadcast(S, w[wi + 1]);
            FloatVector v2 = FloatVector.broadcast(S, w[wi + 2]), v3 = FloatVector.broadcast(S, w[wi + 3]);
            a0 = FMA ? x0.fma(v0, a0) : x0.mul(v0).add(a0);
            a1 = FMA ? x0.fma(v1, a1) : x0.mul(v1).add(a1);
            a2 = FMA ? x0.fma(v2, a2) : x0.mul(v2).add(a2);
            a3 = FMA ? x0.fma(v3, a3) : x0.mul(v3).add(a3);
        }
        int ps = planeStride;
        a0.intoArray(xp, sAt);
        a1.intoArray(xp, sAt + ps);
        a2.intoArray(xp, sAt + 2 * ps);
        a3.intoArray(xp, sAt + 3 * ps);
    }

    /** One filter's plane to NCHW: the extra columns dropped, bias and ReLU applied. */
    private void store(float[] s, int plane, float[] y, int dst, float b, boolean relu) {
        int outH = g.outH(), outW = g.outW(), wq = image.rowStride();
        for (int oy = 0; oy < outH; oy++, dst += outW) {
            int src = plane + oy * wq, ox = 0;
            for (; ox + L <= outW; ox += L) {
                FloatVector v = FloatVector.fromArray(S, s, src + ox).add(b);
                if (relu) v = FLOAT_MAX ? v.max(0f) : VectorMax.relu(v);
                v.intoArray(y, dst + ox);
            }
            if (MASKED && ox < outW) {
                VectorMask<Float> m = S.indexInRange(ox, outW);
                FloatVector v = FloatVector.fromArray(S, s, src + ox, m).add(b);
                if (relu) v = FLOAT_MAX ? v.max(0f) : VectorMax.relu(v);
                if (LaneStores.masked(y, dst + ox)) v.intoArray(y, dst + ox, m);
                else for (int i = 0; i < outW - ox; i++) y[dst + ox + i] = v.lane(i);
                continue;
            }
            for (; ox < outW; ox++) {
                float v = s[src + ox] + b;
                y[dst + ox] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    /**
     * One filter's plane, 2×2 max-pooled. With permutes: the two rows' maxima of 2·L columns, split
     * into even and odd columns, give L windows' maxima per step, biased and clamped in registers
     * (reads past the plane's last row land in the next plane or the row buffer and only feed
     * lanes that are not stored). Otherwise the window maxima of every column pair are formed a
     * vector at a time into {@code row} (the even lanes are the pooled pixels), then picked out
     * with the bias and ReLU.
     */
    private void storePooled(float[] s, int plane, int row, float[] y, int dst, float b, boolean relu) {
        int ph = g.outH() / 2, pw = g.outW() / 2, wq = image.rowStride();
        for (int py = 0; py < ph; py++, dst += pw) {
            int r0 = plane + 2 * py * wq, r1 = r0 + wq;
            if (PooledRow.VECTOR) {
                PooledRow.store(s, r0, r1, pw, b, relu, y, dst);
                continue;
            }
            for (int ox = 0; ox < 2 * pw; ox += L) {
                FloatVector t0 = FloatVector.fromArray(S, s, r0 + ox), t1 = FloatVector.fromArray(S, s, r1 + ox);
                FloatVector t2 = FloatVector.fromArray(S, s, r0 + ox + 1), t3 = FloatVector.fromArray(S, s, r1 + ox + 1);
                if (FLOAT_MAX) t0.max(t1).max(t2.max(t3)).intoArray(s, row + ox);
                else VectorMax.max(VectorMax.max(t0, t1), VectorMax.max(t2, t3)).intoArray(s, row + ox);
            }
            for (int px = 0; px < pw; px++) {
                float v = s[row + 2 * px] + b;
                y[dst + px] = relu ? Math.max(v, 0f) : v;
            }
        }
    }
}
