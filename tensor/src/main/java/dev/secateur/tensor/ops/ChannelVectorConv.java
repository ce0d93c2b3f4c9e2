package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense convolution with the output channels in the vector lanes: every lane is a useful
 * output whatever the image width, and a register block of R output pixels × B blocks of L
 * channels costs, per (tap, input channel), B weight loads and R scalar broadcasts for R·B FMAs
 * (4 or 3 blocks × 5 pixels or 2 × 10 with 32 vector registers, 2 × 5 with 16, 1 × 10 on both).
 * The weights are packed once, at construction, per group of blocks as
 * {@code [group][kH·kW][inC][B][L]} (zero channels padding the last block, so {@code outC} need
 * not be a multiple of L). The input image is copied zero-bordered with its channels innermost
 * ({@link ChannelLastImage}), so the reduction loop reads scalars sequentially and indexes
 * linearly. The reduction is cut into segments whose weights fit in L1, each run over every
 * pixel block with the accumulators kept in the scratch between segments: the weights are read
 * from L1, not streamed from L2, once per pixel block, and each call of a register block is one
 * flat loop (no nested loop for the JIT to spill accumulators around).
 *
 * <p>The accumulators live in a scratch laid out {@code [block][pixel][L]}, start at the bias and
 * take the ReLU in registers after the last segment; the epilogue max-pools 2×2 windows there
 * when asked (a vector maximum over four pixels; max commutes with ReLU) and transposes each
 * block to the NCHW output, so input and output stay NCHW.
 *
 * <p>Threads split the images (when there are at least as many as threads), or the pixel blocks
 * and then the channel blocks of one image. Every output lane sums its terms in the same order
 * whatever the register block or thread, so results do not depend on the thread count.
 */
public final class ChannelVectorConv implements DenseConvolution {
    /** Hardware FMA; tested inline so no vector is passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Whether 32 vector registers allow register blocks of 20 accumulators (4 or 3 channel vectors × 5 pixels, 2 × 10); else at most 10 (2 × 5, 1 × 10). */
    private static final boolean WIDE = VectorPlatform.REGISTERS >= 32;
    /** Channel blocks (of L output channels) per register block at most. */
    public static final int BLOCKS = WIDE ? 4 : 2;
    /**
     * Output pixels per register block: 10 (2 blocks with 32 registers, 1 block), else 5. The pixel
     * count is rounded up to a multiple of 10 with copies of the last pixel, so there are no tails.
     */
    public static final int PIXELS = 10;

    private final ConvGeometry g;
    private final ChannelLastImage image;
    /** Output pixels, rounded up to whole register blocks, and the scratch floats per channel block. */
    private final int inC, pixels, padded, blockFloats, blocks;
    /**
     * With a 2×2 pooling: the pixels the windows read (an odd last row or column is never
     * pooled, so it is not computed: VGG's 7×7 conv3 sums 36 pixels, not 49), as a grid
     * {@code poolCols} wide, rounded up to whole register blocks; its bases start at {@code poolBase}.
     */
    private final int poolPixels, poolPadded, poolCols, poolBase;
    /**
     * Per output pixel (the last one repeated up to {@code padded}), where it reads tap (0, 0),
     * channel 0; from {@code poolBase} the same for the pooled pixels.
     */
    private final int[] base;
    /**
     * The reduction as segments of consecutive (tap, channel) steps that read consecutive input
     * floats: segment k reads {@code xp[pixel base + segX[k] + u]} and weight step
     * {@code segW[k] + u} for {@code u < segLen[k]}. At stride 1 one kernel row's taps and channels
     * are contiguous in the channel-last image ({@code kW·inC} steps), otherwise one tap's
     * channels; longer runs are split so that a segment's weights stay in L1 while every pixel
     * block reads them.
     */
    private final int[] segX, segW, segLen;
    /** Per group of channel blocks: its first block, its block count, where its weights start; one sentinel entry. */
    private final int[] groupBlock, groupSize, groupWeight;
    private final float[] packed;

    private ChannelVectorConv(ConvGeometry g, float[] weight, int wOff) {
        this.g = g;
        this.image = new ChannelLastImage(g);
        this.inC = g.inC();
        this.pixels = g.outH() * g.outW();
        this.blocks = (g.outC() + L - 1) / L;
        this.padded = (pixels + PIXELS - 1) / PIXELS * PIXELS;
        this.blockFloats = padded * L;
        int ph = g.outH() / 2 * 2, pw = g.outW() / 2 * 2, pooled = ph * pw;
        boolean odd = pooled < pixels;
        this.poolCols = odd ? pw : g.outW();
        this.poolPixels = odd ? pooled : pixels;
        this.poolPadded = odd ? (pooled + PIXELS - 1) / PIXELS * PIXELS : padded;
        this.poolBase = odd ? padded : 0;
        this.base = new int[padded + (odd ? poolPadded : 0)];
        fillBases(base, 0, g.outH(), g.outW(), padded);
        if (odd) fillBases(base, poolBase, ph, pw, poolPadded);
        int kk = g.kH() * g.kW();
        boolean rows = g.stride() == 1;
        int runs = rows ? g.kH() : kk, runLen = rows ? g.kW() * inC : inC;
        // A segment's weights fill at most half the L1 cache: the rest is for the image and the accumulators.
        int maxLen = Math.max(1, (int) Math.min(runLen, VectorPlatform.CACHES.l1d() / 2 / (4L * BLOCKS * L)));
        int pieces = (runLen + maxLen - 1) / maxLen, piece = (runLen + pieces - 1) / pieces;
        int segs = runs * pieces;
        this.segX = new int[segs];
        this.segW = new int[segs];
        this.segLen = new int[segs];
        for (int r = 0, k = 0; r < runs; r++) {
            int off = rows ? image.tapOffset(r, 0) : image.tapOffset(r / g.kW(), r % g.kW());
            for (int u0 = 0; u0 < runLen; u0 += piece, k++) {
                segX[k] = off + u0;
                segW[k] = r * runLen + u0;
                segLen[k] = Math.min(piece, runLen - u0);
            }
        }
        // Groups of BLOCKS channel blocks, then the rest as one group of 3 (wide) or as groups of 2 and 1.
        int rest = blocks % BLOCKS, groups = blocks / BLOCKS + (WIDE && rest == 3 ? 1 : Integer.bitCount(rest));
        this.groupBlock = new int[groups + 1];
        this.groupSize = new int[groups + 1];
        this.groupWeight = new int[groups + 1];
        int taps = g.colRows();
        this.packed = new float[Math.multiplyExact(Math.multiplyExact(blocks, L), taps)];
        for (int gi = 0, k = 0, wBase = 0; gi < groups; gi++) {
            int left = blocks - k, size = left >= BLOCKS ? BLOCKS : WIDE && left == 3 ? 3 : Integer.highestOneBit(left);
            groupBlock[gi] = k;
            groupSize[gi] = size;
            groupWeight[gi] = wBase;
            // Weight step (tap t, channel c) is t·inC + c: the order the segments walk.
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

    /** The bases of a {@code rows × cols} grid of output pixels at {@code base[at..]}, the last one repeated up to {@code count}. */
    private void fillBases(int[] base, int at, int rows, int cols, int count) {
        for (int oy = 0, p = at; oy < rows; oy++) {
            for (int ox = 0; ox < cols; ox++) base[p++] = image.pixelBase(oy, ox);
        }
        if (rows * cols > 0) java.util.Arrays.fill(base, at + rows * cols, at + count, base[at + rows * cols - 1]);
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

    /**
     * Whether this kernel is expected to beat {@link DirectConv} on layer {@code g}: at least 8
     * input channels (long reduction segments) and more than one lane block of filters.
     */
    public static boolean suits(ConvGeometry g) {
        return g.inC() >= 8 && g.outC() > L;
    }

    @Override
    public ConvGeometry geometry() { return g; }

    /** The register blocks this kernel runs: one per distinct channel-group size, and the segment layout. */
    @Override
    public String warmKey() {
        return "channels/" + proxyBlocks() + (g.stride() == 1 ? "/rows" : "/taps");
    }

    /** Lane blocks of a layer with one group of each size this one has (the full groups, then the rest). */
    private int proxyBlocks() {
        return (blocks >= BLOCKS ? BLOCKS : 0) + blocks % BLOCKS;
    }

    /** The same register blocks on at most 8 input channels and one group of each size. */
    @Override
    public Runnable warmProxy() {
        return DenseConvolution.proxy(g, Math.min(inC, 8), Math.min(g.outC(), proxyBlocks() * L), (small, w) -> from(small, w, 0));
    }

    /** Bytes of the packed weight (zero channels padding the last block included). */
    @Override
    public long byteSize() { return 4L * packed.length; }

    /** Floats of workspace {@link #forward} needs on {@code threads} threads. */
    @Override
    public int workspaceFloats(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        return Math.addExact(blocks * L, Math.multiplyExact(threads, slotFloats()));
    }

    /** One thread's slot: the channel-last image and the accumulators of every block, {@code [block][pixel][L]}. */
    private int slotFloats() {
        return Math.addExact(image.floats(), Math.multiplyExact(blocks, blockFloats));
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
        // The bias, zero-padded to whole blocks, is the accumulators' starting value.
        int bAt = workOff, slots = workOff + blocks * L, outC = g.outC();
        for (int o = 0; o < blocks * L; o++) work[bAt + o] = bias != null && o < outC ? bias[o] : 0f;
        int groups = groupSize.length - 1;
        int computed = pool ? poolPixels : pixels, units = (computed + PIXELS - 1) / PIXELS;
        int threads = Math.min(workers.threads(), Math.max(n, units));
        int slot = slotFloats(), in = g.inputSize(), out = outputSize(pool);
        if (threads <= 1) {
            for (int i = 0; i < n; i++) convolveImage(work, slots, bAt, 0, groups, x, xOff + i * in, y, yOff + i * out, relu, pool);
        } else if (n >= threads) {
            workers.forEach(threads, t -> {
                for (int i = t; i < n; i += threads) convolveImage(work, slots + t * slot, bAt, 0, groups, x, xOff + i * in, y, yOff + i * out, relu, pool);
            });
        } else {
            // One image at a time, copied once: the threads split its pixel blocks (a layer may have a single
            // channel group), then, once every pixel is summed, its channel blocks for the epilogue.
            for (int i = 0; i < n; i++) {
                image.pad(x, xOff + i * in, work, slots);
                int yi = yOff + i * out;
                workers.forEach(threads, t -> accumulate(work, slots, 0, groups, (int) ((long) units * t / threads) * PIXELS,
                        Math.min(computed, (int) ((long) units * (t + 1) / threads) * PIXELS), pool ? poolBase : 0, bAt, relu));
                workers.forEach(threads, t -> {
                    for (int k = (int) ((long) blocks * t / threads); k < (int) ((long) blocks * (t + 1) / threads); k++) {
                        finish(work, slots + image.floats() + k * blockFloats, k, y, yi, pool);
                    }
                });
            }
        }
    }

    private void convolveImage(float[] work, int slot, int bAt, int g0, int g1, float[] x, int xi, float[] y, int yi, boolean relu, boolean pool) {
        image.pad(x, xi, work, slot);
        groups(work, slot, bAt, g0, g1, y, yi, relu, pool);
    }

    /** Channel groups {@code [g0, g1)} of the image copied at {@code slot}: accumulate, then finish their blocks. */
    private void groups(float[] work, int slot, int bAt, int g0, int g1, float[] y, int yi, boolean relu, boolean pool) {
        accumulate(work, slot, g0, g1, 0, pool ? poolPixels : pixels, pool ? poolBase : 0, bAt, relu);
        int acc = slot + image.floats();
        for (int k = groupBlock[g0]; k < groupBlock[g1]; k++) finish(work, acc + k * blockFloats, k, y, yi, pool);
    }

    /**
     * Pixels {@code [p0, p1)} ({@code p0} a multiple of {@link #PIXELS}; their bases from
     * {@code base[b0..]}) of channel groups {@code [g0, g1)}: accumulators set to the bias at
     * {@code bAt}, then every segment's sums added segment by segment, ReLU after the last one.
     * The last register block may run past {@code p1} up to the next multiple of {@link #PIXELS},
     * except that one or two pixels left after whole 5-pixel blocks get one-pixel blocks.
     */
    private void accumulate(float[] work, int slot, int g0, int g1, int p0, int p1, int b0, int bAt, boolean relu) {
        int acc = slot + image.floats(), segs = segX.length;
        for (int gi = g0; gi < g1; gi++) {
            int k = groupBlock[gi], size = groupSize[gi], wi = groupWeight[gi], sAt = acc + k * blockFloats;
            int end = (p1 + PIXELS - 1) / PIXELS * PIXELS;
            // 5-pixel blocks: whole blocks, then one-pixel blocks for one or two pixels left (a 5-pixel block for more).
            int whole = p0 + (p1 - p0) / 5 * 5, tail = p1 - whole <= 2 ? whole : p1;
            for (int b = 0; b < size; b++) {
                FloatVector bias = FloatVector.fromArray(S, work, bAt + (k + b) * L);
                for (int p = p0, at = sAt + b * blockFloats + p0 * L; p < end; p++, at += L) bias.intoArray(work, at);
            }
            for (int sg = 0; sg < segs; sg++) {
                int xAt = slot + segX[sg], wk = wi + segW[sg] * size * L, len = segLen[sg];
                boolean last = relu && sg == segs - 1;
                switch (size) {
                    case 4 -> {
                        for (int p = p0; p < tail; p += PIXELS / 2) block4x5(work, xAt, b0 + p, wk, len, work, sAt + p * L, last);
                        for (int p = tail; p < p1; p++) block4x1(work, xAt, b0 + p, wk, len, work, sAt + p * L, last);
                    }
                    case 3 -> {
                        for (int p = p0; p < tail; p += PIXELS / 2) block3x5(work, xAt, b0 + p, wk, len, work, sAt + p * L, last);
                        for (int p = tail; p < p1; p++) block3x1(work, xAt, b0 + p, wk, len, work, sAt + p * L, last);
                    }
                    case 2 -> {
                        if (WIDE) {
                            for (int p = p0; p < p1; p += PIXELS) block2x10(work, xAt, b0 + p, wk, len, work, sAt + p * L, last);
                        } else {
                            for (int p = p0; p < p1; p += PIXELS / 2) block2x5(work, xAt, b0 + p, wk, len, work, sAt + p * L, last);
                        }
                    }
                    default -> {
                        for (int p = p0; p < p1; p += PIXELS) block1x10(work, xAt, b0 + p, wk, len, work, sAt + p * L, last);
                    }
                }
            }
        }
    }

    /**
     * Block {@code k}'s accumulators (biased, ReLU applied) at {@code s[at..]}, {@code [pixel][L]}:
     * 2×2-pooled in place when asked (window p' reads pixels at or after p', so the compaction
     * never overwrites a pixel still to be read), then transposed to the NCHW planes of its channels.
     */
    private void finish(float[] s, int at, int k, float[] y, int yi, boolean pool) {
        int count = pixels;
        if (pool) {
            int ph = g.outH() / 2, pw = g.outW() / 2, cols = poolCols;
            for (int py = 0, q = at; py < ph; py++) {
                for (int px = 0; px < pw; px++, q += L) {
                    int p0 = at + (2 * py * cols + 2 * px) * L, p1 = p0 + cols * L;
                    FloatVector t0 = FloatVector.fromArray(S, s, p0), t1 = FloatVector.fromArray(S, s, p0 + L);
                    FloatVector t2 = FloatVector.fromArray(S, s, p1), t3 = FloatVector.fromArray(S, s, p1 + L);
                    if (FLOAT_MAX) t0.max(t1).max(t2).max(t3).intoArray(s, q);
                    else VectorMax.max(VectorMax.max(t0, t1), VectorMax.max(t2, t3)).intoArray(s, q);
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

    /**
     * ReLU of {@code channelBlocks} blocks of {@code count} pixels just stored at {@code sAt}, where a
     * float max is no instruction: through the arrays, because the blocks' bodies are too big for
     * C2 to inline a helper taking vectors (it would box them).
     */
    private void reluBlocks(float[] s, int sAt, int channelBlocks, int count) {
        for (int b = 0; b < channelBlocks; b++) VectorMax.relu(s, sAt + b * blockFloats, count * L);
    }

    /** Four channel blocks × 5 pixels: per reduction step 4 weight loads and 5 broadcasts feed 20 FMAs. */
    private void block4x5(float[] xp, int xAt, int p, int wk, int len, float[] s, int sAt, boolean relu) {
        int bs = blockFloats;
        FloatVector a00 = FloatVector.fromArray(S, s, sAt);
        FloatVector a01 = FloatVector.fromArray(S, s, sAt + bs);
        FloatVector a02 = FloatVector.fromArray(S, s, sAt + 2 * bs);
        FloatVector a03 = FloatVector.fromArray(S, s, sAt + 3 * bs);
        FloatVector a10 = FloatVector.fromArray(S, s, sAt + L);
        FloatVector a11 = FloatVector.fromArray(S, s, sAt + bs + L);
        FloatVector a12 = FloatVector.fromArray(S, s, sAt + 2 * bs + L);
        FloatVector a13 = FloatVector.fromArray(S, s, sAt + 3 * bs + L);
        FloatVector a20 = FloatVector.fromArray(S, s, sAt + 2 * L);
        FloatVector a21 = FloatVector.fromArray(S, s, sAt + bs + 2 * L);
        FloatVector a22 = FloatVector.fromArray(S, s, sAt + 2 * bs + 2 * L);
        FloatVector a23 = FloatVector.fromArray(S, s, sAt + 3 * bs + 2 * L);
        FloatVector a30 = FloatVector.fromArray(S, s, sAt + 3 * L);
        FloatVector a31 = FloatVector.fromArray(S, s, sAt + bs + 3 * L);
        FloatVector a32 = FloatVector.fromArray(S, s, sAt + 2 * bs + 3 * L);
        FloatVector a33 = FloatVector.fromArray(S, s, sAt + 3 * bs + 3 * L);
        FloatVector a40 = FloatVector.fromArray(S, s, sAt + 4 * L);
        FloatVector a41 = FloatVector.fromArray(S, s, sAt + bs + 4 * L);
        FloatVector a42 = FloatVector.fromArray(S, s, sAt + 2 * bs + 4 * L);
        FloatVector a43 = FloatVector.fromArray(S, s, sAt + 3 * bs + 4 * L);
        int x0 = xAt + base[p];
        int x1 = xAt + base[p + 1];
        int x2 = xAt + base[p + 2];
        int x3 = xAt + base[p + 3];
        int x4 = xAt + base[p + 4];
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (4 * L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wc + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wc + 3 * L);
            FloatVector v = FloatVector.broadcast(S, xp[x0 + u]);
            a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
            a01 = FMA ? w1.fma(v, a01) : w1.mul(v).add(a01);
            a02 = FMA ? w2.fma(v, a02) : w2.mul(v).add(a02);
            a03 = FMA ? w3.fma(v, a03) : w3.mul(v).add(a03);
            v = FloatVector.broadcast(S, xp[x1 + u]);
            a10 = FMA ? w0.fma(v, a10) : w0.mul(v).add(a10);
            a11 = FMA ? w1.fma(v, a11) : w1.mul(v).add(a11);
            a12 = FMA ? w2.fma(v, a12) : w2.mul(v).add(a12);
            a13 = FMA ? w3.fma(v, a13) : w3.mul(v).add(a13);
            v = FloatVector.broadcast(S, xp[x2 + u]);
            a20 = FMA ? w0.fma(v, a20) : w0.mul(v).add(a20);
            a21 = FMA ? w1.fma(v, a21) : w1.mul(v).add(a21);
            a22 = FMA ? w2.fma(v, a22) : w2.mul(v).add(a22);
            a23 = FMA ? w3.fma(v, a23) : w3.mul(v).add(a23);
            v = FloatVector.broadcast(S, xp[x3 + u]);
            a30 = FMA ? w0.fma(v, a30) : w0.mul(v).add(a30);
            a31 = FMA ? w1.fma(v, a31) : w1.mul(v).add(a31);
            a32 = FMA ? w2.fma(v, a32) : w2.mul(v).add(a32);
            a33 = FMA ? w3.fma(v, a33) : w3.mul(v).add(a33);
            v = FloatVector.broadcast(S, xp[x4 + u]);
            a40 = FMA ? w0.fma(v, a40) : w0.mul(v).add(a40);
            a41 = FMA ? w1.fma(v, a41) : w1.mul(v).add(a41);
            a42 = FMA ? w2.fma(v, a42) : w2.mul(v).add(a42);
            a43 = FMA ? w3.fma(v, a43) : w3.mul(v).add(a43);
        }
        if (relu && FLOAT_MAX) {
            a00 = a00.max(0f); a01 = a01.max(0f); a02 = a02.max(0f); a03 = a03.max(0f);
            a10 = a10.max(0f); a11 = a11.max(0f); a12 = a12.max(0f); a13 = a13.max(0f);
            a20 = a20.max(0f); a21 = a21.max(0f); a22 = a22.max(0f); a23 = a23.max(0f);
            a30 = a30.max(0f); a31 = a31.max(0f); a32 = a32.max(0f); a33 = a33.max(0f);
            a40 = a40.max(0f); a41 = a41.max(0f); a42 = a42.max(0f); a43 = a43.max(0f);
        }
        a00.intoArray(s, sAt); a01.intoArray(s, sAt + bs); a02.intoArray(s, sAt + 2 * bs); a03.intoArray(s, sAt + 3 * bs);
        a10.intoArray(s, sAt + L); a11.intoArray(s, sAt + bs + L); a12.intoArray(s, sAt + 2 * bs + L); a13.intoArray(s, sAt + 3 * bs + L);
        a20.intoArray(s, sAt + 2 * L); a21.intoArray(s, sAt + bs + 2 * L); a22.intoArray(s, sAt + 2 * bs + 2 * L); a23.intoArray(s, sAt + 3 * bs + 2 * L);
        a30.intoArray(s, sAt + 3 * L); a31.intoArray(s, sAt + bs + 3 * L); a32.intoArray(s, sAt + 2 * bs + 3 * L); a33.intoArray(s, sAt + 3 * bs + 3 * L);
        a40.intoArray(s, sAt + 4 * L); a41.intoArray(s, sAt + bs + 4 * L); a42.intoArray(s, sAt + 2 * bs + 4 * L); a43.intoArray(s, sAt + 3 * bs + 4 * L);
        if (relu && !FLOAT_MAX) reluBlocks(s, sAt, 4, 5);
    }

    /** Three channel blocks × 5 pixels: per reduction step 3 weight loads and 5 broadcasts feed 15 FMAs. */
    private void block3x5(float[] xp, int xAt, int p, int wk, int len, float[] s, int sAt, boolean relu) {
        int bs = blockFloats;
        FloatVector a00 = FloatVector.fromArray(S, s, sAt);
        FloatVector a01 = FloatVector.fromArray(S, s, sAt + bs);
        FloatVector a02 = FloatVector.fromArray(S, s, sAt + 2 * bs);
        FloatVector a10 = FloatVector.fromArray(S, s, sAt + L);
        FloatVector a11 = FloatVector.fromArray(S, s, sAt + bs + L);
        FloatVector a12 = FloatVector.fromArray(S, s, sAt + 2 * bs + L);
        FloatVector a20 = FloatVector.fromArray(S, s, sAt + 2 * L);
        FloatVector a21 = FloatVector.fromArray(S, s, sAt + bs + 2 * L);
        FloatVector a22 = FloatVector.fromArray(S, s, sAt + 2 * bs + 2 * L);
        FloatVector a30 = FloatVector.fromArray(S, s, sAt + 3 * L);
        FloatVector a31 = FloatVector.fromArray(S, s, sAt + bs + 3 * L);
        FloatVector a32 = FloatVector.fromArray(S, s, sAt + 2 * bs + 3 * L);
        FloatVector a40 = FloatVector.fromArray(S, s, sAt + 4 * L);
        FloatVector a41 = FloatVector.fromArray(S, s, sAt + bs + 4 * L);
        FloatVector a42 = FloatVector.fromArray(S, s, sAt + 2 * bs + 4 * L);
        int x0 = xAt + base[p];
        int x1 = xAt + base[p + 1];
        int x2 = xAt + base[p + 2];
        int x3 = xAt + base[p + 3];
        int x4 = xAt + base[p + 4];
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (3 * L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wc + 2 * L);
            FloatVector v = FloatVector.broadcast(S, xp[x0 + u]);
            a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
            a01 = FMA ? w1.fma(v, a01) : w1.mul(v).add(a01);
            a02 = FMA ? w2.fma(v, a02) : w2.mul(v).add(a02);
            v = FloatVector.broadcast(S, xp[x1 + u]);
            a10 = FMA ? w0.fma(v, a10) : w0.mul(v).add(a10);
            a11 = FMA ? w1.fma(v, a11) : w1.mul(v).add(a11);
            a12 = FMA ? w2.fma(v, a12) : w2.mul(v).add(a12);
            v = FloatVector.broadcast(S, xp[x2 + u]);
            a20 = FMA ? w0.fma(v, a20) : w0.mul(v).add(a20);
            a21 = FMA ? w1.fma(v, a21) : w1.mul(v).add(a21);
            a22 = FMA ? w2.fma(v, a22) : w2.mul(v).add(a22);
            v = FloatVector.broadcast(S, xp[x3 + u]);
            a30 = FMA ? w0.fma(v, a30) : w0.mul(v).add(a30);
            a31 = FMA ? w1.fma(v, a31) : w1.mul(v).add(a31);
            a32 = FMA ? w2.fma(v, a32) : w2.mul(v).add(a32);
            v = FloatVector.broadcast(S, xp[x4 + u]);
            a40 = FMA ? w0.fma(v, a40) : w0.mul(v).add(a40);
            a41 = FMA ? w1.fma(v, a41) : w1.mul(v).add(a41);
            a42 = FMA ? w2.fma(v, a42) : w2.mul(v).add(a42);
        }
        if (relu && FLOAT_MAX) {
            a00 = a00.max(0f); a01 = a01.max(0f); a02 = a02.max(0f);
            a10 = a10.max(0f); a11 = a11.max(0f); a12 = a12.max(0f);
            a20 = a20.max(0f); a21 = a21.max(0f); a22 = a22.max(0f);
            a30 = a30.max(0f); a31 = a31.max(0f); a32 = a32.max(0f);
            a40 = a40.max(0f); a41 = a41.max(0f); a42 = a42.max(0f);
        }
        a00.intoArray(s, sAt); a01.intoArray(s, sAt + bs); a02.intoArray(s, sAt + 2 * bs);
        a10.intoArray(s, sAt + L); a11.intoArray(s, sAt + bs + L); a12.intoArray(s, sAt + 2 * bs + L);
        a20.intoArray(s, sAt + 2 * L); a21.intoArray(s, sAt + bs + 2 * L); a22.intoArray(s, sAt + 2 * bs + 2 * L);
        a30.intoArray(s, sAt + 3 * L); a31.intoArray(s, sAt + bs + 3 * L); a32.intoArray(s, sAt + 2 * bs + 3 * L);
        a40.intoArray(s, sAt + 4 * L); a41.intoArray(s, sAt + bs + 4 * L); a42.intoArray(s, sAt + 2 * bs + 4 * L);
        if (relu && !FLOAT_MAX) reluBlocks(s, sAt, 3, 5);
    }

    /** Four channel blocks × 1 pixel (a tail): per reduction step 4 weight loads and 1 broadcast feed 4 FMAs. */
    private void block4x1(float[] xp, int xAt, int p, int wk, int len, float[] s, int sAt, boolean relu) {
        int bs = blockFloats;
        FloatVector a0 = FloatVector.fromArray(S, s, sAt);
        FloatVector a1 = FloatVector.fromArray(S, s, sAt + bs);
        FloatVector a2 = FloatVector.fromArray(S, s, sAt + 2 * bs);
        FloatVector a3 = FloatVector.fromArray(S, s, sAt + 3 * bs);
        int x0 = xAt + base[p];
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (4 * L);
            FloatVector v = FloatVector.broadcast(S, xp[x0 + u]);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wc + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wc + 3 * L);
            a0 = FMA ? w0.fma(v, a0) : w0.mul(v).add(a0);
            a1 = FMA ? w1.fma(v, a1) : w1.mul(v).add(a1);
            a2 = FMA ? w2.fma(v, a2) : w2.mul(v).add(a2);
            a3 = FMA ? w3.fma(v, a3) : w3.mul(v).add(a3);
        }
        if (relu && FLOAT_MAX) {
            a0 = a0.max(0f); a1 = a1.max(0f); a2 = a2.max(0f); a3 = a3.max(0f);
        }
        a0.intoArray(s, sAt); a1.intoArray(s, sAt + bs); a2.intoArray(s, sAt + 2 * bs); a3.intoArray(s, sAt + 3 * bs);
        if (relu && !FLOAT_MAX) reluBlocks(s, sAt, 4, 1);
    }

    /** Three channel blocks × 1 pixel (a tail): per reduction step 3 weight loads and 1 broadcast feed 3 FMAs. */
    private void block3x1(float[] xp, int xAt, int p, int wk, int len, float[] s, int sAt, boolean relu) {
        int bs = blockFloats;
        FloatVector a0 = FloatVector.fromArray(S, s, sAt);
        FloatVector a1 = FloatVector.fromArray(S, s, sAt + bs);
        FloatVector a2 = FloatVector.fromArray(S, s, sAt + 2 * bs);
        int x0 = xAt + base[p];
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (3 * L);
            FloatVector v = FloatVector.broadcast(S, xp[x0 + u]);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wc + 2 * L);
            a0 = FMA ? w0.fma(v, a0) : w0.mul(v).add(a0);
            a1 = FMA ? w1.fma(v, a1) : w1.mul(v).add(a1);
            a2 = FMA ? w2.fma(v, a2) : w2.mul(v).add(a2);
        }
        if (relu && FLOAT_MAX) {
            a0 = a0.max(0f); a1 = a1.max(0f); a2 = a2.max(0f);
        }
        a0.intoArray(s, sAt); a1.intoArray(s, sAt + bs); a2.intoArray(s, sAt + 2 * bs);
        if (relu && !FLOAT_MAX) reluBlocks(s, sAt, 3, 1);
    }

    /** Two channel blocks × 10 pixels: per reduction step 2 weight loads and 10 broadcasts feed 20 FMAs. */
    private void block2x10(float[] xp, int xAt, int p, int wk, int len, float[] s, int sAt, boolean relu) {
        int bs = blockFloats;
        FloatVector a00 = FloatVector.fromArray(S, s, sAt);
        FloatVector a01 = FloatVector.fromArray(S, s, sAt + bs);
        FloatVector a10 = FloatVector.fromArray(S, s, sAt + L);
        FloatVector a11 = FloatVector.fromArray(S, s, sAt + bs + L);
        FloatVector a20 = FloatVector.fromArray(S, s, sAt + 2 * L);
        FloatVector a21 = FloatVector.fromArray(S, s, sAt + bs + 2 * L);
        FloatVector a30 = FloatVector.fromArray(S, s, sAt + 3 * L);
        FloatVector a31 = FloatVector.fromArray(S, s, sAt + bs + 3 * L);
        FloatVector a40 = FloatVector.fromArray(S, s, sAt + 4 * L);
        FloatVector a41 = FloatVector.fromArray(S, s, sAt + bs + 4 * L);
        FloatVector a50 = FloatVector.fromArray(S, s, sAt + 5 * L);
        FloatVector a51 = FloatVector.fromArray(S, s, sAt + bs + 5 * L);
        FloatVector a60 = FloatVector.fromArray(S, s, sAt + 6 * L);
        FloatVector a61 = FloatVector.fromArray(S, s, sAt + bs + 6 * L);
        FloatVector a70 = FloatVector.fromArray(S, s, sAt + 7 * L);
        FloatVector a71 = FloatVector.fromArray(S, s, sAt + bs + 7 * L);
        FloatVector a80 = FloatVector.fromArray(S, s, sAt + 8 * L);
        FloatVector a81 = FloatVector.fromArray(S, s, sAt + bs + 8 * L);
        FloatVector a90 = FloatVector.fromArray(S, s, sAt + 9 * L);
        FloatVector a91 = FloatVector.fromArray(S, s, sAt + bs + 9 * L);
        int x0 = xAt + base[p];
        int x1 = xAt + base[p + 1];
        int x2 = xAt + base[p + 2];
        int x3 = xAt + base[p + 3];
        int x4 = xAt + base[p + 4];
        int x5 = xAt + base[p + 5];
        int x6 = xAt + base[p + 6];
        int x7 = xAt + base[p + 7];
        int x8 = xAt + base[p + 8];
        int x9 = xAt + base[p + 9];
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (2 * L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector v = FloatVector.broadcast(S, xp[x0 + u]);
            a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
            a01 = FMA ? w1.fma(v, a01) : w1.mul(v).add(a01);
            v = FloatVector.broadcast(S, xp[x1 + u]);
            a10 = FMA ? w0.fma(v, a10) : w0.mul(v).add(a10);
            a11 = FMA ? w1.fma(v, a11) : w1.mul(v).add(a11);
            v = FloatVector.broadcast(S, xp[x2 + u]);
            a20 = FMA ? w0.fma(v, a20) : w0.mul(v).add(a20);
            a21 = FMA ? w1.fma(v, a21) : w1.mul(v).add(a21);
            v = FloatVector.broadcast(S, xp[x3 + u]);
            a30 = FMA ? w0.fma(v, a30) : w0.mul(v).add(a30);
            a31 = FMA ? w1.fma(v, a31) : w1.mul(v).add(a31);
            v = FloatVector.broadcast(S, xp[x4 + u]);
            a40 = FMA ? w0.fma(v, a40) : w0.mul(v).add(a40);
            a41 = FMA ? w1.fma(v, a41) : w1.mul(v).add(a41);
            v = FloatVector.broadcast(S, xp[x5 + u]);
            a50 = FMA ? w0.fma(v, a50) : w0.mul(v).add(a50);
            a51 = FMA ? w1.fma(v, a51) : w1.mul(v).add(a51);
            v = FloatVector.broadcast(S, xp[x6 + u]);
            a60 = FMA ? w0.fma(v, a60) : w0.mul(v).add(a60);
            a61 = FMA ? w1.fma(v, a61) : w1.mul(v).add(a61);
            v = FloatVector.broadcast(S, xp[x7 + u]);
            a70 = FMA ? w0.fma(v, a70) : w0.mul(v).add(a70);
            a71 = FMA ? w1.fma(v, a71) : w1.mul(v).add(a71);
            v = FloatVector.broadcast(S, xp[x8 + u]);
            a80 = FMA ? w0.fma(v, a80) : w0.mul(v).add(a80);
            a81 = FMA ? w1.fma(v, a81) : w1.mul(v).add(a81);
            v = FloatVector.broadcast(S, xp[x9 + u]);
            a90 = FMA ? w0.fma(v, a90) : w0.mul(v).add(a90);
            a91 = FMA ? w1.fma(v, a91) : w1.mul(v).add(a91);
        }
        if (relu && FLOAT_MAX) {
            a00 = a00.max(0f); a01 = a01.max(0f);
            a10 = a10.max(0f); a11 = a11.max(0f);
            a20 = a20.max(0f); a21 = a21.max(0f);
            a30 = a30.max(0f); a31 = a31.max(0f);
            a40 = a40.max(0f); a41 = a41.max(0f);
            a50 = a50.max(0f); a51 = a51.max(0f);
            a60 = a60.max(0f); a61 = a61.max(0f);
            a70 = a70.max(0f); a71 = a71.max(0f);
            a80 = a80.max(0f); a81 = a81.max(0f);
            a90 = a90.max(0f); a91 = a91.max(0f);
        }
        a00.intoArray(s, sAt); a01.intoArray(s, sAt + bs);
        a10.intoArray(s, sAt + L); a11.intoArray(s, sAt + bs + L);
        a20.intoArray(s, sAt + 2 * L); a21.intoArray(s, sAt + bs + 2 * L);
        a30.intoArray(s, sAt + 3 * L); a31.intoArray(s, sAt + bs + 3 * L);
        a40.intoArray(s, sAt + 4 * L); a41.intoArray(s, sAt + bs + 4 * L);
        a50.intoArray(s, sAt + 5 * L); a51.intoArray(s, sAt + bs + 5 * L);
        a60.intoArray(s, sAt + 6 * L); a61.intoArray(s, sAt + bs + 6 * L);
        a70.intoArray(s, sAt + 7 * L); a71.intoArray(s, sAt + bs + 7 * L);
        a80.intoArray(s, sAt + 8 * L); a81.intoArray(s, sAt + bs + 8 * L);
        a90.intoArray(s, sAt + 9 * L); a91.intoArray(s, sAt + bs + 9 * L);
        if (relu && !FLOAT_MAX) reluBlocks(s, sAt, 2, 10);
    }

    /** Two channel blocks × 5 pixels: per reduction step 2 weight loads and 5 broadcasts feed 10 FMAs. */
    private void block2x5(float[] xp, int xAt, int p, int wk, int len, float[] s, int sAt, boolean relu) {
        int bs = blockFloats;
        FloatVector a00 = FloatVector.fromArray(S, s, sAt);
        FloatVector a01 = FloatVector.fromArray(S, s, sAt + bs);
        FloatVector a10 = FloatVector.fromArray(S, s, sAt + L);
        FloatVector a11 = FloatVector.fromArray(S, s, sAt + bs + L);
        FloatVector a20 = FloatVector.fromArray(S, s, sAt + 2 * L);
        FloatVector a21 = FloatVector.fromArray(S, s, sAt + bs + 2 * L);
        FloatVector a30 = FloatVector.fromArray(S, s, sAt + 3 * L);
        FloatVector a31 = FloatVector.fromArray(S, s, sAt + bs + 3 * L);
        FloatVector a40 = FloatVector.fromArray(S, s, sAt + 4 * L);
        FloatVector a41 = FloatVector.fromArray(S, s, sAt + bs + 4 * L);
        int x0 = xAt + base[p];
        int x1 = xAt + base[p + 1];
        int x2 = xAt + base[p + 2];
        int x3 = xAt + base[p + 3];
        int x4 = xAt + base[p + 4];
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (2 * L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector v = FloatVector.broadcast(S, xp[x0 + u]);
            a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
            a01 = FMA ? w1.fma(v, a01) : w1.mul(v).add(a01);
            v = FloatVector.broadcast(S, xp[x1 + u]);
            a10 = FMA ? w0.fma(v, a10) : w0.mul(v).add(a10);
            a11 = FMA ? w1.fma(v, a11) : w1.mul(v).add(a11);
            v = FloatVector.broadcast(S, xp[x2 + u]);
            a20 = FMA ? w0.fma(v, a20) : w0.mul(v).add(a20);
            a21 = FMA ? w1.fma(v, a21) : w1.mul(v).add(a21);
            v = FloatVector.broadcast(S, xp[x3 + u]);
            a30 = FMA ? w0.fma(v, a30) : w0.mul(v).add(a30);
            a31 = FMA ? w1.fma(v, a31) : w1.mul(v).add(a31);
            v = FloatVector.broadcast(S, xp[x4 + u]);
            a40 = FMA ? w0.fma(v, a40) : w0.mul(v).add(a40);
            a41 = FMA ? w1.fma(v, a41) : w1.mul(v).add(a41);
        }
        if (relu && FLOAT_MAX) {
            a00 = a00.max(0f); a01 = a01.max(0f);
            a10 = a10.max(0f); a11 = a11.max(0f);
            a20 = a20.max(0f); a21 = a21.max(0f);
            a30 = a30.max(0f); a31 = a31.max(0f);
            a40 = a40.max(0f); a41 = a41.max(0f);
        }
        a00.intoArray(s, sAt); a01.intoArray(s, sAt + bs);
        a10.intoArray(s, sAt + L); a11.intoArray(s, sAt + bs + L);
        a20.intoArray(s, sAt + 2 * L); a21.intoArray(s, sAt + bs + 2 * L);
        a30.intoArray(s, sAt + 3 * L); a31.intoArray(s, sAt + bs + 3 * L);
        a40.intoArray(s, sAt + 4 * L); a41.intoArray(s, sAt + bs + 4 * L);
        if (relu && !FLOAT_MAX) reluBlocks(s, sAt, 2, 5);
    }

    /** One channel block × 10 pixels: per reduction step 1 weight load and 10 broadcasts feed 10 FMAs. */
    private void block1x10(float[] xp, int xAt, int p, int wk, int len, float[] s, int sAt, boolean relu) {
        int bs = blockFloats;
        FloatVector a00 = FloatVector.fromArray(S, s, sAt);
        FloatVector a10 = FloatVector.fromArray(S, s, sAt + L);
        FloatVector a20 = FloatVector.fromArray(S, s, sAt + 2 * L);
        FloatVector a30 = FloatVector.fromArray(S, s, sAt + 3 * L);
        FloatVector a40 = FloatVector.fromArray(S, s, sAt + 4 * L);
        FloatVector a50 = FloatVector.fromArray(S, s, sAt + 5 * L);
        FloatVector a60 = FloatVector.fromArray(S, s, sAt + 6 * L);
        FloatVector a70 = FloatVector.fromArray(S, s, sAt + 7 * L);
        FloatVector a80 = FloatVector.fromArray(S, s, sAt + 8 * L);
        FloatVector a90 = FloatVector.fromArray(S, s, sAt + 9 * L);
        int x0 = xAt + base[p];
        int x1 = xAt + base[p + 1];
        int x2 = xAt + base[p + 2];
        int x3 = xAt + base[p + 3];
        int x4 = xAt + base[p + 4];
        int x5 = xAt + base[p + 5];
        int x6 = xAt + base[p + 6];
        int x7 = xAt + base[p + 7];
        int x8 = xAt + base[p + 8];
        int x9 = xAt + base[p + 9];
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector v = FloatVector.broadcast(S, xp[x0 + u]);
            a00 = FMA ? w0.fma(v, a00) : w0.mul(v).add(a00);
            v = FloatVector.broadcast(S, xp[x1 + u]);
            a10 = FMA ? w0.fma(v, a10) : w0.mul(v).add(a10);
            v = FloatVector.broadcast(S, xp[x2 + u]);
            a20 = FMA ? w0.fma(v, a20) : w0.mul(v).add(a20);
            v = FloatVector.broadcast(S, xp[x3 + u]);
            a30 = FMA ? w0.fma(v, a30) : w0.mul(v).add(a30);
            v = FloatVector.broadcast(S, xp[x4 + u]);
            a40 = FMA ? w0.fma(v, a40) : w0.mul(v).add(a40);
            v = FloatVector.broadcast(S, xp[x5 + u]);
            a50 = FMA ? w0.fma(v, a50) : w0.mul(v).add(a50);
            v = FloatVector.broadcast(S, xp[x6 + u]);
            a60 = FMA ? w0.fma(v, a60) : w0.mul(v).add(a60);
            v = FloatVector.broadcast(S, xp[x7 + u]);
            a70 = FMA ? w0.fma(v, a70) : w0.mul(v).add(a70);
            v = FloatVector.broadcast(S, xp[x8 + u]);
            a80 = FMA ? w0.fma(v, a80) : w0.mul(v).add(a80);
            v = FloatVector.broadcast(S, xp[x9 + u]);
            a90 = FMA ? w0.fma(v, a90) : w0.mul(v).add(a90);
        }
        if (relu && FLOAT_MAX) {
            a00 = a00.max(0f);
            a10 = a10.max(0f);
            a20 = a20.max(0f);
            a30 = a30.max(0f);
            a40 = a40.max(0f);
            a50 = a50.max(0f);
            a60 = a60.max(0f);
            a70 = a70.max(0f);
            a80 = a80.max(0f);
            a90 = a90.max(0f);
        }
        a00.intoArray(s, sAt);
        a10.intoArray(s, sAt + L);
        a20.intoArray(s, sAt + 2 * L);
        a30.intoArray(s, sAt + 3 * L);
        a40.intoArray(s, sAt + 4 * L);
        a50.intoArray(s, sAt + 5 * L);
        a60.intoArray(s, sAt + 6 * L);
        a70.intoArray(s, sAt + 7 * L);
        a80.intoArray(s, sAt + 8 * L);
        a90.intoArray(s, sAt + 9 * L);
        if (relu && !FLOAT_MAX) reluBlocks(s, sAt, 1, 10);
    }

}
