package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense convolution with the output channels in the vector lanes: every lane is a useful
 * output whatever the image width, and a register block of R output pixels × B blocks of L
 * channels costs, per (tap, input channel), B weight loads and R scalar broadcasts for R·B FMAs
 * (4 blocks × 6 pixels with 32 vector registers, 2 × 6 with 16). The weights are packed once,
 * at construction, per group of blocks as {@code [group][kH·kW][inC][B][L]} (zero channels
 * padding the last block, so {@code outC} need not be a multiple of L). The input image is
 * copied zero-bordered with its channels innermost ({@link ChannelLastImage}), so each tap's
 * channel loop reads scalars sequentially and indexes linearly. Pixel tails run one pixel at a
 * time.
 *
 * <p>The accumulators start at the bias, take the ReLU in registers and land in a scratch laid
 * out {@code [block][pixel][L]}; the epilogue max-pools 2×2 windows there when asked (a vector
 * maximum over four pixels; max commutes with ReLU) and transposes each block to the NCHW
 * output, so input and output stay NCHW.
 *
 * <p>Threads split the images (when there are at least as many as threads) or the channel
 * groups of one image. Every output lane sums its terms in the same order whatever the register
 * block or thread, so results do not depend on the thread count.
 */
public final class ChannelVectorConv {
    /** Hardware FMA; tested inline so no vector is passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Whether 32 vector registers allow blocks of 4 channel vectors × 6 pixels (24 accumulators); else 2 × 6 (12). */
    private static final boolean WIDE = VectorPlatform.REGISTERS >= 32;
    /** Channel blocks (of L output channels) per register block. */
    public static final int BLOCKS = WIDE ? 4 : 2;
    /** Output pixels per register block. */
    public static final int PIXELS = 6;

    private final ConvGeometry g;
    private final ChannelLastImage image;
    private final int inC, kk, pixels, blocks;
    /** Per output pixel, where it reads tap (0, 0); per tap, the offset added. */
    private final int[] base, tapOff;
    /** Per group of channel blocks: its first block, its block count, where its weights start; one sentinel entry. */
    private final int[] groupBlock, groupSize, groupWeight;
    private final float[] packed;

    private ChannelVectorConv(ConvGeometry g, float[] weight, int wOff) {
        this.g = g;
        this.image = new ChannelLastImage(g);
        this.inC = g.inC();
        this.kk = g.kH() * g.kW();
        this.pixels = g.outH() * g.outW();
        this.blocks = (g.outC() + L - 1) / L;
        this.base = new int[pixels];
        for (int oy = 0, p = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++) base[p++] = image.pixelBase(oy, ox);
        }
        this.tapOff = new int[kk];
        for (int t = 0; t < kk; t++) tapOff[t] = image.tapOffset(t / g.kW(), t % g.kW());
        int groups = blocks / BLOCKS + Integer.bitCount(blocks % BLOCKS);
        this.groupBlock = new int[groups + 1];
        this.groupSize = new int[groups + 1];
        this.groupWeight = new int[groups + 1];
        int taps = g.colRows();
        this.packed = new float[Math.multiplyExact(Math.multiplyExact(blocks, L), taps)];
        for (int gi = 0, k = 0, wBase = 0; gi < groups; gi++) {
            int size = blocks - k >= BLOCKS ? BLOCKS : Integer.highestOneBit(blocks - k);
            groupBlock[gi] = k;
            groupSize[gi] = size;
            groupWeight[gi] = wBase;
            for (int t = 0; t < kk; t++) {
                for (int c = 0; c < inC; c++) {
                    for (int b = 0; b < size; b++) {
                        for (int l = 0; l < L; l++) {
                            int o = (k + b) * L + l;
                            packed[wBase + ((t * inC + c) * size + b) * L + l] = o < g.outC() ? weight[wOff + o * taps + c * kk + t] : 0f;
                        }
                    }
                }
            }
            k += size;
            wBase += size * L * taps;
        }
        groupBlock[groups] = blocks;
    }

    /** Packs the dense {@code [outC, inC·kH·kW]} weight from {@code wOff}. */
    public static ChannelVectorConv from(ConvGeometry g, float[] weight, int wOff) {
        if (g == null) throw new IllegalArgumentException("channel-vector conv: geometry is null");
        if (weight == null || wOff < 0 || (long) wOff + g.weightSize() > weight.length) {
            throw new IllegalArgumentException("channel-vector conv " + g + ": weight needs " + g.weightSize() + " floats at offset " + wOff
                    + ", array has " + (weight == null ? "null" : weight.length));
        }
        return new ChannelVectorConv(g, weight, wOff);
    }

    public ConvGeometry geometry() { return g; }

    /** Output floats per image: {@code outC·outH·outW}, or {@code outC·⌊outH/2⌋·⌊outW/2⌋} pooled. */
    public int outputSize(boolean pool) {
        return pool ? g.outC() * (g.outH() / 2) * (g.outW() / 2) : g.outputSize();
    }

    /** Bytes of the packed weight (zero channels padding the last block included). */
    public long byteSize() { return 4L * packed.length; }

    /** Floats of workspace {@link #forward} needs on {@code threads} threads. */
    public int workspaceFloats(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        return Math.addExact(blocks * L, Math.multiplyExact(threads, slotFloats()));
    }

    /** One thread's slot: the channel-last image and the accumulators of every block, {@code [block][pixel][L]}. */
    private int slotFloats() {
        return Math.addExact(image.floats(), Math.multiplyExact(Math.multiplyExact(blocks, pixels), L));
    }

    /**
     * {@code y = pool(act(conv(x, W) + b))} for {@code n} CHW images stored one after another.
     *
     * @param bias {@code outC} biases, or null
     * @param pool whether a 2×2 stride-2 max pooling follows (output {@link #outputSize(boolean) outputSize(true)} per image)
     * @param work at least {@link #workspaceFloats workspaceFloats(workers.threads())} floats from {@code workOff}
     */
    public void forward(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, boolean pool,
                        float[] work, int workOff) {
        DirectConvArguments.check(g, workers, x, xOff, n, y, yOff, outputSize(pool), bias, work, workOff,
                workers == null ? 0 : workspaceFloats(workers.threads()));
        if (n == 0) return;
        // The bias, zero-padded to whole blocks, is the accumulators' starting value.
        int bAt = workOff, slots = workOff + blocks * L, outC = g.outC();
        for (int o = 0; o < blocks * L; o++) work[bAt + o] = bias != null && o < outC ? bias[o] : 0f;
        int groups = groupSize.length - 1;
        int threads = Math.min(workers.threads(), Math.max(n, groups));
        int slot = slotFloats(), in = g.inputSize(), out = outputSize(pool);
        if (threads <= 1) {
            for (int i = 0; i < n; i++) convolveImage(work, slots, bAt, 0, groups, x, xOff + i * in, y, yOff + i * out, relu, pool);
        } else if (n >= threads) {
            workers.forEach(threads, t -> {
                for (int i = t; i < n; i += threads) convolveImage(work, slots + t * slot, bAt, 0, groups, x, xOff + i * in, y, yOff + i * out, relu, pool);
            });
        } else {
            // One image at a time: copied once, the channel groups split, each thread finishing its own blocks.
            for (int i = 0; i < n; i++) {
                image.pad(x, xOff + i * in, work, slots);
                int yi = yOff + i * out;
                workers.forEach(threads, t -> groups(work, slots, bAt, (int) ((long) groups * t / threads),
                        (int) ((long) groups * (t + 1) / threads), y, yi, relu, pool));
            }
        }
    }

    private void convolveImage(float[] work, int slot, int bAt, int g0, int g1, float[] x, int xi, float[] y, int yi, boolean relu, boolean pool) {
        image.pad(x, xi, work, slot);
        groups(work, slot, bAt, g0, g1, y, yi, relu, pool);
    }

    /** Channel groups {@code [g0, g1)} of the image copied at {@code slot}: accumulate, then finish their blocks. */
    private void groups(float[] work, int slot, int bAt, int g0, int g1, float[] y, int yi, boolean relu, boolean pool) {
        int acc = slot + image.floats();
        for (int gi = g0; gi < g1; gi++) {
            int k = groupBlock[gi], wi = groupWeight[gi], sAt = acc + k * pixels * L, b = bAt + k * L, p = 0;
            switch (groupSize[gi]) {
                case 4 -> {
                    for (; p + PIXELS <= pixels; p += PIXELS) block4x6(work, slot, p, wi, work, sAt + p * L, b, relu);
                    for (; p < pixels; p++) block4x1(work, slot, p, wi, work, sAt + p * L, b, relu);
                }
                case 2 -> {
                    for (; p + PIXELS <= pixels; p += PIXELS) block2x6(work, slot, p, wi, work, sAt + p * L, b, relu);
                    for (; p < pixels; p++) block2x1(work, slot, p, wi, work, sAt + p * L, b, relu);
                }
                default -> {
                    for (; p + PIXELS <= pixels; p += PIXELS) block1x6(work, slot, p, wi, work, sAt + p * L, b, relu);
                    for (; p < pixels; p++) block1x1(work, slot, p, wi, work, sAt + p * L, b, relu);
                }
            }
        }
        for (int k = groupBlock[g0]; k < groupBlock[g1]; k++) finish(work, acc + k * pixels * L, k, y, yi, pool);
    }

    /**
     * Block {@code k}'s accumulators (biased, ReLU applied) at {@code s[at..]}, {@code [pixel][L]}:
     * 2×2-pooled in place when asked (window p' reads pixels at or after p', so the compaction
     * never overwrites a pixel still to be read), then transposed to the NCHW planes of its channels.
     */
    private void finish(float[] s, int at, int k, float[] y, int yi, boolean pool) {
        int outW = g.outW(), count = pixels;
        if (pool) {
            int ph = g.outH() / 2, pw = outW / 2;
            for (int py = 0, q = at; py < ph; py++) {
                for (int px = 0; px < pw; px++, q += L) {
                    int p0 = at + (2 * py * outW + 2 * px) * L, p1 = p0 + outW * L;
                    FloatVector m = FloatVector.fromArray(S, s, p0).max(FloatVector.fromArray(S, s, p0 + L));
                    m = m.max(FloatVector.fromArray(S, s, p1)).max(FloatVector.fromArray(S, s, p1 + L));
                    m.intoArray(s, q);
                }
            }
            count = ph * pw;
        }
        int lanes = Math.min(L, g.outC() - k * L);
        for (int l = 0; l < lanes; l++) {
            int dst = yi + (k * L + l) * count;
            for (int p = 0, src = at + l; p < count; p++, src += L) y[dst + p] = s[src];
        }
    }

    /** Four channel blocks × 6 pixels: per (tap, channel) 4 weight loads and 6 broadcasts feed 24 FMAs. */
    private void block4x6(float[] xp, int xBase, int p, int wi, float[] s, int sAt, int bAt, boolean relu) {
        FloatVector b0 = FloatVector.fromArray(S, s, bAt);
        FloatVector b1 = FloatVector.fromArray(S, s, bAt + L);
        FloatVector b2 = FloatVector.fromArray(S, s, bAt + 2 * L);
        FloatVector b3 = FloatVector.fromArray(S, s, bAt + 3 * L);
        FloatVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
        FloatVector a10 = b0, a11 = b1, a12 = b2, a13 = b3;
        FloatVector a20 = b0, a21 = b1, a22 = b2, a23 = b3;
        FloatVector a30 = b0, a31 = b1, a32 = b2, a33 = b3;
        FloatVector a40 = b0, a41 = b1, a42 = b2, a43 = b3;
        FloatVector a50 = b0, a51 = b1, a52 = b2, a53 = b3;
        int q0 = xBase + base[p];
        int q1 = xBase + base[p + 1];
        int q2 = xBase + base[p + 2];
        int q3 = xBase + base[p + 3];
        int q4 = xBase + base[p + 4];
        int q5 = xBase + base[p + 5];
        float[] w = packed;
        for (int t = 0; t < kk; t++, wi += inC * 4 * L) {
            int o = tapOff[t];
            int x0 = q0 + o;
            int x1 = q1 + o;
            int x2 = q2 + o;
            int x3 = q3 + o;
            int x4 = q4 + o;
            int x5 = q5 + o;
            for (int c = 0; c < inC; c++) {
                int wc = wi + c * (4 * L);
                FloatVector w0 = FloatVector.fromArray(S, w, wc);
                FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
                FloatVector w2 = FloatVector.fromArray(S, w, wc + 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, w, wc + 3 * L);
                FloatVector v = FloatVector.broadcast(S, xp[x0 + c]);
                a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
                a01 = FMA ? w1.fma(v, a01) : w1.mul(v).add(a01);
                a02 = FMA ? w2.fma(v, a02) : w2.mul(v).add(a02);
                a03 = FMA ? w3.fma(v, a03) : w3.mul(v).add(a03);
                v = FloatVector.broadcast(S, xp[x1 + c]);
                a10 = FMA ? w0.fma(v, a10) : w0.mul(v).add(a10);
                a11 = FMA ? w1.fma(v, a11) : w1.mul(v).add(a11);
                a12 = FMA ? w2.fma(v, a12) : w2.mul(v).add(a12);
                a13 = FMA ? w3.fma(v, a13) : w3.mul(v).add(a13);
                v = FloatVector.broadcast(S, xp[x2 + c]);
                a20 = FMA ? w0.fma(v, a20) : w0.mul(v).add(a20);
                a21 = FMA ? w1.fma(v, a21) : w1.mul(v).add(a21);
                a22 = FMA ? w2.fma(v, a22) : w2.mul(v).add(a22);
                a23 = FMA ? w3.fma(v, a23) : w3.mul(v).add(a23);
                v = FloatVector.broadcast(S, xp[x3 + c]);
                a30 = FMA ? w0.fma(v, a30) : w0.mul(v).add(a30);
                a31 = FMA ? w1.fma(v, a31) : w1.mul(v).add(a31);
                a32 = FMA ? w2.fma(v, a32) : w2.mul(v).add(a32);
                a33 = FMA ? w3.fma(v, a33) : w3.mul(v).add(a33);
                v = FloatVector.broadcast(S, xp[x4 + c]);
                a40 = FMA ? w0.fma(v, a40) : w0.mul(v).add(a40);
                a41 = FMA ? w1.fma(v, a41) : w1.mul(v).add(a41);
                a42 = FMA ? w2.fma(v, a42) : w2.mul(v).add(a42);
                a43 = FMA ? w3.fma(v, a43) : w3.mul(v).add(a43);
                v = FloatVector.broadcast(S, xp[x5 + c]);
                a50 = FMA ? w0.fma(v, a50) : w0.mul(v).add(a50);
                a51 = FMA ? w1.fma(v, a51) : w1.mul(v).add(a51);
                a52 = FMA ? w2.fma(v, a52) : w2.mul(v).add(a52);
                a53 = FMA ? w3.fma(v, a53) : w3.mul(v).add(a53);
            }
        }
        if (relu) {
            a00 = a00.max(0f); a01 = a01.max(0f); a02 = a02.max(0f); a03 = a03.max(0f);
            a10 = a10.max(0f); a11 = a11.max(0f); a12 = a12.max(0f); a13 = a13.max(0f);
            a20 = a20.max(0f); a21 = a21.max(0f); a22 = a22.max(0f); a23 = a23.max(0f);
            a30 = a30.max(0f); a31 = a31.max(0f); a32 = a32.max(0f); a33 = a33.max(0f);
            a40 = a40.max(0f); a41 = a41.max(0f); a42 = a42.max(0f); a43 = a43.max(0f);
            a50 = a50.max(0f); a51 = a51.max(0f); a52 = a52.max(0f); a53 = a53.max(0f);
        }
        int bs = pixels * L;
        a00.intoArray(s, sAt); a01.intoArray(s, sAt + bs); a02.intoArray(s, sAt + 2 * bs); a03.intoArray(s, sAt + 3 * bs);
        a10.intoArray(s, sAt + L); a11.intoArray(s, sAt + bs + L); a12.intoArray(s, sAt + 2 * bs + L); a13.intoArray(s, sAt + 3 * bs + L);
        a20.intoArray(s, sAt + 2 * L); a21.intoArray(s, sAt + bs + 2 * L); a22.intoArray(s, sAt + 2 * bs + 2 * L); a23.intoArray(s, sAt + 3 * bs + 2 * L);
        a30.intoArray(s, sAt + 3 * L); a31.intoArray(s, sAt + bs + 3 * L); a32.intoArray(s, sAt + 2 * bs + 3 * L); a33.intoArray(s, sAt + 3 * bs + 3 * L);
        a40.intoArray(s, sAt + 4 * L); a41.intoArray(s, sAt + bs + 4 * L); a42.intoArray(s, sAt + 2 * bs + 4 * L); a43.intoArray(s, sAt + 3 * bs + 4 * L);
        a50.intoArray(s, sAt + 5 * L); a51.intoArray(s, sAt + bs + 5 * L); a52.intoArray(s, sAt + 2 * bs + 5 * L); a53.intoArray(s, sAt + 3 * bs + 5 * L);
    }

    /** Four channel blocks × one pixel: per (tap, channel) 4 weight loads and 1 broadcast feed 4 FMAs. */
    private void block4x1(float[] xp, int xBase, int p, int wi, float[] s, int sAt, int bAt, boolean relu) {
        FloatVector b0 = FloatVector.fromArray(S, s, bAt);
        FloatVector b1 = FloatVector.fromArray(S, s, bAt + L);
        FloatVector b2 = FloatVector.fromArray(S, s, bAt + 2 * L);
        FloatVector b3 = FloatVector.fromArray(S, s, bAt + 3 * L);
        FloatVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
        int q0 = xBase + base[p];
        float[] w = packed;
        for (int t = 0; t < kk; t++, wi += inC * 4 * L) {
            int o = tapOff[t];
            int x0 = q0 + o;
            for (int c = 0; c < inC; c++) {
                int wc = wi + c * (4 * L);
                FloatVector w0 = FloatVector.fromArray(S, w, wc);
                FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
                FloatVector w2 = FloatVector.fromArray(S, w, wc + 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, w, wc + 3 * L);
                FloatVector v = FloatVector.broadcast(S, xp[x0 + c]);
                a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
                a01 = FMA ? w1.fma(v, a01) : w1.mul(v).add(a01);
                a02 = FMA ? w2.fma(v, a02) : w2.mul(v).add(a02);
                a03 = FMA ? w3.fma(v, a03) : w3.mul(v).add(a03);
            }
        }
        if (relu) {
            a00 = a00.max(0f); a01 = a01.max(0f); a02 = a02.max(0f); a03 = a03.max(0f);
        }
        int bs = pixels * L;
        a00.intoArray(s, sAt); a01.intoArray(s, sAt + bs); a02.intoArray(s, sAt + 2 * bs); a03.intoArray(s, sAt + 3 * bs);
    }

    /** Two channel blocks × 6 pixels: per (tap, channel) 2 weight loads and 6 broadcasts feed 12 FMAs. */
    private void block2x6(float[] xp, int xBase, int p, int wi, float[] s, int sAt, int bAt, boolean relu) {
        FloatVector b0 = FloatVector.fromArray(S, s, bAt);
        FloatVector b1 = FloatVector.fromArray(S, s, bAt + L);
        FloatVector a00 = b0, a01 = b1;
        FloatVector a10 = b0, a11 = b1;
        FloatVector a20 = b0, a21 = b1;
        FloatVector a30 = b0, a31 = b1;
        FloatVector a40 = b0, a41 = b1;
        FloatVector a50 = b0, a51 = b1;
        int q0 = xBase + base[p];
        int q1 = xBase + base[p + 1];
        int q2 = xBase + base[p + 2];
        int q3 = xBase + base[p + 3];
        int q4 = xBase + base[p + 4];
        int q5 = xBase + base[p + 5];
        float[] w = packed;
        for (int t = 0; t < kk; t++, wi += inC * 2 * L) {
            int o = tapOff[t];
            int x0 = q0 + o;
            int x1 = q1 + o;
            int x2 = q2 + o;
            int x3 = q3 + o;
            int x4 = q4 + o;
            int x5 = q5 + o;
            for (int c = 0; c < inC; c++) {
                int wc = wi + c * (2 * L);
                FloatVector w0 = FloatVector.fromArray(S, w, wc);
                FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
                FloatVector v = FloatVector.broadcast(S, xp[x0 + c]);
                a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
                a01 = FMA ? w1.fma(v, a01) : w1.mul(v).add(a01);
                v = FloatVector.broadcast(S, xp[x1 + c]);
                a10 = FMA ? w0.fma(v, a10) : w0.mul(v).add(a10);
                a11 = FMA ? w1.fma(v, a11) : w1.mul(v).add(a11);
                v = FloatVector.broadcast(S, xp[x2 + c]);
                a20 = FMA ? w0.fma(v, a20) : w0.mul(v).add(a20);
                a21 = FMA ? w1.fma(v, a21) : w1.mul(v).add(a21);
                v = FloatVector.broadcast(S, xp[x3 + c]);
                a30 = FMA ? w0.fma(v, a30) : w0.mul(v).add(a30);
                a31 = FMA ? w1.fma(v, a31) : w1.mul(v).add(a31);
                v = FloatVector.broadcast(S, xp[x4 + c]);
                a40 = FMA ? w0.fma(v, a40) : w0.mul(v).add(a40);
                a41 = FMA ? w1.fma(v, a41) : w1.mul(v).add(a41);
                v = FloatVector.broadcast(S, xp[x5 + c]);
                a50 = FMA ? w0.fma(v, a50) : w0.mul(v).add(a50);
                a51 = FMA ? w1.fma(v, a51) : w1.mul(v).add(a51);
            }
        }
        if (relu) {
            a00 = a00.max(0f); a01 = a01.max(0f);
            a10 = a10.max(0f); a11 = a11.max(0f);
            a20 = a20.max(0f); a21 = a21.max(0f);
            a30 = a30.max(0f); a31 = a31.max(0f);
            a40 = a40.max(0f); a41 = a41.max(0f);
            a50 = a50.max(0f); a51 = a51.max(0f);
        }
        int bs = pixels * L;
        a00.intoArray(s, sAt); a01.intoArray(s, sAt + bs);
        a10.intoArray(s, sAt + L); a11.intoArray(s, sAt + bs + L);
        a20.intoArray(s, sAt + 2 * L); a21.intoArray(s, sAt + bs + 2 * L);
        a30.intoArray(s, sAt + 3 * L); a31.intoArray(s, sAt + bs + 3 * L);
        a40.intoArray(s, sAt + 4 * L); a41.intoArray(s, sAt + bs + 4 * L);
        a50.intoArray(s, sAt + 5 * L); a51.intoArray(s, sAt + bs + 5 * L);
    }

    /** Two channel blocks × one pixel: per (tap, channel) 2 weight loads and 1 broadcast feed 2 FMAs. */
    private void block2x1(float[] xp, int xBase, int p, int wi, float[] s, int sAt, int bAt, boolean relu) {
        FloatVector b0 = FloatVector.fromArray(S, s, bAt);
        FloatVector b1 = FloatVector.fromArray(S, s, bAt + L);
        FloatVector a00 = b0, a01 = b1;
        int q0 = xBase + base[p];
        float[] w = packed;
        for (int t = 0; t < kk; t++, wi += inC * 2 * L) {
            int o = tapOff[t];
            int x0 = q0 + o;
            for (int c = 0; c < inC; c++) {
                int wc = wi + c * (2 * L);
                FloatVector w0 = FloatVector.fromArray(S, w, wc);
                FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
                FloatVector v = FloatVector.broadcast(S, xp[x0 + c]);
                a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
                a01 = FMA ? w1.fma(v, a01) : w1.mul(v).add(a01);
            }
        }
        if (relu) {
            a00 = a00.max(0f); a01 = a01.max(0f);
        }
        int bs = pixels * L;
        a00.intoArray(s, sAt); a01.intoArray(s, sAt + bs);
    }

    /** One channel block × 6 pixels: per (tap, channel) 1 weight load and 6 broadcasts feed 6 FMAs. */
    private void block1x6(float[] xp, int xBase, int p, int wi, float[] s, int sAt, int bAt, boolean relu) {
        FloatVector b0 = FloatVector.fromArray(S, s, bAt);
        FloatVector a00 = b0;
        FloatVector a10 = b0;
        FloatVector a20 = b0;
        FloatVector a30 = b0;
        FloatVector a40 = b0;
        FloatVector a50 = b0;
        int q0 = xBase + base[p];
        int q1 = xBase + base[p + 1];
        int q2 = xBase + base[p + 2];
        int q3 = xBase + base[p + 3];
        int q4 = xBase + base[p + 4];
        int q5 = xBase + base[p + 5];
        float[] w = packed;
        for (int t = 0; t < kk; t++, wi += inC * L) {
            int o = tapOff[t];
            int x0 = q0 + o;
            int x1 = q1 + o;
            int x2 = q2 + o;
            int x3 = q3 + o;
            int x4 = q4 + o;
            int x5 = q5 + o;
            for (int c = 0; c < inC; c++) {
                int wc = wi + c * L;
                FloatVector w0 = FloatVector.fromArray(S, w, wc);
                FloatVector v = FloatVector.broadcast(S, xp[x0 + c]);
                a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
                v = FloatVector.broadcast(S, xp[x1 + c]);
                a10 = FMA ? w0.fma(v, a10) : w0.mul(v).add(a10);
                v = FloatVector.broadcast(S, xp[x2 + c]);
                a20 = FMA ? w0.fma(v, a20) : w0.mul(v).add(a20);
                v = FloatVector.broadcast(S, xp[x3 + c]);
                a30 = FMA ? w0.fma(v, a30) : w0.mul(v).add(a30);
                v = FloatVector.broadcast(S, xp[x4 + c]);
                a40 = FMA ? w0.fma(v, a40) : w0.mul(v).add(a40);
                v = FloatVector.broadcast(S, xp[x5 + c]);
                a50 = FMA ? w0.fma(v, a50) : w0.mul(v).add(a50);
            }
        }
        if (relu) {
            a00 = a00.max(0f);
            a10 = a10.max(0f);
            a20 = a20.max(0f);
            a30 = a30.max(0f);
            a40 = a40.max(0f);
            a50 = a50.max(0f);
        }
        int bs = pixels * L;
        a00.intoArray(s, sAt);
        a10.intoArray(s, sAt + L);
        a20.intoArray(s, sAt + 2 * L);
        a30.intoArray(s, sAt + 3 * L);
        a40.intoArray(s, sAt + 4 * L);
        a50.intoArray(s, sAt + 5 * L);
    }

    /** One channel block × one pixel: per (tap, channel) 1 weight load and 1 broadcast feed 1 FMA. */
    private void block1x1(float[] xp, int xBase, int p, int wi, float[] s, int sAt, int bAt, boolean relu) {
        FloatVector b0 = FloatVector.fromArray(S, s, bAt);
        FloatVector a00 = b0;
        int q0 = xBase + base[p];
        float[] w = packed;
        for (int t = 0; t < kk; t++, wi += inC * L) {
            int o = tapOff[t];
            int x0 = q0 + o;
            for (int c = 0; c < inC; c++) {
                int wc = wi + c * L;
                FloatVector w0 = FloatVector.fromArray(S, w, wc);
                FloatVector v = FloatVector.broadcast(S, xp[x0 + c]);
                a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
            }
        }
        if (relu) {
            a00 = a00.max(0f);
        }
        int bs = pixels * L;
        a00.intoArray(s, sAt);
    }

}
