package dev.secateur.tensor.sparse;

import dev.secateur.tensor.ops.LaneStores;
import dev.secateur.tensor.ops.PooledRow;
import dev.secateur.tensor.platform.VectorPlatform;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.ops.DirectConvArguments;
import dev.secateur.tensor.ops.PaddedImage;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution with a pruned weight, computed directly on the (zero-padded) CHW image: no
 * im2col. Each kept weight {@code w[o, c, i, j]} adds {@code w · x[c, oy + i, ox + j]} to every
 * output pixel of filter {@code o} (stride 1). With the image padded to {@code Hp×Wp} and the
 * output indexed in the padded width ({@code p = oy·Wp + ox}), that input is
 * {@code xp[c·Hp·Wp + i·Wp + j + p]}: one fixed offset per kept weight, the same for every pixel.
 * So a filter's output plane is a sum of shifted contiguous slices of the padded image, one
 * broadcast-FMA per kept weight and vector of 16 pixels, four vectors (64 pixels) in registers
 * at a time. The {@code Wp − outW} extra columns per row are computed and dropped (the price of
 * contiguity: 2/34 of the work for a 32×32 3×3 layer, 4/14 for LeNet-5's C3).
 *
 * <p>Stride {@code s > 1} becomes stride 1 by splitting each padded channel into its {@code s²}
 * phases (rows ≡ a, columns ≡ b mod s), each {@code ⌈Hp/s⌉×⌈Wp/s⌉}: tap (c, i, j) reads phase
 * (i mod s, j mod s) of channel c at offset {@code (i/s, j/s)}, so the kernel loop is unchanged.
 *
 * <p>A 2×2 stride-2 max pooling that follows can be fused ({@code pool}). When a pooled row's
 * windows span at most two vectors per conv row (outputs up to 2·L wide), each pair of conv rows
 * is computed in registers and pooled, biased and clamped there: no output plane is written at all
 * (on small layers such as LeNet-5's, the planes' stores and reloads cost more than the products).
 * Wider layers pool each output plane as it leaves the scratch; either way the full-size output
 * never reaches memory.
 *
 * <p>Storage is CSR over filters: for each kept weight its value and its input offset (8 bytes).
 * Work per call is proportional to the kept weights times the output plane, so the speed-up over
 * the dense im2col + GEMM approaches 1/density until the broadcast and the loads (one per FMA)
 * dominate. Threads split the images (when there are at least as many as threads) or the filters
 * (balanced by kept weights); either way results do not depend on the thread count.
 */
public final class DirectSparseConv {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Pixel vectors accumulated in registers per pass over a filter's kept weights. */
    private static final int BLOCK = 4;
    private static final VectorShuffle<Float> EVEN = PooledRow.EVEN, ODD = PooledRow.ODD;

    private final ConvGeometry g;
    private final PaddedImage image;
    /** Stride and the phase planes: {@code hq×wq = ⌈Hp/s⌉×⌈Wp/s⌉} floats each. */
    private final int stride, wq, plane;
    /** Output plane in phase-width pixels ({@code outH·wq}), rounded up to whole vectors. */
    private final int pixelsPadded;
    /** Floats of one padded image including the read slack of the last vectors. */
    private final int paddedFloats;
    /** Vectors per conv row when a pooled output is computed in registers (1 or 2), else 0. */
    private final int poolVectors;
    /**
     * The lanes of a pooled row in registers: the first {@code pw} lanes, and lanes
     * {@code L/2 .. L/2 + pw} (the second row of a narrow pair). Made once: a mask for a range that
     * starts below lane 0 is built by library code that C2 does not always compile into vector
     * instructions, at a cost per call larger than the row's arithmetic.
     */
    private final VectorMask<Float> pooledLow, pooledHigh;
    private final int[] ptr, offsets;
    private final float[] values;
    private final long nonZeros;
    private final Partition partition;

    private DirectSparseConv(ConvGeometry g, int[] ptr, int[] offsets, float[] values) {
        this.g = g;
        this.image = new PaddedImage(g, L);
        this.stride = g.stride();
        this.wq = image.rowStride();
        this.plane = (g.inH() + 2 * g.pad() + stride - 1) / stride * wq;
        this.pixelsPadded = (g.outH() * wq + L - 1) / L * L;
        // Reads end before inC·s²·plane + kW + L: the last tap row of the last output row is phase row hq − 1.
        this.paddedFloats = image.floats();
        this.poolVectors = PooledRow.vectorsPerRow(g);
        this.pooledLow = S.indexInRange(0, g.outW() / 2);
        this.pooledHigh = S.indexInRange(-L / 2, g.outW() / 2);
        this.ptr = ptr;
        this.offsets = offsets;
        this.values = values;
        this.nonZeros = values.length;
        long vectors = pixelsPadded / L;
        long[] work = new long[g.outC()];
        for (int o = 0; o < work.length; o++) work[o] = (ptr[o + 1] - ptr[o] + 1) * vectors;
        this.partition = Partition.of(work);
    }

    /** Over the non-zero entries of the {@code [outC, inC·kH·kW]} weight. */
    public static DirectSparseConv from(ConvGeometry g, float[] weight) {
        return from(g, weight, null);
    }

    /** Over the entries of the {@code [outC, inC·kH·kW]} weight where {@code mask} is true (null: the non-zeros). */
    public static DirectSparseConv from(ConvGeometry g, float[] weight, boolean[] mask) {
        if (g == null) throw new IllegalArgumentException("direct conv: geometry is null");
        int rows = g.outC(), cols = g.colRows();
        WeightSource src = WeightSource.of("direct conv " + g, weight, rows, cols, mask);
        PaddedImage image = new PaddedImage(g, L);
        int taps = g.kH() * g.kW();
        int[] ptr = new int[rows + 1];
        for (int o = 0; o < rows; o++) {
            int n = 0;
            for (int c = 0; c < cols; c++) if (src.kept(o, c)) n++;
            ptr[o + 1] = ptr[o] + n;
        }
        int[] offsets = new int[ptr[rows]];
        float[] values = new float[ptr[rows]];
        for (int o = 0, e = 0; o < rows; o++) {
            for (int c = 0; c < cols; c++) {
                if (!src.kept(o, c)) continue;
                int ch = c / taps, i = (c / g.kW()) % g.kH(), j = c % g.kW();
                offsets[e] = image.offset(ch, i, j);
                values[e++] = weight[o * cols + c];
            }
        }
        return new DirectSparseConv(g, ptr, offsets, values);
    }

    public ConvGeometry geometry() { return g; }

    public long nonZeros() { return nonZeros; }

    /** Output floats per image: {@code outC·outH·outW}, or {@code outC·⌊outH/2⌋·⌊outW/2⌋} pooled. */
    public int outputSize(boolean pool) {
        return pool ? g.outC() * (g.outH() / 2) * (g.outW() / 2) : g.outputSize();
    }

    /** Bytes of the stored weight: value + offset per kept weight, one pointer per filter. */
    public long byteSize() { return 8L * nonZeros + 4L * ptr.length; }

    /** The {@code [outC, inC·kH·kW]} weight with zeros where nothing is kept. */
    public float[] toDense() {
        int cols = g.colRows(), taps = g.kH() * g.kW();
        float[] d = new float[g.outC() * cols];
        for (int o = 0; o < g.outC(); o++) {
            for (int e = ptr[o]; e < ptr[o + 1]; e++) {
                int phase = offsets[e] / plane, rem = offsets[e] % plane;
                int ch = phase / (stride * stride), i = rem / wq * stride + phase / stride % stride, j = rem % wq * stride + phase % stride;
                d[o * cols + ch * taps + i * g.kW() + j] = values[e];
            }
        }
        return d;
    }

    /** Floats of workspace {@link #forward} needs when run on {@code threads} threads. */
    public int workspaceFloats(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        return Math.multiplyExact(threads, slotFloats());
    }

    /**
     * {@code y = act(conv(x, W) + b)} for {@code n} CHW images stored one after another
     * ({@code x}: {@code n·inC·inH·inW} floats, {@code y}: {@code n·outC·outH·outW}).
     *
     * @param bias   {@code outC} biases, or null
     * @param work   at least {@link #workspaceFloats workspaceFloats(workers.threads())} floats from {@code workOff}
     */
    public void forward(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu,
                        float[] work, int workOff) {
        forward(workers, x, xOff, n, y, yOff, bias, relu, false, work, workOff);
    }

    /**
     * {@code y = pool(act(conv(x, W) + b))}: as {@link #forward(Workers, float[], int, int, float[], int, float[], boolean, float[], int)},
     * followed by a 2×2 stride-2 max pooling when {@code pool} (output {@link #outputSize(boolean) outputSize(true)} per image).
     */
    public void forward(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, boolean pool,
                        float[] work, int workOff) {
        DirectConvArguments.check(g, workers, x, xOff, n, y, yOff, outputSize(pool), bias, work, workOff,
                workers == null ? 0 : workspaceFloats(workers.threads()));
        if (n == 0) return;
        int threads = Math.min(workers.threads(), Math.max(n, g.outC()));
        int slot = slotFloats();
        int in = g.inputSize(), out = outputSize(pool);
        if (threads <= 1) {
            for (int i = 0; i < n; i++) {
                image.pad(x, xOff + i * in, work, workOff);
                filters(work, workOff, workOff + paddedFloats, 0, g.outC(), y, yOff + i * out, bias, relu, pool);
            }
        } else if (n >= threads) {
            // Whole images per thread: each pads into its own slot of the workspace.
            workers.forEach(threads, t -> {
                int base = workOff + t * slot;
                for (int i = t; i < n; i += threads) {
                    image.pad(x, xOff + i * in, work, base);
                    filters(work, base, base + paddedFloats, 0, g.outC(), y, yOff + i * out, bias, relu, pool);
                }
            });
        } else {
            // Fewer images than threads: pad once, split the filters (balanced by kept weights).
            int[] bounds = partition.bounds(threads);
            for (int i = 0; i < n; i++) {
                image.pad(x, xOff + i * in, work, workOff);
                int yi = yOff + i * out;
                // The filter ranges are disjoint, so the threads share slot 0's output planes too.
                workers.forEach(threads, t -> filters(work, workOff, workOff + paddedFloats, bounds[t], bounds[t + 1], y, yi, bias, relu, pool));
            }
        }
    }

    /** One image's padded copy, every filter's output plane (in padded-width pixels) and the pooled store's read slack. */
    private int slotFloats() {
        return Math.addExact(paddedFloats, Math.addExact(Math.multiplyExact(g.outC(), pixelsPadded), 2 * L));
    }

    /**
     * Filters {@code [o0, o1)} of one padded image at {@code xBase} into {@code y}, through the
     * output planes at {@code s} (filter o's at {@code s + o·pixelsPadded}). Pixel blocks are the
     * outer loop: the input rows one block reads (in every channel) stay in L1 while all the
     * filters use them, instead of streaming the whole image from L2 once per filter.
     */
    private void filters(float[] work, int xBase, int s, int o0, int o1, float[] y, int yOff, float[] bias, boolean relu, boolean pool) {
        if (pool && poolVectors > 0) {
            pooledInRegisters(work, xBase, o0, o1, y, yOff, bias, relu);
            return;
        }
        int p = 0;
        for (; p + BLOCK * L <= pixelsPadded; p += BLOCK * L) {
            for (int o = o0; o < o1; o++) block(work, xBase + p, ptr[o], ptr[o + 1], s + o * pixelsPadded + p);
        }
        for (; p < pixelsPadded; p += L) {
            for (int o = o0; o < o1; o++) single(work, xBase + p, ptr[o], ptr[o + 1], s + o * pixelsPadded + p);
        }
        for (int o = o0; o < o1; o++) {
            float b = bias == null ? 0f : bias[o];
            if (pool) storePooled(o, work, s + o * pixelsPadded, y, yOff, b, relu);
            else store(o, work, s + o * pixelsPadded, y, yOff, b, relu);
        }
    }

    /**
     * Filters {@code [o0, o1)} pooled in registers: per pooled row, the two conv rows it covers
     * (two vectors each), or with one vector per conv row two pooled rows at a time.
     */
    private void pooledInRegisters(float[] xp, int xBase, int o0, int o1, float[] y, int yOff, float[] bias, boolean relu) {
        int ph = g.outH() / 2, pw = g.outW() / 2;
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int o = o0; o < o1; o++) {
            float b = bias == null ? 0f : bias[o];
            int j0 = ptr[o], j1 = ptr[o + 1], dst = yOff + o * ph * pw;
            if (poolVectors == 2) {
                for (int py = 0; py < ph; py++) pooledRowWide(xp, xBase + 2 * py * wq, j0, j1, b, lo, y, dst + py * pw, pw);
            } else {
                int py = 0;
                for (; py + 1 < ph; py += 2) pooledRowsNarrow(xp, xBase + 2 * py * wq, 2 * wq, j0, j1, b, lo, y, dst + py * pw, pw, true);
                // An odd last row: the second pair reads the first pair's rows again and is not stored.
                if (py < ph) pooledRowsNarrow(xp, xBase + 2 * py * wq, 0, j0, j1, b, lo, y, dst + py * pw, pw, false);
            }
        }
    }

    /** One pooled row of {@code pw ≤ L} windows from conv rows at {@code at} and {@code at + wq}, two vectors each. */
    private void pooledRowWide(float[] xp, int at, int j0, int j1, float b, float lo, float[] y, int dst, int pw) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int below = wq;
        for (int j = j0; j < j1; j++) {
            int i = at + offsets[j];
            FloatVector w = FloatVector.broadcast(S, values[j]);
            a0 = (FMA ? FloatVector.fromArray(S, xp, i).fma(w, a0) : FloatVector.fromArray(S, xp, i).mul(w).add(a0));
            FloatVector a1a = FloatVector.fromArray(S, xp, i + L);
            a1 = FMA ? a1a.fma(w, a1) : a1a.mul(w).add(a1);
            FloatVector a2a = FloatVector.fromArray(S, xp, i + below);
            a2 = FMA ? a2a.fma(w, a2) : a2a.mul(w).add(a2);
            FloatVector a3a = FloatVector.fromArray(S, xp, i + below + L);
            a3 = FMA ? a3a.fma(w, a3) : a3a.mul(w).add(a3);
        }
        FloatVector left = a0.max(a2), right = a1.max(a3);
        FloatVector v = left.rearrange(EVEN, right).max(left.rearrange(ODD, right)).add(b).max(lo);
        if (LaneStores.masked(y, dst)) v.intoArray(y, dst, pooledLow);
        else for (int i = 0; i < pw; i++) y[dst + i] = v.lane(i);
    }

    /**
     * Pooled rows {@code py} and {@code py + 1} of {@code pw ≤ L/2} windows each, from one vector of
     * each of the four conv rows at {@code at}, {@code at + wq}, {@code at + next}, {@code at + next + wq}:
     * the even / odd split of the two rows' vertical maxima puts row py's windows in the low half of
     * the lanes and row py + 1's in the high half.
     */
    private void pooledRowsNarrow(float[] xp, int at, int next, int j0, int j1, float b, float lo, float[] y, int dst, int pw,
                                  boolean both) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int below = wq;
        for (int j = j0; j < j1; j++) {
            int i = at + offsets[j];
            FloatVector w = FloatVector.broadcast(S, values[j]);
            a0 = (FMA ? FloatVector.fromArray(S, xp, i).fma(w, a0) : FloatVector.fromArray(S, xp, i).mul(w).add(a0));
            FloatVector a1a = FloatVector.fromArray(S, xp, i + below);
            a1 = FMA ? a1a.fma(w, a1) : a1a.mul(w).add(a1);
            FloatVector a2a = FloatVector.fromArray(S, xp, i + next);
            a2 = FMA ? a2a.fma(w, a2) : a2a.mul(w).add(a2);
            FloatVector a3a = FloatVector.fromArray(S, xp, i + next + below);
            a3 = FMA ? a3a.fma(w, a3) : a3a.mul(w).add(a3);
        }
        FloatVector first = a0.max(a1), second = a2.max(a3);
        FloatVector v = first.rearrange(EVEN, second).max(first.rearrange(ODD, second)).add(b).max(lo);
        if (LaneStores.masked(y, dst)) v.intoArray(y, dst, pooledLow);
        else for (int i = 0; i < pw; i++) y[dst + i] = v.lane(i);
        // Lanes L/2 .. L/2 + pw − 1 land at dst + pw onwards.
        if (!both) return;
        int high = dst + pw - L / 2;
        if (LaneStores.masked(y, high)) v.intoArray(y, high, pooledHigh);
        else for (int i = L / 2; i < L / 2 + pw; i++) y[high + i] = v.lane(i);
    }

    /** Four pixel vectors from {@code at}: one broadcast and four load-FMAs per kept weight. */
    private void block(float[] xp, int at, int j0, int j1, int sAt) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int j = j0; j < j1; j++) {
            int i = at + offsets[j];
            FloatVector w = FloatVector.broadcast(S, values[j]);
            a0 = (FMA ? FloatVector.fromArray(S, xp, i).fma(w, a0) : FloatVector.fromArray(S, xp, i).mul(w).add(a0));
            FloatVector a1a = FloatVector.fromArray(S, xp, i + L);
            a1 = FMA ? a1a.fma(w, a1) : a1a.mul(w).add(a1);
            FloatVector a2a = FloatVector.fromArray(S, xp, i + 2 * L);
            a2 = FMA ? a2a.fma(w, a2) : a2a.mul(w).add(a2);
            FloatVector a3a = FloatVector.fromArray(S, xp, i + 3 * L);
            a3 = FMA ? a3a.fma(w, a3) : a3a.mul(w).add(a3);
        }
        a0.intoArray(xp, sAt);
        a1.intoArray(xp, sAt + L);
        a2.intoArray(xp, sAt + 2 * L);
        a3.intoArray(xp, sAt + 3 * L);
    }

    private void single(float[] xp, int at, int j0, int j1, int sAt) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int j = j0;
        // Two chains: one alone would wait on the FMA latency every kept weight.
        for (; j + 1 < j1; j += 2) {
            FloatVector a0a = FloatVector.fromArray(S, xp, at + offsets[j]);
            FloatVector a0b = FloatVector.broadcast(S, values[j]);
            a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
            FloatVector a1a = FloatVector.fromArray(S, xp, at + offsets[j + 1]);
            FloatVector a1b = FloatVector.broadcast(S, values[j + 1]);
            a1 = FMA ? a1a.fma(a1b, a1) : a1a.mul(a1b).add(a1);
        }
        if (j < j1) a0 = (FMA ? FloatVector.fromArray(S, xp, at + offsets[j]).fma(FloatVector.broadcast(S, values[j]), a0) : FloatVector.fromArray(S, xp, at + offsets[j]).mul(FloatVector.broadcast(S, values[j])).add(a0));
        a0.add(a1).intoArray(xp, sAt);
    }

    /** Drops the {@code wq − outW} extra columns of each row while adding the bias and applying ReLU. */
    private void store(int o, float[] s, int sAt, float[] y, int yOff, float b, boolean relu) {
        int outH = g.outH(), outW = g.outW();
        int dst = yOff + o * outH * outW;
        for (int oy = 0; oy < outH; oy++, dst += outW) {
            int src = sAt + oy * wq, ox = 0;
            for (; ox + L <= outW; ox += L) Epilogue.store(FloatVector.fromArray(S, s, src + ox), b, relu, y, dst + ox);
            if (ox < outW) {
                // A full load where the scratch holds the whole vector (lanes past the row are not stored).
                FloatVector v = src + ox <= s.length - L ? FloatVector.fromArray(S, s, src + ox)
                        : FloatVector.fromArray(S, s, src + ox, S.indexInRange(ox, outW));
                Epilogue.storeFirst(v, b, relu, y, dst + ox, outW - ox);
            }
        }
    }

    /**
     * Filter {@code o}'s plane 2×2 max-pooled, biased and clamped. With permutes: the two rows'
     * maxima of 2·L columns, split into even and odd columns, give L windows per step (reads past
     * the plane land in the next plane or the slot's slack and only feed lanes that are not stored).
     */
    private void storePooled(int o, float[] s, int sAt, float[] y, int yOff, float b, boolean relu) {
        int ph = g.outH() / 2, pw = g.outW() / 2;
        int dst = yOff + o * ph * pw;
        for (int py = 0; py < ph; py++, dst += pw) {
            int r0 = sAt + 2 * py * wq, r1 = r0 + wq;
            if (PooledRow.VECTOR) {
                PooledRow.store(s, r0, r1, pw, b, relu, y, dst);
                continue;
            }
            for (int px = 0; px < pw; px++) {
                float v = Math.max(Math.max(s[r0 + 2 * px], s[r0 + 2 * px + 1]), Math.max(s[r1 + 2 * px], s[r1 + 2 * px + 1])) + b;
                y[dst + px] = relu ? Math.max(v, 0f) : v;
            }
        }
    }
}
