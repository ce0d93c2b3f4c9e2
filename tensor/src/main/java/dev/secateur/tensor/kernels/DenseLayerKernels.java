package dev.secateur.tensor.kernels;

import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of a fully connected layer, {@code y[m, n] = act(W·x + b)} with the output
 * feature-major ({@code y[f·n + s]}), on weights packed once when the layer is built, with bias
 * and ReLU applied as each result is stored and nothing packed per call but one interleaved copy of
 * the activations where they arrive sample-major:
 * <ul>
 *   <li>{@link #gemv} (one sample): each {@link FeaturePanels} panel streamed once against
 *       broadcast inputs, one load per vector multiply-add, four panels at a time where there are
 *       four (four weight streams), with two or four independent sums per output vector;</li>
 *   <li>{@link #sampleMajor} (samples one after another, {@code x[s·k + c]}, as the input of a
 *       model arrives): 8 samples × one panel (two vectors of outputs: 16 accumulators) per
 *       tile, in K blocks (the SGEMM's depth) whose panel block stays in cache while all samples
 *       pass it; each block of the samples is interleaved once (8 samples per input: an in-register 8×16 transpose, or
 *       gathers) so that a tile's eight broadcasts share one base address; the tile is written
 *       transposed into the feature-major y;</li>
 *   <li>{@link #featureMajor} (x already {@code [k, n]}, a previous layer's output): 8 rows of
 *       the {@link PackedWeight} panels × two vectors of samples per tile, the sample vectors loaded
 *       straight from x, every sum over the whole depth kept in registers, the results stored as
 *       they are.</li>
 * </ul>
 * The batched tiles need 32 vector registers ({@link #SUPPORTED}); batch 1 runs at every width
 * ({@link #GEMV}), four panels at a time only with 32. Work is split between threads by whole
 * panels, and each output is computed the same way whichever thread computes it.
 */
public final class DenseLayerKernels {
    private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
    private static final int L = S.length();
    /** Hardware FMA, tested inline: a vector passed to a call that C2 does not inline is boxed. */
    private static final boolean FMA = VectorPlatform.FMA;
    /**
     * Float max is an instruction: else the ReLU runs over the stored outputs ({@link VectorMax}),
     * as these bodies are too big for C2 to inline a helper that takes vectors.
     */
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    /** Outputs per full feature panel (two vectors). */
    private static final int WIDTH = FeaturePanels.WIDTH;
    /** Samples per tile of {@link #featureMajor}: two vectors. */
    public static final int COLUMNS = 2 * L;
    /** Whether the batched kernels run here: 32 vector registers (the SGEMM's 8 × 2-vector tile). */
    public static final boolean SUPPORTED = MR == 8 && SgemmMicroKernel.NR == COLUMNS;
    /**
     * Whether {@link #gemv} runs here: at every width with a vector FMA instruction (a panel needs
     * ten vector registers; four panels at a time, only with {@link #SUPPORTED}, need 32). Without
     * FMA the packed SGEMV is as fast and allocates nothing.
     */
    public static final boolean GEMV = FMA;
    /** Below this many multiply-adds a product runs on the calling thread (as for the SGEMM). */
    private static final long PARALLEL_MIN_MACS = PackedSgemm.PARALLEL_MIN_MACS;
    /** Depth of a K block of {@link #sampleMajor}: the SGEMM's (each block after the first re-reads the running sums). */
    private static final int KC = PackedSgemm.KC;
    /** Whether the samples are interleaved by an in-register 8×16 transpose (16 lanes). */
    private static final boolean TRANSPOSE = Transpose8x16.SUPPORTED;
    /**
     * Whether the samples are interleaved by gathers (SIMD gathers here, whole groups of 8 lanes per
     * vector), where the transpose does not run. Not for the transpose's last inputs (fewer than
     * 16): scalar copies cost as little there, and a cold gather site that C2 does not inline runs
     * as allocating Java code.
     */
    private static final boolean GATHER = !TRANSPOSE && VectorPlatform.GATHERS && L % 8 == 0;
    private static final ThreadLocal<DenseLayerTask> TASKS = ThreadLocal.withInitial(DenseLayerTask::new);

    private DenseLayerKernels() {}

    /** {@code y[f] = act(Σ_c W[f][c]·x[c] + b[f])} for one sample ({@code bias} may be null). */
    public static void gemv(Workers workers, FeaturePanels a, float[] x, int xOff, float[] bias, boolean relu, float[] y, int yOff) {
        run(workers, DenseLayerTask.GEMV, (long) a.m * a.k < PackedSgemm.PARALLEL_MIN_GEMV, a, null, a.panels, x, xOff, 1, 0,
                bias, relu, y, yOff);
    }

    /** {@code y[f·n + s] = act(Σ_c W[f][c]·x[s·k + c] + b[f])}: samples one after another in x. */
    public static void sampleMajor(Workers workers, FeaturePanels a, float[] x, int xOff, int n, float[] bias, boolean relu,
                                   float[] y, int yOff) {
        run(workers, DenseLayerTask.SAMPLE_MAJOR, (long) a.m * a.k * n < PARALLEL_MIN_MACS, a, null, a.panels, x, xOff, n, 0,
                bias, relu, y, yOff);
    }

    /**
     * {@code y[f·n + s] = act(Σ_c W[f][c]·x[c·n + s] + b[f])} for the columns {@code s < cols}, a
     * multiple of {@link #COLUMNS} (the caller finishes the others).
     */
    public static void featureMajor(Workers workers, PackedWeight a, float[] x, int xOff, int n, int cols, float[] bias, boolean relu,
                                    float[] y, int yOff) {
        if (cols % COLUMNS != 0) throw new IllegalArgumentException("columns " + cols + " are not a multiple of " + COLUMNS);
        run(workers, DenseLayerTask.FEATURE_MAJOR, (long) a.m * a.k * cols < PARALLEL_MIN_MACS, null, a,
                PackedSgemm.ceilDiv(a.m, MR), x, xOff, n, cols, bias, relu, y, yOff);
    }

    private static void run(Workers workers, int kind, boolean small, FeaturePanels fp, PackedWeight pw, int units, float[] x,
                            int xOff, int n, int cols, float[] bias, boolean relu, float[] y, int yOff) {
        if (units == 0 || n == 0) return;
        int threads = small ? 1 : Math.min(workers.threads(), units);
        if (threads == 1) {
            range(kind, fp, pw, 0, units, x, xOff, n, cols, bias, relu, y, yOff, SgemmWorkspace.get());
            return;
        }
        DenseLayerTask task = TASKS.get();
        task.set(kind, threads, units, fp, pw, x, xOff, n, cols, bias, relu, y, yOff);
        try {
            workers.forEach(task.parts, task);
        } finally {
            task.clear();
        }
    }

    /** Panels {@code [u0, u1)} of one product (the units of the thread split). */
    static void range(int kind, FeaturePanels fp, PackedWeight pw, int u0, int u1, float[] x, int xOff, int n, int cols,
                      float[] bias, boolean relu, float[] y, int yOff, SgemmWorkspace ws) {
        switch (kind) {
            case DenseLayerTask.GEMV -> {
                float[] tile = ws.vector(WIDTH);
                for (int p = u0; p < u1; p++) {
                    int f0 = p * WIDTH, width = fp.width(p), valid = Math.min(width, fp.m - f0), o = fp.offset(p);
                    if (SUPPORTED && p % 4 == 0 && p + 4 <= u1 && p + 4 < fp.panels) {
                        // Four full panels at once (ranges start at multiples of four: the same grouping on any thread count).
                        gemvPanels4(fp.w, o, fp.k, x, xOff, f0, bias, relu, y, yOff);
                        p += 3;
                        continue;
                    }
                    if (width == 2 * L) gemvPanel2(fp.w, o, fp.k, x, xOff, f0, valid, bias, relu, y, yOff, tile);
                    else gemvPanel1(fp.w, o, fp.k, x, xOff, f0, valid, bias, relu, y, yOff, tile);
                }
            }
            case DenseLayerTask.SAMPLE_MAJOR -> sampleMajorRange(fp, u0, u1, x, xOff, n, bias, relu, y, yOff, ws);
            default -> {
                for (int q = u0; q < u1; q++) {
                    for (int j0 = 0; j0 < cols; j0 += COLUMNS) featureTile(pw, q, x, xOff, n, j0, bias, relu, y, yOff);
                }
            }
        }
    }

    /**
     * Panels {@code [u0, u1)} times all samples, in K blocks: a block of a panel stays in cache while
     * every group of 8 samples passes it; the 8 × WIDTH tiles of the running sums wait in
     * {@code ws} between blocks, and the last block writes them transposed into y with the bias
     * and ReLU.
     */
    private static void sampleMajorRange(FeaturePanels fp, int u0, int u1, float[] x, int xOff, int n, float[] bias, boolean relu,
                                         float[] y, int yOff, SgemmWorkspace ws) {
        int k = fp.k, groups = PackedSgemm.ceilDiv(n, 8), tileFloats = 8 * WIDTH;
        int kcMax = PackedSgemm.ceilDiv(k, PackedSgemm.ceilDiv(k, KC));
        float[] xp = ws.packedA(groups * 8 * kcMax);
        float[] t = ws.packedB(groups * (u1 - u0) * tileFloats);
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            boolean first = pc == 0, last = pc + kc == k;
            for (int g = 0; g < groups; g++) interleave(x, xOff + g * 8 * k + pc, k, kc, Math.min(8, n - g * 8), xp, g * 8 * kc, ws.index);
            for (int p = u0; p < u1; p++) {
                int width = fp.width(p), wo = fp.offset(p) + pc * width, f0 = p * WIDTH, valid = Math.min(width, fp.m - f0);
                for (int g = 0; g < groups; g++) {
                    int to = (g * (u1 - u0) + p - u0) * tileFloats, xo = g * 8 * kc;
                    if (width == 2 * L) sampleTile2(kc, fp.w, wo, xp, xo, t, to, !first);
                    else sampleTile1(kc, fp.w, wo, xp, xo, t, to, !first);
                    if (last) storeTransposed(t, to, Math.min(8, n - g * 8), valid, f0, n, bias, relu, y, yOff + f0 * n + g * 8);
                }
            }
        }
    }

    /**
     * {@code xp[d + p·8 + r] = x[x0 + r·k + p]} for p < kc and the {@code mr} samples of a group
     * (row stride k); rows past them repeat the last sample (their results are dropped).
     */
    private static void interleave(float[] x, int x0, int k, int kc, int mr, float[] xp, int d, int[] index) {
        int p = 0;
        if (TRANSPOSE) {
            int s0 = x0, s1 = x0 + Math.min(1, mr - 1) * k, s2 = x0 + Math.min(2, mr - 1) * k, s3 = x0 + Math.min(3, mr - 1) * k;
            int s4 = x0 + Math.min(4, mr - 1) * k, s5 = x0 + Math.min(5, mr - 1) * k, s6 = x0 + Math.min(6, mr - 1) * k;
            int s7 = x0 + Math.min(7, mr - 1) * k;
            for (; p + 16 <= kc; p += 16) Transpose8x16.rows(x, s0 + p, s1 + p, s2 + p, s3 + p, s4 + p, s5 + p, s6 + p, s7 + p, xp, d + p * 8);
        }
        if (GATHER) {
            // One gather per vector: lane j holds sample j mod 8 at input p + j / 8.
            for (int j = 0; j < L; j++) index[j] = Math.min(j % 8, mr - 1) * k + j / 8;
            int step = L / 8;
            for (; p + step <= kc; p += step) FloatVector.fromArray(S, x, x0 + p, index, 0).intoArray(xp, d + p * 8);
        }
        for (int r = 0; r < 8; r++) {
            int src = x0 + Math.min(r, mr - 1) * k;
            for (int q = p; q < kc; q++) xp[d + q * 8 + r] = x[src + q];
        }
    }

    /** {@code y[at + f·n + r] = act(tile[to + r·WIDTH + f] + b[f0 + f])} for r < mr, f < valid. */
    private static void storeTransposed(float[] tile, int to, int mr, int valid, int f0, int n, float[] bias, boolean relu, float[] y, int at) {
        int f = 0;
        if (TRANSPOSE && mr == 8) {
            // Whole-vector stores only: the last column's 8 floats end at (f + 15)·n + 8.
            for (; f + 16 <= valid && at + (f + 15) * n + 8 <= y.length; f += 16) {
                epilogue8x16(tile, to + f, bias, f0 + f, relu);
                Transpose8x16.columns(tile, to + f, WIDTH, y, at + f * n, n, 0);
                Transpose8x16.columns(tile, to + f, WIDTH, y, at + f * n, n, 1);
            }
        }
        for (; f < valid; f++) {
            float b = bias == null ? 0f : bias[f0 + f];
            int o = at + f * n;
            for (int r = 0; r < mr; r++) {
                float v = tile[to + r * WIDTH + f] + b;
                y[o + r] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    /** {@code tile[t + r·WIDTH + j] = act(tile[t + r·WIDTH + j] + b[b0 + j])} for r < 8, j < 16 (16 lanes), in place. */
    private static void epilogue8x16(float[] tile, int t, float[] bias, int b0, boolean relu) {
        FloatVector bv = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, b0);
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int r = 0; r < 8; r++) FloatVector.fromArray(S, tile, t + r * WIDTH).add(bv).max(lo).intoArray(tile, t + r * WIDTH);
    }

    /** {@code y[yOff + f0 + f] = act(tile[f] + b[f0 + f])} for f < valid. */
    private static void storeScalars(float[] tile, int valid, int f0, float[] bias, boolean relu, float[] y, int yOff) {
        for (int f = 0; f < valid; f++) {
            float v = tile[f] + (bias == null ? 0f : bias[f0 + f]);
            y[yOff + f0 + f] = relu ? Math.max(v, 0f) : v;
        }
    }


    /** One sample times a two-vector panel: four sums per vector (inputs by index mod 4), then bias, ReLU, store. */
    private static void gemvPanel2(float[] w, int off, int k, float[] x, int xOff, int f0, int valid, float[] bias, boolean relu,
                                   float[] y, int yOff, float[] tile) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            int o = off + p * 2 * L;
            FloatVector v, q;
            v = FloatVector.broadcast(S, x[xOff + p]);
            q = FloatVector.fromArray(S, w, o);
            a0 = FMA ? q.fma(v, a0) : q.mul(v).add(a0);
            q = FloatVector.fromArray(S, w, o + L);
            a1 = FMA ? q.fma(v, a1) : q.mul(v).add(a1);
            v = FloatVector.broadcast(S, x[xOff + p + 1]);
            q = FloatVector.fromArray(S, w, o + 2 * L);
            b0 = FMA ? q.fma(v, b0) : q.mul(v).add(b0);
            q = FloatVector.fromArray(S, w, o + 3 * L);
            b1 = FMA ? q.fma(v, b1) : q.mul(v).add(b1);
            v = FloatVector.broadcast(S, x[xOff + p + 2]);
            q = FloatVector.fromArray(S, w, o + 4 * L);
            c0 = FMA ? q.fma(v, c0) : q.mul(v).add(c0);
            q = FloatVector.fromArray(S, w, o + 5 * L);
            c1 = FMA ? q.fma(v, c1) : q.mul(v).add(c1);
            v = FloatVector.broadcast(S, x[xOff + p + 3]);
            q = FloatVector.fromArray(S, w, o + 6 * L);
            d0 = FMA ? q.fma(v, d0) : q.mul(v).add(d0);
            q = FloatVector.fromArray(S, w, o + 7 * L);
            d1 = FMA ? q.fma(v, d1) : q.mul(v).add(d1);
        }
        for (; p < k; p++) {
            int o = off + p * 2 * L;
            FloatVector v = FloatVector.broadcast(S, x[xOff + p]), q;
            q = FloatVector.fromArray(S, w, o);
            a0 = FMA ? q.fma(v, a0) : q.mul(v).add(a0);
            q = FloatVector.fromArray(S, w, o + L);
            a1 = FMA ? q.fma(v, a1) : q.mul(v).add(a1);
        }
        FloatVector s0 = a0.add(b0).add(c0.add(d0));
        FloatVector s1 = a1.add(b1).add(c1.add(d1));
        if (valid == 2 * L) {
            if (bias != null) {
                s0 = s0.add(FloatVector.fromArray(S, bias, f0));
                s1 = s1.add(FloatVector.fromArray(S, bias, f0 + L));
            }
            if (relu && FLOAT_MAX) {
                s0 = s0.max(0f);
                s1 = s1.max(0f);
            }
            s0.intoArray(y, yOff + f0);
            s1.intoArray(y, yOff + f0 + L);
            if (relu && !FLOAT_MAX) VectorMax.relu(y, yOff + f0, 2 * L);
            return;
        }
        s0.intoArray(tile, 0);
        s1.intoArray(tile, L);
        storeScalars(tile, valid, f0, bias, relu, y, yOff);
    }

    /**
     * One sample times four consecutive two-vector panels at once (four weight streams, each input
     * broadcast once for all four), two sums per output vector (inputs by index mod 2). Whether a
     * panel goes through here depends on its index only, so its result does not depend on the
     * thread split.
     */
    private static void gemvPanels4(float[] w, int off, int k, float[] x, int xOff, int f0, float[] bias, boolean relu,
                                    float[] y, int yOff) {
        int stride = WIDTH * k, oA = off, oB = off + stride, oC = off + 2 * stride, oD = off + 3 * stride;
        FloatVector Ae0 = FloatVector.zero(S), Ae1 = FloatVector.zero(S), Ao0 = FloatVector.zero(S), Ao1 = FloatVector.zero(S);
        FloatVector Be0 = FloatVector.zero(S), Be1 = FloatVector.zero(S), Bo0 = FloatVector.zero(S), Bo1 = FloatVector.zero(S);
        FloatVector Ce0 = FloatVector.zero(S), Ce1 = FloatVector.zero(S), Co0 = FloatVector.zero(S), Co1 = FloatVector.zero(S);
        FloatVector De0 = FloatVector.zero(S), De1 = FloatVector.zero(S), Do0 = FloatVector.zero(S), Do1 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 <= k; p += 2) {
            int o = p * WIDTH;
            FloatVector v = FloatVector.broadcast(S, x[xOff + p]), u = FloatVector.broadcast(S, x[xOff + p + 1]), q;
            q = FloatVector.fromArray(S, w, oA + o);
            Ae0 = FMA ? q.fma(v, Ae0) : q.mul(v).add(Ae0);
            q = FloatVector.fromArray(S, w, oA + o + L);
            Ae1 = FMA ? q.fma(v, Ae1) : q.mul(v).add(Ae1);
            q = FloatVector.fromArray(S, w, oB + o);
            Be0 = FMA ? q.fma(v, Be0) : q.mul(v).add(Be0);
            q = FloatVector.fromArray(S, w, oB + o + L);
            Be1 = FMA ? q.fma(v, Be1) : q.mul(v).add(Be1);
            q = FloatVector.fromArray(S, w, oC + o);
            Ce0 = FMA ? q.fma(v, Ce0) : q.mul(v).add(Ce0);
            q = FloatVector.fromArray(S, w, oC + o + L);
            Ce1 = FMA ? q.fma(v, Ce1) : q.mul(v).add(Ce1);
            q = FloatVector.fromArray(S, w, oD + o);
            De0 = FMA ? q.fma(v, De0) : q.mul(v).add(De0);
            q = FloatVector.fromArray(S, w, oD + o + L);
            De1 = FMA ? q.fma(v, De1) : q.mul(v).add(De1);
            q = FloatVector.fromArray(S, w, oA + o + 2 * L);
            Ao0 = FMA ? q.fma(u, Ao0) : q.mul(u).add(Ao0);
            q = FloatVector.fromArray(S, w, oA + o + 2 * L + L);
            Ao1 = FMA ? q.fma(u, Ao1) : q.mul(u).add(Ao1);
            q = FloatVector.fromArray(S, w, oB + o + 2 * L);
            Bo0 = FMA ? q.fma(u, Bo0) : q.mul(u).add(Bo0);
            q = FloatVector.fromArray(S, w, oB + o + 2 * L + L);
            Bo1 = FMA ? q.fma(u, Bo1) : q.mul(u).add(Bo1);
            q = FloatVector.fromArray(S, w, oC + o + 2 * L);
            Co0 = FMA ? q.fma(u, Co0) : q.mul(u).add(Co0);
            q = FloatVector.fromArray(S, w, oC + o + 2 * L + L);
            Co1 = FMA ? q.fma(u, Co1) : q.mul(u).add(Co1);
            q = FloatVector.fromArray(S, w, oD + o + 2 * L);
            Do0 = FMA ? q.fma(u, Do0) : q.mul(u).add(Do0);
            q = FloatVector.fromArray(S, w, oD + o + 2 * L + L);
            Do1 = FMA ? q.fma(u, Do1) : q.mul(u).add(Do1);
        }
        if (p < k) {
            int o = p * WIDTH;
            FloatVector v = FloatVector.broadcast(S, x[xOff + p]), q;
            q = FloatVector.fromArray(S, w, oA + o);
            Ae0 = FMA ? q.fma(v, Ae0) : q.mul(v).add(Ae0);
            q = FloatVector.fromArray(S, w, oA + o + L);
            Ae1 = FMA ? q.fma(v, Ae1) : q.mul(v).add(Ae1);
            q = FloatVector.fromArray(S, w, oB + o);
            Be0 = FMA ? q.fma(v, Be0) : q.mul(v).add(Be0);
            q = FloatVector.fromArray(S, w, oB + o + L);
            Be1 = FMA ? q.fma(v, Be1) : q.mul(v).add(Be1);
            q = FloatVector.fromArray(S, w, oC + o);
            Ce0 = FMA ? q.fma(v, Ce0) : q.mul(v).add(Ce0);
            q = FloatVector.fromArray(S, w, oC + o + L);
            Ce1 = FMA ? q.fma(v, Ce1) : q.mul(v).add(Ce1);
            q = FloatVector.fromArray(S, w, oD + o);
            De0 = FMA ? q.fma(v, De0) : q.mul(v).add(De0);
            q = FloatVector.fromArray(S, w, oD + o + L);
            De1 = FMA ? q.fma(v, De1) : q.mul(v).add(De1);
        }
        FloatVector A0 = Ae0.add(Ao0), A1 = Ae1.add(Ao1);
        FloatVector B0 = Be0.add(Bo0), B1 = Be1.add(Bo1);
        FloatVector C0 = Ce0.add(Co0), C1 = Ce1.add(Co1);
        FloatVector D0 = De0.add(Do0), D1 = De1.add(Do1);
        if (bias != null) {
            A0 = A0.add(FloatVector.fromArray(S, bias, f0 + 0 * L));
            A1 = A1.add(FloatVector.fromArray(S, bias, f0 + 1 * L));
            B0 = B0.add(FloatVector.fromArray(S, bias, f0 + 2 * L));
            B1 = B1.add(FloatVector.fromArray(S, bias, f0 + 3 * L));
            C0 = C0.add(FloatVector.fromArray(S, bias, f0 + 4 * L));
            C1 = C1.add(FloatVector.fromArray(S, bias, f0 + 5 * L));
            D0 = D0.add(FloatVector.fromArray(S, bias, f0 + 6 * L));
            D1 = D1.add(FloatVector.fromArray(S, bias, f0 + 7 * L));
        }
        if (relu && FLOAT_MAX) {
            A0 = A0.max(0f);
            A1 = A1.max(0f);
            B0 = B0.max(0f);
            B1 = B1.max(0f);
            C0 = C0.max(0f);
            C1 = C1.max(0f);
            D0 = D0.max(0f);
            D1 = D1.max(0f);
        }
        A0.intoArray(y, yOff + f0 + 0 * L);
        A1.intoArray(y, yOff + f0 + 1 * L);
        B0.intoArray(y, yOff + f0 + 2 * L);
        B1.intoArray(y, yOff + f0 + 3 * L);
        C0.intoArray(y, yOff + f0 + 4 * L);
        C1.intoArray(y, yOff + f0 + 5 * L);
        D0.intoArray(y, yOff + f0 + 6 * L);
        D1.intoArray(y, yOff + f0 + 7 * L);
        if (relu && !FLOAT_MAX) VectorMax.relu(y, yOff + f0, 8 * L);
    }


    /** One sample times a one-vector panel: four sums per vector (inputs by index mod 4), then bias, ReLU, store. */
    private static void gemvPanel1(float[] w, int off, int k, float[] x, int xOff, int f0, int valid, float[] bias, boolean relu,
                                   float[] y, int yOff, float[] tile) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S);
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            int o = off + p * L;
            FloatVector v, q;
            v = FloatVector.broadcast(S, x[xOff + p]);
            q = FloatVector.fromArray(S, w, o);
            a0 = FMA ? q.fma(v, a0) : q.mul(v).add(a0);
            v = FloatVector.broadcast(S, x[xOff + p + 1]);
            q = FloatVector.fromArray(S, w, o + L);
            b0 = FMA ? q.fma(v, b0) : q.mul(v).add(b0);
            v = FloatVector.broadcast(S, x[xOff + p + 2]);
            q = FloatVector.fromArray(S, w, o + 2 * L);
            c0 = FMA ? q.fma(v, c0) : q.mul(v).add(c0);
            v = FloatVector.broadcast(S, x[xOff + p + 3]);
            q = FloatVector.fromArray(S, w, o + 3 * L);
            d0 = FMA ? q.fma(v, d0) : q.mul(v).add(d0);
        }
        for (; p < k; p++) {
            int o = off + p * L;
            FloatVector v = FloatVector.broadcast(S, x[xOff + p]), q;
            q = FloatVector.fromArray(S, w, o);
            a0 = FMA ? q.fma(v, a0) : q.mul(v).add(a0);
        }
        FloatVector s0 = a0.add(b0).add(c0.add(d0));
        if (valid == 1 * L) {
            if (bias != null) {
                s0 = s0.add(FloatVector.fromArray(S, bias, f0));
            }
            if (relu && FLOAT_MAX) {
                s0 = s0.max(0f);
            }
            s0.intoArray(y, yOff + f0);
            if (relu && !FLOAT_MAX) VectorMax.relu(y, yOff + f0, L);
            return;
        }
        s0.intoArray(tile, 0);
        storeScalars(tile, valid, f0, bias, relu, y, yOff);
    }

    /**
     * The 8 interleaved samples {@code xp[xo..]} ({@code xp[xo + p·8 + r]}) times rows {@code [0, kc)} of the
     * two-vector panel block at {@code w[wo..]}, into the 8 × WIDTH tile {@code t[to..]}: added to what it
     * holds when {@code accumulate}, else replacing it.
     */
    private static void sampleTile2(int kc, float[] w, int wo, float[] xp, int xo, float[] t, int to, boolean accumulate) {
        FloatVector c00, c01;
        FloatVector c10, c11;
        FloatVector c20, c21;
        FloatVector c30, c31;
        FloatVector c40, c41;
        FloatVector c50, c51;
        FloatVector c60, c61;
        FloatVector c70, c71;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, t, to + 0 * WIDTH);
            c01 = FloatVector.fromArray(S, t, to + 0 * WIDTH + L);
            c10 = FloatVector.fromArray(S, t, to + 1 * WIDTH);
            c11 = FloatVector.fromArray(S, t, to + 1 * WIDTH + L);
            c20 = FloatVector.fromArray(S, t, to + 2 * WIDTH);
            c21 = FloatVector.fromArray(S, t, to + 2 * WIDTH + L);
            c30 = FloatVector.fromArray(S, t, to + 3 * WIDTH);
            c31 = FloatVector.fromArray(S, t, to + 3 * WIDTH + L);
            c40 = FloatVector.fromArray(S, t, to + 4 * WIDTH);
            c41 = FloatVector.fromArray(S, t, to + 4 * WIDTH + L);
            c50 = FloatVector.fromArray(S, t, to + 5 * WIDTH);
            c51 = FloatVector.fromArray(S, t, to + 5 * WIDTH + L);
            c60 = FloatVector.fromArray(S, t, to + 6 * WIDTH);
            c61 = FloatVector.fromArray(S, t, to + 6 * WIDTH + L);
            c70 = FloatVector.fromArray(S, t, to + 7 * WIDTH);
            c71 = FloatVector.fromArray(S, t, to + 7 * WIDTH + L);
        } else {
            c00 = FloatVector.zero(S);
            c01 = FloatVector.zero(S);
            c10 = FloatVector.zero(S);
            c11 = FloatVector.zero(S);
            c20 = FloatVector.zero(S);
            c21 = FloatVector.zero(S);
            c30 = FloatVector.zero(S);
            c31 = FloatVector.zero(S);
            c40 = FloatVector.zero(S);
            c41 = FloatVector.zero(S);
            c50 = FloatVector.zero(S);
            c51 = FloatVector.zero(S);
            c60 = FloatVector.zero(S);
            c61 = FloatVector.zero(S);
            c70 = FloatVector.zero(S);
            c71 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int o = wo + p * 2 * L, a = xo + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, w, o);
            FloatVector b1 = FloatVector.fromArray(S, w, o + L);
            FloatVector v;
            v = FloatVector.broadcast(S, xp[a]);
            c00 = FMA ? v.fma(b0, c00) : v.mul(b0).add(c00);
            c01 = FMA ? v.fma(b1, c01) : v.mul(b1).add(c01);
            v = FloatVector.broadcast(S, xp[a + 1]);
            c10 = FMA ? v.fma(b0, c10) : v.mul(b0).add(c10);
            c11 = FMA ? v.fma(b1, c11) : v.mul(b1).add(c11);
            v = FloatVector.broadcast(S, xp[a + 2]);
            c20 = FMA ? v.fma(b0, c20) : v.mul(b0).add(c20);
            c21 = FMA ? v.fma(b1, c21) : v.mul(b1).add(c21);
            v = FloatVector.broadcast(S, xp[a + 3]);
            c30 = FMA ? v.fma(b0, c30) : v.mul(b0).add(c30);
            c31 = FMA ? v.fma(b1, c31) : v.mul(b1).add(c31);
            v = FloatVector.broadcast(S, xp[a + 4]);
            c40 = FMA ? v.fma(b0, c40) : v.mul(b0).add(c40);
            c41 = FMA ? v.fma(b1, c41) : v.mul(b1).add(c41);
            v = FloatVector.broadcast(S, xp[a + 5]);
            c50 = FMA ? v.fma(b0, c50) : v.mul(b0).add(c50);
            c51 = FMA ? v.fma(b1, c51) : v.mul(b1).add(c51);
            v = FloatVector.broadcast(S, xp[a + 6]);
            c60 = FMA ? v.fma(b0, c60) : v.mul(b0).add(c60);
            c61 = FMA ? v.fma(b1, c61) : v.mul(b1).add(c61);
            v = FloatVector.broadcast(S, xp[a + 7]);
            c70 = FMA ? v.fma(b0, c70) : v.mul(b0).add(c70);
            c71 = FMA ? v.fma(b1, c71) : v.mul(b1).add(c71);
        }
        c00.intoArray(t, to + 0 * WIDTH);
        c01.intoArray(t, to + 0 * WIDTH + L);
        c10.intoArray(t, to + 1 * WIDTH);
        c11.intoArray(t, to + 1 * WIDTH + L);
        c20.intoArray(t, to + 2 * WIDTH);
        c21.intoArray(t, to + 2 * WIDTH + L);
        c30.intoArray(t, to + 3 * WIDTH);
        c31.intoArray(t, to + 3 * WIDTH + L);
        c40.intoArray(t, to + 4 * WIDTH);
        c41.intoArray(t, to + 4 * WIDTH + L);
        c50.intoArray(t, to + 5 * WIDTH);
        c51.intoArray(t, to + 5 * WIDTH + L);
        c60.intoArray(t, to + 6 * WIDTH);
        c61.intoArray(t, to + 6 * WIDTH + L);
        c70.intoArray(t, to + 7 * WIDTH);
        c71.intoArray(t, to + 7 * WIDTH + L);
    }

    /**
     * The 8 interleaved samples {@code xp[xo..]} ({@code xp[xo + p·8 + r]}) times rows {@code [0, kc)} of the
     * one-vector panel block at {@code w[wo..]}, into the 8 × WIDTH tile {@code t[to..]}: added to what it
     * holds when {@code accumulate}, else replacing it.
     */
    private static void sampleTile1(int kc, float[] w, int wo, float[] xp, int xo, float[] t, int to, boolean accumulate) {
        FloatVector c00;
        FloatVector c10;
        FloatVector c20;
        FloatVector c30;
        FloatVector c40;
        FloatVector c50;
        FloatVector c60;
        FloatVector c70;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, t, to + 0 * WIDTH);
            c10 = FloatVector.fromArray(S, t, to + 1 * WIDTH);
            c20 = FloatVector.fromArray(S, t, to + 2 * WIDTH);
            c30 = FloatVector.fromArray(S, t, to + 3 * WIDTH);
            c40 = FloatVector.fromArray(S, t, to + 4 * WIDTH);
            c50 = FloatVector.fromArray(S, t, to + 5 * WIDTH);
            c60 = FloatVector.fromArray(S, t, to + 6 * WIDTH);
            c70 = FloatVector.fromArray(S, t, to + 7 * WIDTH);
        } else {
            c00 = FloatVector.zero(S);
            c10 = FloatVector.zero(S);
            c20 = FloatVector.zero(S);
            c30 = FloatVector.zero(S);
            c40 = FloatVector.zero(S);
            c50 = FloatVector.zero(S);
            c60 = FloatVector.zero(S);
            c70 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int o = wo + p * L, a = xo + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, w, o);
            FloatVector v;
            v = FloatVector.broadcast(S, xp[a]);
            c00 = FMA ? v.fma(b0, c00) : v.mul(b0).add(c00);
            v = FloatVector.broadcast(S, xp[a + 1]);
            c10 = FMA ? v.fma(b0, c10) : v.mul(b0).add(c10);
            v = FloatVector.broadcast(S, xp[a + 2]);
            c20 = FMA ? v.fma(b0, c20) : v.mul(b0).add(c20);
            v = FloatVector.broadcast(S, xp[a + 3]);
            c30 = FMA ? v.fma(b0, c30) : v.mul(b0).add(c30);
            v = FloatVector.broadcast(S, xp[a + 4]);
            c40 = FMA ? v.fma(b0, c40) : v.mul(b0).add(c40);
            v = FloatVector.broadcast(S, xp[a + 5]);
            c50 = FMA ? v.fma(b0, c50) : v.mul(b0).add(c50);
            v = FloatVector.broadcast(S, xp[a + 6]);
            c60 = FMA ? v.fma(b0, c60) : v.mul(b0).add(c60);
            v = FloatVector.broadcast(S, xp[a + 7]);
            c70 = FMA ? v.fma(b0, c70) : v.mul(b0).add(c70);
        }
        c00.intoArray(t, to + 0 * WIDTH);
        c10.intoArray(t, to + 1 * WIDTH);
        c20.intoArray(t, to + 2 * WIDTH);
        c30.intoArray(t, to + 3 * WIDTH);
        c40.intoArray(t, to + 4 * WIDTH);
        c50.intoArray(t, to + 5 * WIDTH);
        c60.intoArray(t, to + 6 * WIDTH);
        c70.intoArray(t, to + 7 * WIDTH);
    }

    /**
     * Rows {@code [q·8, q·8 + 8)} of the packed weight times columns {@code [j0, j0 + COLUMNS)} of the
     * feature-major x ({@code [k, n]}, read in place), summed over the whole depth in registers;
     * bias and ReLU applied on the way out, rows past m not stored.
     */
    private static void featureTile(PackedWeight a, int q, float[] x, int xOff, int n, int j0, float[] bias, boolean relu,
                                    float[] y, int yOff) {
        float[] ap = a.panels;
        int k = a.k;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int pc = 0; pc < k; pc += a.kcMax) {
            int kc = Math.min(a.kcMax, k - pc);
            int ao = a.blockOffset(pc) + q * 8 * kc, bo = xOff + pc * n + j0;
            for (int p = 0; p < kc; p++) {
                int xb = bo + p * n, aa = ao + p * 8;
                FloatVector b0 = FloatVector.fromArray(S, x, xb);
                FloatVector b1 = FloatVector.fromArray(S, x, xb + L);
                FloatVector v;
                v = FloatVector.broadcast(S, ap[aa]);
                c00 = FMA ? v.fma(b0, c00) : v.mul(b0).add(c00);
                c01 = FMA ? v.fma(b1, c01) : v.mul(b1).add(c01);
                v = FloatVector.broadcast(S, ap[aa + 1]);
                c10 = FMA ? v.fma(b0, c10) : v.mul(b0).add(c10);
                c11 = FMA ? v.fma(b1, c11) : v.mul(b1).add(c11);
                v = FloatVector.broadcast(S, ap[aa + 2]);
                c20 = FMA ? v.fma(b0, c20) : v.mul(b0).add(c20);
                c21 = FMA ? v.fma(b1, c21) : v.mul(b1).add(c21);
                v = FloatVector.broadcast(S, ap[aa + 3]);
                c30 = FMA ? v.fma(b0, c30) : v.mul(b0).add(c30);
                c31 = FMA ? v.fma(b1, c31) : v.mul(b1).add(c31);
                v = FloatVector.broadcast(S, ap[aa + 4]);
                c40 = FMA ? v.fma(b0, c40) : v.mul(b0).add(c40);
                c41 = FMA ? v.fma(b1, c41) : v.mul(b1).add(c41);
                v = FloatVector.broadcast(S, ap[aa + 5]);
                c50 = FMA ? v.fma(b0, c50) : v.mul(b0).add(c50);
                c51 = FMA ? v.fma(b1, c51) : v.mul(b1).add(c51);
                v = FloatVector.broadcast(S, ap[aa + 6]);
                c60 = FMA ? v.fma(b0, c60) : v.mul(b0).add(c60);
                c61 = FMA ? v.fma(b1, c61) : v.mul(b1).add(c61);
                v = FloatVector.broadcast(S, ap[aa + 7]);
                c70 = FMA ? v.fma(b0, c70) : v.mul(b0).add(c70);
                c71 = FMA ? v.fma(b1, c71) : v.mul(b1).add(c71);
            }
        }
        int row0 = q * 8, valid = Math.min(8, a.m - row0);
        float b0 = bias == null ? 0f : bias[row0 + 0];
        FloatVector e00 = c00.add(b0), e01 = c01.add(b0);
        if (relu && FLOAT_MAX) {
            e00 = e00.max(0f);
            e01 = e01.max(0f);
        }
        int o0 = yOff + (row0 + 0) * n + j0;
        e00.intoArray(y, o0);
        e01.intoArray(y, o0 + L);
        if (valid > 1) {
            float b1 = bias == null ? 0f : bias[row0 + 1];
            FloatVector e10 = c10.add(b1), e11 = c11.add(b1);
            if (relu && FLOAT_MAX) {
                e10 = e10.max(0f);
                e11 = e11.max(0f);
            }
            int o1 = yOff + (row0 + 1) * n + j0;
            e10.intoArray(y, o1);
            e11.intoArray(y, o1 + L);
        }
        if (valid > 2) {
            float b2 = bias == null ? 0f : bias[row0 + 2];
            FloatVector e20 = c20.add(b2), e21 = c21.add(b2);
            if (relu && FLOAT_MAX) {
                e20 = e20.max(0f);
                e21 = e21.max(0f);
            }
            int o2 = yOff + (row0 + 2) * n + j0;
            e20.intoArray(y, o2);
            e21.intoArray(y, o2 + L);
        }
        if (valid > 3) {
            float b3 = bias == null ? 0f : bias[row0 + 3];
            FloatVector e30 = c30.add(b3), e31 = c31.add(b3);
            if (relu && FLOAT_MAX) {
                e30 = e30.max(0f);
                e31 = e31.max(0f);
            }
            int o3 = yOff + (row0 + 3) * n + j0;
            e30.intoArray(y, o3);
            e31.intoArray(y, o3 + L);
        }
        if (valid > 4) {
            float b4 = bias == null ? 0f : bias[row0 + 4];
            FloatVector e40 = c40.add(b4), e41 = c41.add(b4);
            if (relu && FLOAT_MAX) {
                e40 = e40.max(0f);
                e41 = e41.max(0f);
            }
            int o4 = yOff + (row0 + 4) * n + j0;
            e40.intoArray(y, o4);
            e41.intoArray(y, o4 + L);
        }
        if (valid > 5) {
            float b5 = bias == null ? 0f : bias[row0 + 5];
            FloatVector e50 = c50.add(b5), e51 = c51.add(b5);
            if (relu && FLOAT_MAX) {
                e50 = e50.max(0f);
                e51 = e51.max(0f);
            }
            int o5 = yOff + (row0 + 5) * n + j0;
            e50.intoArray(y, o5);
            e51.intoArray(y, o5 + L);
        }
        if (valid > 6) {
            float b6 = bias == null ? 0f : bias[row0 + 6];
            FloatVector e60 = c60.add(b6), e61 = c61.add(b6);
            if (relu && FLOAT_MAX) {
                e60 = e60.max(0f);
                e61 = e61.max(0f);
            }
            int o6 = yOff + (row0 + 6) * n + j0;
            e60.intoArray(y, o6);
            e61.intoArray(y, o6 + L);
        }
        if (valid > 7) {
            float b7 = bias == null ? 0f : bias[row0 + 7];
            FloatVector e70 = c70.add(b7), e71 = c71.add(b7);
            if (relu && FLOAT_MAX) {
                e70 = e70.max(0f);
                e71 = e71.max(0f);
            }
            int o7 = yOff + (row0 + 7) * n + j0;
            e70.intoArray(y, o7);
            e71.intoArray(y, o7 + L);
        }
        if (relu && !FLOAT_MAX) {
            for (int i = 0; i < valid; i++) VectorMax.relu(y, yOff + (row0 + i) * n + j0, 2 * L);
        }
    }
}
