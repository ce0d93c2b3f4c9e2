package dev.secateur.tensor.ops;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.XOR;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense 3×3 stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3): each 2×2 output
 * tile is {@code Aᵀ·[Σ_c (G·g_c·Gᵀ) ⊙ (Bᵀ·d_c·B)]·A} over the 4×4 input patches {@code d_c}, 16
 * multiply-adds per tile and channel pair where the direct convolution does 36. The 16 products
 * of one tile position ξ are a small matrix product over the input channels, run with the output
 * channels in the vector lanes (register blocks of B lane blocks × R tiles, as in
 * {@link ChannelVectorConv}).
 *
 * <p>The transformed filters {@code U = G·g·Gᵀ} are computed once (in float64, rounded once) and
 * packed per group of lane blocks as {@code [group][ξ][inC][B][L]}. Per image the input is copied
 * zero-bordered with its channels innermost, padded to whole lane blocks and to whole tiles (an
 * odd output size reads a row or column past the padded image). Then, per block of tiles:
 * the input transform, vectorised over the channels, writes {@code V[tile][ξ][channel]}; the 16
 * products write {@code M[tile][ξ][outC]} (a tile's 16 rows together, so each transform touches
 * one contiguous stretch); the output transform, vectorised over the output
 * channels, adds the bias, takes the ReLU and, when asked, the 2×2 maximum (one tile is one
 * pooled pixel; an odd last row or column is never pooled, so its tiles are not computed), into
 * a channel-last copy of the output that is finally transposed to NCHW (L pixels of a channel
 * per gather where gathers are SIMD instructions). A tile block's count is
 * rounded up to whole register blocks by repeating the last tile.
 *
 * <p>Threads split the images (when there are at least as many as threads), or the tile blocks
 * and then the channels of one image. Each tile's sums run in the same order whatever its block
 * or thread, so results do not depend on the thread count. The rounding error stays within the
 * direct sum's bound times a constant set by the transforms' ±1 and ±½ factors (derived in
 * {@code WinogradConvTest}).
 */
public final class WinogradConv implements DenseConvolution {
    /** Hardware FMA; tested inline so no vector is passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Gathers of a pixel's channels are SIMD instructions wherever masked memory accesses are. */
    private static final boolean GATHER = VectorPlatform.MASKED_MEMORY;
    /** Whether 32 vector registers allow register blocks of 20 accumulators (4 or 3 lane blocks × 5 tiles, 2 × 10); else 2 × 5, 1 × 10. */
    private static final boolean WIDE = VectorPlatform.REGISTERS >= 32;
    /** Lane blocks (of L output channels) per register block at most. */
    private static final int BLOCKS = WIDE ? 4 : 2;
    /** Tile counts are rounded up to a multiple of this, so every register block is whole. */
    private static final int TILES = 10;
    /** The 16 tile positions ξ of the transformed 4×4 patch. */
    private static final int XI = 16;

    private final ConvGeometry g;
    /** Input channels; the same rounded up to whole lane blocks (the stride of a pixel and of a V row). */
    private final int inC, cp;
    /** Output lane blocks; output channels rounded up to them (the stride of an M row and of the output copy). */
    private final int blocks, ob;
    /** Tile rows and columns (every output pixel) and of the pooled grid (whole tiles only). */
    private final int tileRows, tileCols, poolRows, poolCols;
    /** The padded channel-last image: rows, columns, floats. */
    private final int hp, wp, imageFloats;
    /** Tiles per block at most (a multiple of {@link #TILES}). */
    private final int blockTiles;
    /** Where each tile's patch starts in the padded image, unpooled then pooled, each rounded up to {@link #TILES} by repeating the last. */
    private final int[] tileBase, poolBase;
    /** Per group of lane blocks: its first block, its block count, where its weights start; one sentinel entry. */
    private final int[] groupBlock, groupSize, groupWeight;
    private final float[] packed;
    /** Lane l of a gather reads channel l: {@code l·inH·inW}; pixel l of the output copy: {@code l·ob}. */
    private final int[] channelOffsets, pixelOffsets;

    private WinogradConv(ConvGeometry g, float[] weight, int wOff) {
        this.g = g;
        this.inC = g.inC();
        this.cp = (inC + L - 1) / L * L;
        this.blocks = (g.outC() + L - 1) / L;
        this.ob = blocks * L;
        int oh = g.outH(), ow = g.outW();
        this.tileRows = (oh + 1) / 2;
        this.tileCols = (ow + 1) / 2;
        this.poolRows = oh / 2;
        this.poolCols = ow / 2;
        this.hp = 2 * tileRows + 2;
        this.wp = 2 * tileCols + 2;
        this.imageFloats = Math.multiplyExact(hp * wp, cp);
        this.tileBase = bases(tileRows, tileCols);
        this.poolBase = bases(poolRows, poolCols);
        // A block's transformed inputs and products stay within a quarter of L2 between the three passes.
        long perTile = 4L * XI * (cp + ob);
        int cap = (int) Math.max(TILES, VectorPlatform.CACHES.l2() / 4 / perTile / TILES * TILES);
        this.blockTiles = Math.min(cap, tileBase.length);

        int rest = blocks % BLOCKS, groups = blocks / BLOCKS + (WIDE && rest == 3 ? 1 : Integer.bitCount(rest));
        this.groupBlock = new int[groups + 1];
        this.groupSize = new int[groups + 1];
        this.groupWeight = new int[groups + 1];
        this.packed = new float[Math.multiplyExact(Math.multiplyExact(XI, inC), ob)];
        this.channelOffsets = new int[L];
        for (int l = 0; l < L; l++) channelOffsets[l] = l * g.inH() * g.inW();
        this.pixelOffsets = new int[L];
        for (int l = 0; l < L; l++) pixelOffsets[l] = l * ob;
        float[] u = transformedFilters(g, weight, wOff);
        for (int gi = 0, k = 0, wBase = 0; gi < groups; gi++) {
            int left = blocks - k, size = left >= BLOCKS ? BLOCKS : WIDE && left == 3 ? 3 : Integer.highestOneBit(left);
            groupBlock[gi] = k;
            groupSize[gi] = size;
            groupWeight[gi] = wBase;
            for (int xi = 0; xi < XI; xi++) {
                for (int c = 0; c < inC; c++) {
                    for (int b = 0; b < size; b++) {
                        for (int l = 0; l < L; l++) {
                            int o = (k + b) * L + l;
                            packed[wBase + ((xi * inC + c) * size + b) * L + l] = o < g.outC() ? u[(o * inC + c) * XI + xi] : 0f;
                        }
                    }
                }
            }
            k += size;
            wBase += XI * inC * size * L;
        }
        groupBlock[groups] = blocks;
    }

    /** {@code U = G·g·Gᵀ} of every filter, {@code [outC][inC][ξ]}, computed in float64 and rounded once. */
    private static float[] transformedFilters(ConvGeometry g, float[] weight, int wOff) {
        double[][] gm = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
        int inC = g.inC();
        float[] u = new float[Math.multiplyExact(g.outC() * inC, XI)];
        for (int oc = 0; oc < g.outC() * inC; oc++) {
            int at = wOff + oc * 9;
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    double s = 0;
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) s += gm[i][a] * weight[at + a * 3 + b] * gm[j][b];
                    }
                    u[oc * XI + i * 4 + j] = (float) s;
                }
            }
        }
        return u;
    }

    /** Where the patches of a {@code rows × cols} grid of tiles start, the last repeated up to a multiple of {@link #TILES}. */
    private int[] bases(int rows, int cols) {
        int n = rows * cols;
        int[] b = new int[Math.max(TILES, (n + TILES - 1) / TILES * TILES)];
        for (int ty = 0, t = 0; ty < rows; ty++) {
            for (int tx = 0; tx < cols; tx++) b[t++] = (2 * ty * wp + 2 * tx) * cp;
        }
        Arrays.fill(b, n, b.length, n > 0 ? b[n - 1] : 0);
        return b;
    }

    /** Whether this kernel computes layer {@code g}: 3×3 kernels at stride 1 (any padding, any image size). */
    public static boolean applies(ConvGeometry g) {
        return g != null && g.kH() == 3 && g.kW() == 3 && g.stride() == 1;
    }

    /**
     * Whether this kernel can be expected to beat the direct kernels on a layer it {@link #applies}
     * to: at least 8 input channels. With fewer, the 16 products are too short a reduction to
     * amortise a register block's stores and the transforms work on mostly padding lanes (VGG's
     * first layer, 1 input channel, ran 3 to 5 times slower than the direct kernel).
     */
    public static boolean suits(ConvGeometry g) {
        return applies(g) && g.inC() >= 8;
    }

    /** Transforms the dense {@code [outC, inC·3·3]} weight from {@code wOff}. */
    public static WinogradConv from(ConvGeometry g, float[] weight, int wOff) {
        if (g == null) throw new IllegalArgumentException("winograd conv: geometry is null");
        if (!applies(g)) throw new IllegalArgumentException("winograd conv needs a 3x3 kernel at stride 1, got " + g);
        if (weight == null || wOff < 0 || (long) wOff + g.weightSize() > weight.length) {
            throw new IllegalArgumentException("winograd conv " + g + ": weight needs " + g.weightSize() + " floats at offset " + wOff
                    + ", array has " + (weight == null ? "null" : weight.length));
        }
        return new WinogradConv(g, weight, wOff);
    }

    @Override
    public ConvGeometry geometry() { return g; }

    /** The register blocks this kernel runs: one per distinct channel-group size. */
    @Override
    public String warmKey() {
        return "winograd/" + proxyBlocks();
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

    /** Bytes of the transformed weight (zero channels padding the last block included). */
    @Override
    public long byteSize() { return 4L * packed.length; }

    @Override
    public int workspaceFloats(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        return Math.addExact(ob, Math.multiplyExact(threads, slotFloats()));
    }

    /** One thread's slot: the padded image, V and M of one tile block, the channel-last output of one image. */
    private int slotFloats() {
        long v = (long) XI * blockTiles * cp, m = (long) XI * blockTiles * ob, out = (long) g.outH() * g.outW() * ob;
        return Math.toIntExact(imageFloats + v + m + out);
    }

    @Override
    public void forward(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, boolean pool,
                        float[] work, int workOff) {
        DirectConvArguments.check(g, workers, x, xOff, n, y, yOff, outputSize(pool), bias, work, workOff,
                workers == null ? 0 : workspaceFloats(workers.threads()));
        if (n == 0) return;
        int bAt = workOff, slots = workOff + ob, outC = g.outC();
        for (int o = 0; o < ob; o++) work[bAt + o] = bias != null && o < outC ? bias[o] : 0f;
        int used = pool ? poolRows * poolCols : tileRows * tileCols;
        if (used == 0) return;
        int slot = slotFloats(), in = g.inputSize(), out = outputSize(pool);
        int units = (used + TILES - 1) / TILES;
        int threads = Math.min(workers.threads(), Math.max(n, units));
        if (threads <= 1) {
            for (int i = 0; i < n; i++) image(work, slots, bAt, x, xOff + i * in, y, yOff + i * out, used, relu, pool);
        } else if (n >= threads) {
            workers.forEach(threads, t -> {
                for (int i = t; i < n; i += threads) image(work, slots + t * slot, bAt, x, xOff + i * in, y, yOff + i * out, used, relu, pool);
            });
        } else {
            // One image at a time, copied once into slot 0: the threads split its tiles in whole register
            // blocks, each in its own V and M, writing disjoint pixels of slot 0's output copy; then its channels.
            int per = (units + threads - 1) / threads * TILES;
            int outAt = slots + imageFloats + XI * blockTiles * (cp + ob);
            for (int i = 0; i < n; i++) {
                pad(x, xOff + i * in, work, slots);
                workers.forEach(threads, t -> {
                    int vAt = slots + t * slot + imageFloats, mAt = vAt + XI * blockTiles * cp;
                    for (int t0 = t * per; t0 < Math.min(used, (t + 1) * per); t0 += blockTiles) {
                        tileBlock(work, slots, vAt, mAt, outAt, bAt, t0, Math.min(Math.min(used, (t + 1) * per), t0 + blockTiles), relu, pool);
                    }
                });
                int yi = yOff + i * out;
                workers.forEach(threads, t -> transpose(work, outAt, y, yi, outC * t / threads, outC * (t + 1) / threads, relu, pool));
            }
        }
    }

    /** One image on one thread, in the slot at {@code at}. */
    private void image(float[] work, int at, int bAt, float[] x, int xi, float[] y, int yi, int used, boolean relu, boolean pool) {
        pad(x, xi, work, at);
        int vAt = at + imageFloats, mAt = vAt + XI * blockTiles * cp, outAt = mAt + XI * blockTiles * ob;
        for (int t0 = 0; t0 < used; t0 += blockTiles) {
            tileBlock(work, at, vAt, mAt, outAt, bAt, t0, Math.min(used, t0 + blockTiles), relu, pool);
        }
        transpose(work, outAt, y, yi, 0, g.outC(), relu, pool);
    }

    /**
     * Copies the CHW image at {@code x[xi..]} to {@code [hp][wp][cp]} at {@code xp[at..]}: zero
     * border (the padding, then up to whole tiles) and zero channels up to whole lane blocks.
     */
    private void pad(float[] x, int xi, float[] xp, int at) {
        int inH = g.inH(), inW = g.inW(), p = g.pad(), hw = inH * inW, row = wp * cp;
        // Only the border is zeroed here (the rows above and below, each row's ends); the copy zeroes the padding channels.
        Arrays.fill(xp, at, at + p * row, 0f);
        Arrays.fill(xp, at + (p + inH) * row, at + imageFloats, 0f);
        for (int iy = 0; iy < inH; iy++) {
            int r = at + (iy + p) * row;
            Arrays.fill(xp, r, r + p * cp, 0f);
            Arrays.fill(xp, r + (p + inW) * cp, r + row, 0f);
            for (int ix = 0; ix < inW; ix++) {
                int dst = r + (ix + p) * cp, src = xi + iy * inW + ix, c = 0;
                if (GATHER) {
                    for (; c + L <= inC; c += L) FloatVector.fromArray(S, x, src + c * hw, channelOffsets, 0).intoArray(xp, dst + c);
                }
                for (; c < inC; c++) xp[dst + c] = x[src + c * hw];
                for (; c < cp; c++) xp[dst + c] = 0f;
            }
        }
    }

    /**
     * Tiles {@code [t0, t1)} of the image copied at {@code imgAt} ({@code t0} a multiple of
     * {@link #TILES}; the count rounded up by repeating the last tile): input transform, the 16
     * products, output transform into the channel-last output copy at {@code outAt}.
     */
    private void tileBlock(float[] work, int imgAt, int vAt, int mAt, int outAt, int bAt, int t0, int t1, boolean relu, boolean pool) {
        int[] base = pool ? poolBase : tileBase;
        int count = t1 - t0, padded = (count + TILES - 1) / TILES * TILES;
        for (int j = 0; j < padded; j++) {
            int src = imgAt + base[t0 + j], dst = vAt + j * XI * cp;
            for (int c = 0; c < cp; c += L) inputTile(work, src + c, work, dst + c);
        }
        int groups = groupSize.length - 1, vt = XI * cp, mt = XI * ob;
        for (int gi = 0; gi < groups; gi++) {
            int k = groupBlock[gi], size = groupSize[gi], wi = groupWeight[gi], step = inC * size * L;
            for (int xi = 0; xi < XI; xi++) {
                int wk = wi + xi * step, vx = vAt + xi * cp, mx = mAt + xi * ob + k * L;
                switch (size) {
                    case 4 -> { for (int j = 0; j < padded; j += 5) gemm4x5(work, vx + j * vt, wk, work, mx + j * mt); }
                    case 3 -> { for (int j = 0; j < padded; j += 5) gemm3x5(work, vx + j * vt, wk, work, mx + j * mt); }
                    case 2 -> {
                        if (WIDE) {
                            for (int j = 0; j < padded; j += 10) gemm2x10(work, vx + j * vt, wk, work, mx + j * mt);
                        } else {
                            for (int j = 0; j < padded; j += 5) gemm2x5(work, vx + j * vt, wk, work, mx + j * mt);
                        }
                    }
                    default -> { for (int j = 0; j < padded; j += 10) gemm1x10(work, vx + j * vt, wk, work, mx + j * mt); }
                }
            }
        }
        int ow = g.outW(), oh = g.outH();
        for (int j = 0; j < count; j++) {
            int t = t0 + j, dst;
            boolean right = true, below = true;
            if (pool) {
                dst = outAt + t * ob;
            } else {
                int ty = t / tileCols, tx = t % tileCols;
                dst = outAt + (2 * ty * ow + 2 * tx) * ob;
                right = 2 * tx + 1 < ow;
                below = 2 * ty + 1 < oh;
            }
            for (int k = 0; k < blocks; k++) outputTile(work, mAt + j * mt + k * L, work, bAt + k * L, dst + k * L, right, below, relu, pool);
        }
    }

    /** {@code Bᵀ·d·B} of the 4×4 patch of L channels at {@code xp[at..]} into its 16 rows {@code V[ξ]}, {@code cp} apart, at {@code v[vt..]}. */
    private void inputTile(float[] xp, int at, float[] v, int vt) {
        int cs = cp, rs = wp * cp, vs = cp;
        // Bᵀ's rows (d0 − d2, d1 + d2, d2 − d1, d1 − d3) along each patch row, then down the columns.
        FloatVector d0 = FloatVector.fromArray(S, xp, at), d1 = FloatVector.fromArray(S, xp, at + cs);
        FloatVector d2 = FloatVector.fromArray(S, xp, at + 2 * cs), d3 = FloatVector.fromArray(S, xp, at + 3 * cs);
        FloatVector e00 = d0.sub(d2), e01 = d1.add(d2), e02 = d2.sub(d1), e03 = d1.sub(d3);
        at += rs;
        d0 = FloatVector.fromArray(S, xp, at); d1 = FloatVector.fromArray(S, xp, at + cs);
        d2 = FloatVector.fromArray(S, xp, at + 2 * cs); d3 = FloatVector.fromArray(S, xp, at + 3 * cs);
        FloatVector e10 = d0.sub(d2), e11 = d1.add(d2), e12 = d2.sub(d1), e13 = d1.sub(d3);
        at += rs;
        d0 = FloatVector.fromArray(S, xp, at); d1 = FloatVector.fromArray(S, xp, at + cs);
        d2 = FloatVector.fromArray(S, xp, at + 2 * cs); d3 = FloatVector.fromArray(S, xp, at + 3 * cs);
        FloatVector e20 = d0.sub(d2), e21 = d1.add(d2), e22 = d2.sub(d1), e23 = d1.sub(d3);
        at += rs;
        d0 = FloatVector.fromArray(S, xp, at); d1 = FloatVector.fromArray(S, xp, at + cs);
        d2 = FloatVector.fromArray(S, xp, at + 2 * cs); d3 = FloatVector.fromArray(S, xp, at + 3 * cs);
        FloatVector e30 = d0.sub(d2), e31 = d1.add(d2), e32 = d2.sub(d1), e33 = d1.sub(d3);
        e00.sub(e20).intoArray(v, vt); e01.sub(e21).intoArray(v, vt + vs);
        e02.sub(e22).intoArray(v, vt + 2 * vs); e03.sub(e23).intoArray(v, vt + 3 * vs);
        e10.add(e20).intoArray(v, vt + 4 * vs); e11.add(e21).intoArray(v, vt + 5 * vs);
        e12.add(e22).intoArray(v, vt + 6 * vs); e13.add(e23).intoArray(v, vt + 7 * vs);
        e20.sub(e10).intoArray(v, vt + 8 * vs); e21.sub(e11).intoArray(v, vt + 9 * vs);
        e22.sub(e12).intoArray(v, vt + 10 * vs); e23.sub(e13).intoArray(v, vt + 11 * vs);
        e10.sub(e30).intoArray(v, vt + 12 * vs); e11.sub(e31).intoArray(v, vt + 13 * vs);
        e12.sub(e32).intoArray(v, vt + 14 * vs); e13.sub(e33).intoArray(v, vt + 15 * vs);
    }

    /**
     * {@code Aᵀ·M·A} of one tile's L output channels at {@code m[mt..]} (its rows {@code M[ξ]} {@code ob} apart), plus
     * the bias at {@code b[bt..]}, ReLU and the 2×2 maximum when asked, into the channel-last output
     * copy at {@code m[dst..]} (the tile's right column and bottom row only where they are inside the output).
     */
    private void outputTile(float[] m, int mt, float[] b, int bt, int dst, boolean right, boolean below, boolean relu, boolean pool) {
        float[] s = m;
        int ms = ob;
        // Aᵀ's rows (m0 + m1 + m2, m1 − m2 − m3) down each column of M, then along the two rows left.
        FloatVector m0 = FloatVector.fromArray(S, m, mt), m1 = FloatVector.fromArray(S, m, mt + 4 * ms);
        FloatVector m2 = FloatVector.fromArray(S, m, mt + 8 * ms), m3 = FloatVector.fromArray(S, m, mt + 12 * ms);
        FloatVector r00 = m0.add(m1).add(m2), r10 = m1.sub(m2).sub(m3);
        mt += ms;
        m0 = FloatVector.fromArray(S, m, mt); m1 = FloatVector.fromArray(S, m, mt + 4 * ms);
        m2 = FloatVector.fromArray(S, m, mt + 8 * ms); m3 = FloatVector.fromArray(S, m, mt + 12 * ms);
        FloatVector r01 = m0.add(m1).add(m2), r11 = m1.sub(m2).sub(m3);
        mt += ms;
        m0 = FloatVector.fromArray(S, m, mt); m1 = FloatVector.fromArray(S, m, mt + 4 * ms);
        m2 = FloatVector.fromArray(S, m, mt + 8 * ms); m3 = FloatVector.fromArray(S, m, mt + 12 * ms);
        FloatVector r02 = m0.add(m1).add(m2), r12 = m1.sub(m2).sub(m3);
        mt += ms;
        m0 = FloatVector.fromArray(S, m, mt); m1 = FloatVector.fromArray(S, m, mt + 4 * ms);
        m2 = FloatVector.fromArray(S, m, mt + 8 * ms); m3 = FloatVector.fromArray(S, m, mt + 12 * ms);
        FloatVector r03 = m0.add(m1).add(m2), r13 = m1.sub(m2).sub(m3);
        FloatVector bias = FloatVector.fromArray(S, b, bt);
        FloatVector y00 = r00.add(r01).add(r02).add(bias), y01 = r01.sub(r02).sub(r03).add(bias);
        FloatVector y10 = r10.add(r11).add(r12).add(bias), y11 = r11.sub(r12).sub(r13).add(bias);
        if (pool) {
            FloatVector p;
            if (FLOAT_MAX) {
                p = y00.max(y01).max(y10.max(y11));
                if (relu) p = p.max(0f);
            } else {
                // VectorMax.max written out (C2 stops inlining helpers this deep in the tile loop): the
                // bits made ordered like the floats, an integer max, mapped back. The ReLU waits for the transpose.
                IntVector k00 = y00.reinterpretAsInts(), k01 = y01.reinterpretAsInts();
                IntVector k10 = y10.reinterpretAsInts(), k11 = y11.reinterpretAsInts();
                k00 = k00.lanewise(XOR, k00.lanewise(ASHR, 31).lanewise(LSHR, 1));
                k01 = k01.lanewise(XOR, k01.lanewise(ASHR, 31).lanewise(LSHR, 1));
                k10 = k10.lanewise(XOR, k10.lanewise(ASHR, 31).lanewise(LSHR, 1));
                k11 = k11.lanewise(XOR, k11.lanewise(ASHR, 31).lanewise(LSHR, 1));
                IntVector k = k00.max(k01).max(k10.max(k11));
                p = k.lanewise(XOR, k.lanewise(ASHR, 31).lanewise(LSHR, 1)).reinterpretAsFloats();
            }
            p.intoArray(s, dst);
            return;
        }
        if (relu && FLOAT_MAX) { // else in the transpose
            y00 = y00.max(0f); y01 = y01.max(0f); y10 = y10.max(0f); y11 = y11.max(0f);
        }
        int row = g.outW() * ob;
        y00.intoArray(s, dst);
        if (right) y01.intoArray(s, dst + ob);
        if (below) {
            y10.intoArray(s, dst + row);
            if (right) y11.intoArray(s, dst + row + ob);
        }
    }

    /**
     * Channels {@code [o0, o1)} of the channel-last output copy at {@code s[at..]} to their NCHW
     * planes at {@code y[yi..]}; the ReLU here where float max is no instruction (see {@link #outputTile}).
     */
    private void transpose(float[] s, int at, float[] y, int yi, int o0, int o1, boolean relu, boolean pool) {
        int count = pool ? poolRows * poolCols : g.outH() * g.outW();
        for (int o = o0; o < o1; o++) {
            int dst = yi + o * count, src = at + o, p = 0;
            if (GATHER) {
                for (; p + L <= count; p += L, src += L * ob) FloatVector.fromArray(S, s, src, pixelOffsets, 0).intoArray(y, dst + p);
            }
            for (; p < count; p++, src += ob) y[dst + p] = s[src];
        }
        if (relu && !FLOAT_MAX) VectorMax.relu(y, yi + o0 * count, (o1 - o0) * count);
    }

    /** Four channel blocks × 5 tiles: per input channel 4 weight loads and 5 broadcasts feed 20 FMAs. */
    private void gemm4x5(float[] v, int vAt, int wk, float[] m, int mAt) {
        int cs = XI * cp, ms = XI * ob, len = inC;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a02 = FloatVector.zero(S);
        FloatVector a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a12 = FloatVector.zero(S);
        FloatVector a13 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a22 = FloatVector.zero(S);
        FloatVector a23 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a32 = FloatVector.zero(S);
        FloatVector a33 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a41 = FloatVector.zero(S);
        FloatVector a42 = FloatVector.zero(S);
        FloatVector a43 = FloatVector.zero(S);
        int x0 = vAt;
        int x1 = vAt + 1 * cs;
        int x2 = vAt + 2 * cs;
        int x3 = vAt + 3 * cs;
        int x4 = vAt + 4 * cs;
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (4 * L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wc + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wc + 3 * L);
            FloatVector e = FloatVector.broadcast(S, v[x0 + u]);
            a00 = FMA ? w0.fma(e, a00) : w0.mul(e).add(a00);
            a01 = FMA ? w1.fma(e, a01) : w1.mul(e).add(a01);
            a02 = FMA ? w2.fma(e, a02) : w2.mul(e).add(a02);
            a03 = FMA ? w3.fma(e, a03) : w3.mul(e).add(a03);
            e = FloatVector.broadcast(S, v[x1 + u]);
            a10 = FMA ? w0.fma(e, a10) : w0.mul(e).add(a10);
            a11 = FMA ? w1.fma(e, a11) : w1.mul(e).add(a11);
            a12 = FMA ? w2.fma(e, a12) : w2.mul(e).add(a12);
            a13 = FMA ? w3.fma(e, a13) : w3.mul(e).add(a13);
            e = FloatVector.broadcast(S, v[x2 + u]);
            a20 = FMA ? w0.fma(e, a20) : w0.mul(e).add(a20);
            a21 = FMA ? w1.fma(e, a21) : w1.mul(e).add(a21);
            a22 = FMA ? w2.fma(e, a22) : w2.mul(e).add(a22);
            a23 = FMA ? w3.fma(e, a23) : w3.mul(e).add(a23);
            e = FloatVector.broadcast(S, v[x3 + u]);
            a30 = FMA ? w0.fma(e, a30) : w0.mul(e).add(a30);
            a31 = FMA ? w1.fma(e, a31) : w1.mul(e).add(a31);
            a32 = FMA ? w2.fma(e, a32) : w2.mul(e).add(a32);
            a33 = FMA ? w3.fma(e, a33) : w3.mul(e).add(a33);
            e = FloatVector.broadcast(S, v[x4 + u]);
            a40 = FMA ? w0.fma(e, a40) : w0.mul(e).add(a40);
            a41 = FMA ? w1.fma(e, a41) : w1.mul(e).add(a41);
            a42 = FMA ? w2.fma(e, a42) : w2.mul(e).add(a42);
            a43 = FMA ? w3.fma(e, a43) : w3.mul(e).add(a43);
        }
        a00.intoArray(m, mAt); a01.intoArray(m, mAt + L); a02.intoArray(m, mAt + 2 * L); a03.intoArray(m, mAt + 3 * L);
        a10.intoArray(m, mAt + 1 * ms); a11.intoArray(m, mAt + 1 * ms + L); a12.intoArray(m, mAt + 1 * ms + 2 * L); a13.intoArray(m, mAt + 1 * ms + 3 * L);
        a20.intoArray(m, mAt + 2 * ms); a21.intoArray(m, mAt + 2 * ms + L); a22.intoArray(m, mAt + 2 * ms + 2 * L); a23.intoArray(m, mAt + 2 * ms + 3 * L);
        a30.intoArray(m, mAt + 3 * ms); a31.intoArray(m, mAt + 3 * ms + L); a32.intoArray(m, mAt + 3 * ms + 2 * L); a33.intoArray(m, mAt + 3 * ms + 3 * L);
        a40.intoArray(m, mAt + 4 * ms); a41.intoArray(m, mAt + 4 * ms + L); a42.intoArray(m, mAt + 4 * ms + 2 * L); a43.intoArray(m, mAt + 4 * ms + 3 * L);
    }

    /** Three channel blocks × 5 tiles: per input channel 3 weight loads and 5 broadcasts feed 15 FMAs. */
    private void gemm3x5(float[] v, int vAt, int wk, float[] m, int mAt) {
        int cs = XI * cp, ms = XI * ob, len = inC;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a02 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a12 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a22 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a32 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a41 = FloatVector.zero(S);
        FloatVector a42 = FloatVector.zero(S);
        int x0 = vAt;
        int x1 = vAt + 1 * cs;
        int x2 = vAt + 2 * cs;
        int x3 = vAt + 3 * cs;
        int x4 = vAt + 4 * cs;
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (3 * L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wc + 2 * L);
            FloatVector e = FloatVector.broadcast(S, v[x0 + u]);
            a00 = FMA ? w0.fma(e, a00) : w0.mul(e).add(a00);
            a01 = FMA ? w1.fma(e, a01) : w1.mul(e).add(a01);
            a02 = FMA ? w2.fma(e, a02) : w2.mul(e).add(a02);
            e = FloatVector.broadcast(S, v[x1 + u]);
            a10 = FMA ? w0.fma(e, a10) : w0.mul(e).add(a10);
            a11 = FMA ? w1.fma(e, a11) : w1.mul(e).add(a11);
            a12 = FMA ? w2.fma(e, a12) : w2.mul(e).add(a12);
            e = FloatVector.broadcast(S, v[x2 + u]);
            a20 = FMA ? w0.fma(e, a20) : w0.mul(e).add(a20);
            a21 = FMA ? w1.fma(e, a21) : w1.mul(e).add(a21);
            a22 = FMA ? w2.fma(e, a22) : w2.mul(e).add(a22);
            e = FloatVector.broadcast(S, v[x3 + u]);
            a30 = FMA ? w0.fma(e, a30) : w0.mul(e).add(a30);
            a31 = FMA ? w1.fma(e, a31) : w1.mul(e).add(a31);
            a32 = FMA ? w2.fma(e, a32) : w2.mul(e).add(a32);
            e = FloatVector.broadcast(S, v[x4 + u]);
            a40 = FMA ? w0.fma(e, a40) : w0.mul(e).add(a40);
            a41 = FMA ? w1.fma(e, a41) : w1.mul(e).add(a41);
            a42 = FMA ? w2.fma(e, a42) : w2.mul(e).add(a42);
        }
        a00.intoArray(m, mAt); a01.intoArray(m, mAt + L); a02.intoArray(m, mAt + 2 * L);
        a10.intoArray(m, mAt + 1 * ms); a11.intoArray(m, mAt + 1 * ms + L); a12.intoArray(m, mAt + 1 * ms + 2 * L);
        a20.intoArray(m, mAt + 2 * ms); a21.intoArray(m, mAt + 2 * ms + L); a22.intoArray(m, mAt + 2 * ms + 2 * L);
        a30.intoArray(m, mAt + 3 * ms); a31.intoArray(m, mAt + 3 * ms + L); a32.intoArray(m, mAt + 3 * ms + 2 * L);
        a40.intoArray(m, mAt + 4 * ms); a41.intoArray(m, mAt + 4 * ms + L); a42.intoArray(m, mAt + 4 * ms + 2 * L);
    }

    /** Two channel blocks × 10 tiles: per input channel 2 weight loads and 10 broadcasts feed 20 FMAs. */
    private void gemm2x10(float[] v, int vAt, int wk, float[] m, int mAt) {
        int cs = XI * cp, ms = XI * ob, len = inC;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a41 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S);
        FloatVector a51 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S);
        FloatVector a61 = FloatVector.zero(S);
        FloatVector a70 = FloatVector.zero(S);
        FloatVector a71 = FloatVector.zero(S);
        FloatVector a80 = FloatVector.zero(S);
        FloatVector a81 = FloatVector.zero(S);
        FloatVector a90 = FloatVector.zero(S);
        FloatVector a91 = FloatVector.zero(S);
        int x0 = vAt;
        int x1 = vAt + 1 * cs;
        int x2 = vAt + 2 * cs;
        int x3 = vAt + 3 * cs;
        int x4 = vAt + 4 * cs;
        int x5 = vAt + 5 * cs;
        int x6 = vAt + 6 * cs;
        int x7 = vAt + 7 * cs;
        int x8 = vAt + 8 * cs;
        int x9 = vAt + 9 * cs;
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (2 * L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector e = FloatVector.broadcast(S, v[x0 + u]);
            a00 = FMA ? w0.fma(e, a00) : w0.mul(e).add(a00);
            a01 = FMA ? w1.fma(e, a01) : w1.mul(e).add(a01);
            e = FloatVector.broadcast(S, v[x1 + u]);
            a10 = FMA ? w0.fma(e, a10) : w0.mul(e).add(a10);
            a11 = FMA ? w1.fma(e, a11) : w1.mul(e).add(a11);
            e = FloatVector.broadcast(S, v[x2 + u]);
            a20 = FMA ? w0.fma(e, a20) : w0.mul(e).add(a20);
            a21 = FMA ? w1.fma(e, a21) : w1.mul(e).add(a21);
            e = FloatVector.broadcast(S, v[x3 + u]);
            a30 = FMA ? w0.fma(e, a30) : w0.mul(e).add(a30);
            a31 = FMA ? w1.fma(e, a31) : w1.mul(e).add(a31);
            e = FloatVector.broadcast(S, v[x4 + u]);
            a40 = FMA ? w0.fma(e, a40) : w0.mul(e).add(a40);
            a41 = FMA ? w1.fma(e, a41) : w1.mul(e).add(a41);
            e = FloatVector.broadcast(S, v[x5 + u]);
            a50 = FMA ? w0.fma(e, a50) : w0.mul(e).add(a50);
            a51 = FMA ? w1.fma(e, a51) : w1.mul(e).add(a51);
            e = FloatVector.broadcast(S, v[x6 + u]);
            a60 = FMA ? w0.fma(e, a60) : w0.mul(e).add(a60);
            a61 = FMA ? w1.fma(e, a61) : w1.mul(e).add(a61);
            e = FloatVector.broadcast(S, v[x7 + u]);
            a70 = FMA ? w0.fma(e, a70) : w0.mul(e).add(a70);
            a71 = FMA ? w1.fma(e, a71) : w1.mul(e).add(a71);
            e = FloatVector.broadcast(S, v[x8 + u]);
            a80 = FMA ? w0.fma(e, a80) : w0.mul(e).add(a80);
            a81 = FMA ? w1.fma(e, a81) : w1.mul(e).add(a81);
            e = FloatVector.broadcast(S, v[x9 + u]);
            a90 = FMA ? w0.fma(e, a90) : w0.mul(e).add(a90);
            a91 = FMA ? w1.fma(e, a91) : w1.mul(e).add(a91);
        }
        a00.intoArray(m, mAt); a01.intoArray(m, mAt + L);
        a10.intoArray(m, mAt + 1 * ms); a11.intoArray(m, mAt + 1 * ms + L);
        a20.intoArray(m, mAt + 2 * ms); a21.intoArray(m, mAt + 2 * ms + L);
        a30.intoArray(m, mAt + 3 * ms); a31.intoArray(m, mAt + 3 * ms + L);
        a40.intoArray(m, mAt + 4 * ms); a41.intoArray(m, mAt + 4 * ms + L);
        a50.intoArray(m, mAt + 5 * ms); a51.intoArray(m, mAt + 5 * ms + L);
        a60.intoArray(m, mAt + 6 * ms); a61.intoArray(m, mAt + 6 * ms + L);
        a70.intoArray(m, mAt + 7 * ms); a71.intoArray(m, mAt + 7 * ms + L);
        a80.intoArray(m, mAt + 8 * ms); a81.intoArray(m, mAt + 8 * ms + L);
        a90.intoArray(m, mAt + 9 * ms); a91.intoArray(m, mAt + 9 * ms + L);
    }

    /** Two channel blocks × 5 tiles: per input channel 2 weight loads and 5 broadcasts feed 10 FMAs. */
    private void gemm2x5(float[] v, int vAt, int wk, float[] m, int mAt) {
        int cs = XI * cp, ms = XI * ob, len = inC;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a41 = FloatVector.zero(S);
        int x0 = vAt;
        int x1 = vAt + 1 * cs;
        int x2 = vAt + 2 * cs;
        int x3 = vAt + 3 * cs;
        int x4 = vAt + 4 * cs;
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * (2 * L);
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector w1 = FloatVector.fromArray(S, w, wc + L);
            FloatVector e = FloatVector.broadcast(S, v[x0 + u]);
            a00 = FMA ? w0.fma(e, a00) : w0.mul(e).add(a00);
            a01 = FMA ? w1.fma(e, a01) : w1.mul(e).add(a01);
            e = FloatVector.broadcast(S, v[x1 + u]);
            a10 = FMA ? w0.fma(e, a10) : w0.mul(e).add(a10);
            a11 = FMA ? w1.fma(e, a11) : w1.mul(e).add(a11);
            e = FloatVector.broadcast(S, v[x2 + u]);
            a20 = FMA ? w0.fma(e, a20) : w0.mul(e).add(a20);
            a21 = FMA ? w1.fma(e, a21) : w1.mul(e).add(a21);
            e = FloatVector.broadcast(S, v[x3 + u]);
            a30 = FMA ? w0.fma(e, a30) : w0.mul(e).add(a30);
            a31 = FMA ? w1.fma(e, a31) : w1.mul(e).add(a31);
            e = FloatVector.broadcast(S, v[x4 + u]);
            a40 = FMA ? w0.fma(e, a40) : w0.mul(e).add(a40);
            a41 = FMA ? w1.fma(e, a41) : w1.mul(e).add(a41);
        }
        a00.intoArray(m, mAt); a01.intoArray(m, mAt + L);
        a10.intoArray(m, mAt + 1 * ms); a11.intoArray(m, mAt + 1 * ms + L);
        a20.intoArray(m, mAt + 2 * ms); a21.intoArray(m, mAt + 2 * ms + L);
        a30.intoArray(m, mAt + 3 * ms); a31.intoArray(m, mAt + 3 * ms + L);
        a40.intoArray(m, mAt + 4 * ms); a41.intoArray(m, mAt + 4 * ms + L);
    }

    /** One channel block × 10 tiles: per input channel 1 weight load and 10 broadcasts feed 10 FMAs. */
    private void gemm1x10(float[] v, int vAt, int wk, float[] m, int mAt) {
        int cs = XI * cp, ms = XI * ob, len = inC;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S);
        FloatVector a70 = FloatVector.zero(S);
        FloatVector a80 = FloatVector.zero(S);
        FloatVector a90 = FloatVector.zero(S);
        int x0 = vAt;
        int x1 = vAt + 1 * cs;
        int x2 = vAt + 2 * cs;
        int x3 = vAt + 3 * cs;
        int x4 = vAt + 4 * cs;
        int x5 = vAt + 5 * cs;
        int x6 = vAt + 6 * cs;
        int x7 = vAt + 7 * cs;
        int x8 = vAt + 8 * cs;
        int x9 = vAt + 9 * cs;
        float[] w = packed;
        for (int u = 0; u < len; u++) {
            int wc = wk + u * L;
            FloatVector w0 = FloatVector.fromArray(S, w, wc);
            FloatVector e = FloatVector.broadcast(S, v[x0 + u]);
            a00 = FMA ? w0.fma(e, a00) : w0.mul(e).add(a00);
            e = FloatVector.broadcast(S, v[x1 + u]);
            a10 = FMA ? w0.fma(e, a10) : w0.mul(e).add(a10);
            e = FloatVector.broadcast(S, v[x2 + u]);
            a20 = FMA ? w0.fma(e, a20) : w0.mul(e).add(a20);
            e = FloatVector.broadcast(S, v[x3 + u]);
            a30 = FMA ? w0.fma(e, a30) : w0.mul(e).add(a30);
            e = FloatVector.broadcast(S, v[x4 + u]);
            a40 = FMA ? w0.fma(e, a40) : w0.mul(e).add(a40);
            e = FloatVector.broadcast(S, v[x5 + u]);
            a50 = FMA ? w0.fma(e, a50) : w0.mul(e).add(a50);
            e = FloatVector.broadcast(S, v[x6 + u]);
            a60 = FMA ? w0.fma(e, a60) : w0.mul(e).add(a60);
            e = FloatVector.broadcast(S, v[x7 + u]);
            a70 = FMA ? w0.fma(e, a70) : w0.mul(e).add(a70);
            e = FloatVector.broadcast(S, v[x8 + u]);
            a80 = FMA ? w0.fma(e, a80) : w0.mul(e).add(a80);
            e = FloatVector.broadcast(S, v[x9 + u]);
            a90 = FMA ? w0.fma(e, a90) : w0.mul(e).add(a90);
        }
        a00.intoArray(m, mAt);
        a10.intoArray(m, mAt + 1 * ms);
        a20.intoArray(m, mAt + 2 * ms);
        a30.intoArray(m, mAt + 3 * ms);
        a40.intoArray(m, mAt + 4 * ms);
        a50.intoArray(m, mAt + 5 * ms);
        a60.intoArray(m, mAt + 6 * ms);
        a70.intoArray(m, mAt + 7 * ms);
        a80.intoArray(m, mAt + 8 * ms);
        a90.intoArray(m, mAt + 9 * ms);
    }

}
