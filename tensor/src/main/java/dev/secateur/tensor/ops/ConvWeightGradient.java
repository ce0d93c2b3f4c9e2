package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution's weight gradient computed on the zero-padded images, without im2col columns:
 * {@code dW[f, c, i, j] = Σ_n Σ_p dY[n, f, p] · xp[n, offset(c, i, j) + p]}, where the output
 * gradient is laid out in the padded planes' row stride ({@link PaddedImage}), zeros in the extra
 * columns, so every tap is a dot product of two contiguous slices. A register block is
 * {@link #FILTERS} filters × {@link #TAPS} taps: per pixel vector it loads each filter's gradient
 * and each tap's input once and does every pairing's FMA (3 + 8 loads for 24 FMAs with 32 vector
 * registers, 2 + 4 for 8 with 16). Blocks past the last filter or tap repeat the last one, and
 * their sums are dropped.
 *
 * <p>Images are split into one contiguous range per thread and taken in chunks of
 * {@link #CHUNK}: a chunk's padded inputs and gradients are laid out once, then every block sums
 * over all of them before its lanes are added into the range's partial gradient. Ranges are added
 * in order, so the result depends on the thread count but not on timing. Any stride works (the
 * padded image holds its phase planes).
 */
public final class ConvWeightGradient {
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    private static final boolean WIDE = VectorPlatform.REGISTERS >= 32;
    /** Filters per register block. */
    static final int FILTERS = WIDE ? 3 : 2;
    /** Taps per register block. */
    static final int TAPS = WIDE ? 8 : 4;
    /** Images laid out together before the blocks sum over them. */
    static final int CHUNK = 8;

    private final ConvGeometry g;
    private final PaddedImage image;
    private final int[] offsets;
    /** One image's output gradient per filter, in the padded row stride, rounded up to whole vectors. */
    private final int pixels;

    public ConvWeightGradient(ConvGeometry g) {
        if (g == null) throw new IllegalArgumentException("conv weight gradient: geometry is null");
        this.g = g;
        this.image = new PaddedImage(g, L);
        this.pixels = (g.outH() * image.rowStride() + L - 1) / L * L;
        int taps = g.colRows();
        this.offsets = new int[taps];
        for (int t = 0; t < taps; t++) {
            offsets[t] = image.offset(t / (g.kH() * g.kW()), t / g.kW() % g.kH(), t % g.kW());
        }
    }

    public ConvGeometry geometry() { return g; }

    /** Floats of workspace {@link #compute} needs for {@code batch} images on {@code workers}. */
    public int workspaceFloats(Workers workers, int batch) {
        return Math.multiplyExact(slices(workers, batch), slotFloats(Math.min(CHUNK, Math.max(1, batch))));
    }

    /**
     * {@code dW = Σ_n dY[n] ⋆ x[n]}, overwriting {@code dW[dwOff .. dwOff + weightSize)}.
     *
     * @param x  {@code batch} CHW input images from {@code xOff}
     * @param dy {@code batch} output gradients ({@code outC·outH·outW} each) from {@code dyOff}
     * @param ws at least {@link #workspaceFloats} floats
     */
    public void compute(Workers workers, int batch, float[] x, int xOff, float[] dy, int dyOff, float[] dW, int dwOff,
                        float[] ws) {
        if (!(workers != null && batch >= 0 && Checks.in(x, xOff, (long) batch * g.inputSize())
                && Checks.in(dy, dyOff, (long) batch * g.outputSize()) && Checks.in(dW, dwOff, g.weightSize())
                && Checks.in(ws, 0, workspaceFloats(workers, batch)))) {
            String ctx = "conv weight gradient " + g + " batch " + batch;
            if (workers == null) throw new IllegalArgumentException("workers is null in " + ctx);
            if (batch < 0) throw new IllegalArgumentException("batch must be >= 0 in " + ctx);
            Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
            Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
            Checks.range("dW", dW, dwOff, g.weightSize(), ctx);
            Checks.range("workspace", ws, 0, workspaceFloats(workers, batch), ctx);
        }
        int wsz = g.weightSize();
        java.util.Arrays.fill(dW, dwOff, dwOff + wsz, 0f);
        if (batch == 0) return;
        int slices = slices(workers, batch), slot = slotFloats(Math.min(CHUNK, batch));
        if (slices == 1) {
            range(0, batch, x, xOff, dy, dyOff, dW, dwOff, ws, 0);
            return;
        }
        workers.forEach(slices, t -> {
            int base = t * slot;
            java.util.Arrays.fill(ws, base, base + wsz, 0f);
            range(first(batch, slices, t), first(batch, slices, t + 1), x, xOff, dy, dyOff, ws, base, ws, base + wsz);
        });
        for (int t = 0; t < slices; t++) {
            for (int i = 0; i < wsz; i++) dW[dwOff + i] += ws[t * slot + i];
        }
    }

    /** Adds images {@code [n0, n1)}'s gradient into {@code acc[accOff ..]}; {@code base}: this range's scratch. */
    private void range(int n0, int n1, float[] x, int xOff, float[] dy, int dyOff, float[] acc, int accOff,
                       float[] ws, int base) {
        int outC = g.outC(), taps = g.colRows(), in = g.inputSize(), out = g.outputSize();
        int xpFloats = image.floats(), dyFloats = outC * pixels;
        int chunkMax = Math.min(CHUNK, n1 - n0);
        int xpBase = base, dyBase = xpBase + chunkMax * xpFloats, sums = dyBase + chunkMax * dyFloats;
        for (int n = n0; n < n1; n += CHUNK) {
            int count = Math.min(CHUNK, n1 - n);
            for (int q = 0; q < count; q++) {
                image.pad(x, xOff + (n + q) * in, ws, xpBase + q * xpFloats);
                spread(dy, dyOff + (n + q) * out, ws, dyBase + q * dyFloats);
            }
            for (int f = 0; f < outC; f += FILTERS) {
                for (int t = 0; t < taps; t += TAPS) {
                    if (WIDE) block3x8(ws, xpBase, xpFloats, dyBase, dyFloats, count, f, t, sums);
                    else block2x4(ws, xpBase, xpFloats, dyBase, dyFloats, count, f, t, sums);
                    for (int bf = 0; bf < FILTERS && f + bf < outC; bf++) {
                        for (int bt = 0; bt < TAPS && t + bt < taps; bt++) {
                            int s0 = sums + (bf * TAPS + bt) * L;
                            float s = 0f;
                            for (int l = 0; l < L; l++) s += ws[s0 + l];
                            acc[accOff + (f + bf) * taps + t + bt] += s;
                        }
                    }
                }
            }
        }
    }

    /** One image's output gradient into the padded row stride: zeros in the extra columns and after the last row. */
    private void spread(float[] dy, int dyOff, float[] dst, int at) {
        int outH = g.outH(), outW = g.outW(), wq = image.rowStride(), plane = outH * outW;
        java.util.Arrays.fill(dst, at, at + g.outC() * pixels, 0f);
        for (int f = 0; f < g.outC(); f++) {
            for (int r = 0; r < outH; r++) System.arraycopy(dy, dyOff + f * plane + r * outW, dst, at + f * pixels + r * wq, outW);
        }
    }

    /** Three filters × eight taps over {@code count} images; the 24 lane sums go to {@code ws[sums ..]}. */
    private void block3x8(float[] ws, int xpBase, int xpFloats, int dyBase, int dyFloats, int count, int f, int t, int sums) {
        int last = g.outC() - 1, lastTap = offsets.length - 1;
        int f0 = f * pixels, f1 = Math.min(f + 1, last) * pixels, f2 = Math.min(f + 2, last) * pixels;
        int o0 = offsets[t], o1 = offsets[Math.min(t + 1, lastTap)], o2 = offsets[Math.min(t + 2, lastTap)],
                o3 = offsets[Math.min(t + 3, lastTap)], o4 = offsets[Math.min(t + 4, lastTap)],
                o5 = offsets[Math.min(t + 5, lastTap)], o6 = offsets[Math.min(t + 6, lastTap)],
                o7 = offsets[Math.min(t + 7, lastTap)];
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00, a06 = a00, a07 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a15 = a00, a16 = a00, a17 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a25 = a00, a26 = a00, a27 = a00;
        for (int q = 0; q < count; q++) {
            int xb = xpBase + q * xpFloats, db = dyBase + q * dyFloats;
            for (int p = 0; p < pixels; p += L) {
                FloatVector d0 = FloatVector.fromArray(S, ws, db + f0 + p);
                FloatVector d1 = FloatVector.fromArray(S, ws, db + f1 + p);
                FloatVector d2 = FloatVector.fromArray(S, ws, db + f2 + p);
                FloatVector v = FloatVector.fromArray(S, ws, xb + o0 + p);
                a00 = FMA ? v.fma(d0, a00) : v.mul(d0).add(a00);
                a10 = FMA ? v.fma(d1, a10) : v.mul(d1).add(a10);
                a20 = FMA ? v.fma(d2, a20) : v.mul(d2).add(a20);
                v = FloatVector.fromArray(S, ws, xb + o1 + p);
                a01 = FMA ? v.fma(d0, a01) : v.mul(d0).add(a01);
                a11 = FMA ? v.fma(d1, a11) : v.mul(d1).add(a11);
                a21 = FMA ? v.fma(d2, a21) : v.mul(d2).add(a21);
                v = FloatVector.fromArray(S, ws, xb + o2 + p);
                a02 = FMA ? v.fma(d0, a02) : v.mul(d0).add(a02);
                a12 = FMA ? v.fma(d1, a12) : v.mul(d1).add(a12);
                a22 = FMA ? v.fma(d2, a22) : v.mul(d2).add(a22);
                v = FloatVector.fromArray(S, ws, xb + o3 + p);
                a03 = FMA ? v.fma(d0, a03) : v.mul(d0).add(a03);
                a13 = FMA ? v.fma(d1, a13) : v.mul(d1).add(a13);
                a23 = FMA ? v.fma(d2, a23) : v.mul(d2).add(a23);
                v = FloatVector.fromArray(S, ws, xb + o4 + p);
                a04 = FMA ? v.fma(d0, a04) : v.mul(d0).add(a04);
                a14 = FMA ? v.fma(d1, a14) : v.mul(d1).add(a14);
                a24 = FMA ? v.fma(d2, a24) : v.mul(d2).add(a24);
                v = FloatVector.fromArray(S, ws, xb + o5 + p);
                a05 = FMA ? v.fma(d0, a05) : v.mul(d0).add(a05);
                a15 = FMA ? v.fma(d1, a15) : v.mul(d1).add(a15);
                a25 = FMA ? v.fma(d2, a25) : v.mul(d2).add(a25);
                v = FloatVector.fromArray(S, ws, xb + o6 + p);
                a06 = FMA ? v.fma(d0, a06) : v.mul(d0).add(a06);
                a16 = FMA ? v.fma(d1, a16) : v.mul(d1).add(a16);
                a26 = FMA ? v.fma(d2, a26) : v.mul(d2).add(a26);
                v = FloatVector.fromArray(S, ws, xb + o7 + p);
                a07 = FMA ? v.fma(d0, a07) : v.mul(d0).add(a07);
                a17 = FMA ? v.fma(d1, a17) : v.mul(d1).add(a17);
                a27 = FMA ? v.fma(d2, a27) : v.mul(d2).add(a27);
            }
        }
        a00.intoArray(ws, sums);
        a01.intoArray(ws, sums + L);
        a02.intoArray(ws, sums + 2 * L);
        a03.intoArray(ws, sums + 3 * L);
        a04.intoArray(ws, sums + 4 * L);
        a05.intoArray(ws, sums + 5 * L);
        a06.intoArray(ws, sums + 6 * L);
        a07.intoArray(ws, sums + 7 * L);
        a10.intoArray(ws, sums + 8 * L);
        a11.intoArray(ws, sums + 9 * L);
        a12.intoArray(ws, sums + 10 * L);
        a13.intoArray(ws, sums + 11 * L);
        a14.intoArray(ws, sums + 12 * L);
        a15.intoArray(ws, sums + 13 * L);
        a16.intoArray(ws, sums + 14 * L);
        a17.intoArray(ws, sums + 15 * L);
        a20.intoArray(ws, sums + 16 * L);
        a21.intoArray(ws, sums + 17 * L);
        a22.intoArray(ws, sums + 18 * L);
        a23.intoArray(ws, sums + 19 * L);
        a24.intoArray(ws, sums + 20 * L);
        a25.intoArray(ws, sums + 21 * L);
        a26.intoArray(ws, sums + 22 * L);
        a27.intoArray(ws, sums + 23 * L);
    }

    /** Two filters × four taps (16 vector registers). */
    private void block2x4(float[] ws, int xpBase, int xpFloats, int dyBase, int dyFloats, int count, int f, int t, int sums) {
        int last = g.outC() - 1, lastTap = offsets.length - 1;
        int f0 = f * pixels, f1 = Math.min(f + 1, last) * pixels;
        int o0 = offsets[t], o1 = offsets[Math.min(t + 1, lastTap)], o2 = offsets[Math.min(t + 2, lastTap)],
                o3 = offsets[Math.min(t + 3, lastTap)];
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        for (int q = 0; q < count; q++) {
            int xb = xpBase + q * xpFloats, db = dyBase + q * dyFloats;
            for (int p = 0; p < pixels; p += L) {
                FloatVector d0 = FloatVector.fromArray(S, ws, db + f0 + p);
                FloatVector d1 = FloatVector.fromArray(S, ws, db + f1 + p);
                FloatVector v = FloatVector.fromArray(S, ws, xb + o0 + p);
                a00 = FMA ? v.fma(d0, a00) : v.mul(d0).add(a00);
                a10 = FMA ? v.fma(d1, a10) : v.mul(d1).add(a10);
                v = FloatVector.fromArray(S, ws, xb + o1 + p);
                a01 = FMA ? v.fma(d0, a01) : v.mul(d0).add(a01);
                a11 = FMA ? v.fma(d1, a11) : v.mul(d1).add(a11);
                v = FloatVector.fromArray(S, ws, xb + o2 + p);
                a02 = FMA ? v.fma(d0, a02) : v.mul(d0).add(a02);
                a12 = FMA ? v.fma(d1, a12) : v.mul(d1).add(a12);
                v = FloatVector.fromArray(S, ws, xb + o3 + p);
                a03 = FMA ? v.fma(d0, a03) : v.mul(d0).add(a03);
                a13 = FMA ? v.fma(d1, a13) : v.mul(d1).add(a13);
            }
        }
        a00.intoArray(ws, sums);
        a01.intoArray(ws, sums + L);
        a02.intoArray(ws, sums + 2 * L);
        a03.intoArray(ws, sums + 3 * L);
        a10.intoArray(ws, sums + TAPS * L);
        a11.intoArray(ws, sums + (TAPS + 1) * L);
        a12.intoArray(ws, sums + (TAPS + 2) * L);
        a13.intoArray(ws, sums + (TAPS + 3) * L);
    }

    /** One range's scratch: its partial gradient (unused by a lone range), a chunk's padded inputs and gradients, the block sums. */
    private int slotFloats(int chunk) {
        long n = (long) g.weightSize() + (long) chunk * image.floats() + (long) chunk * g.outC() * pixels + (long) FILTERS * TAPS * L;
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("conv weight gradient workspace of " + g + " does not fit an array");
        return (int) n;
    }

    private static int slices(Workers workers, int batch) {
        return Math.max(1, Math.min(workers.threads(), batch));
    }

    private static int first(int batch, int slices, int t) {
        return (int) ((long) batch * t / slices);
    }
}
