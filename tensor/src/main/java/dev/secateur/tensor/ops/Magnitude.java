package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Magnitude reductions of weight tensors, the scoring hot path of pruning: L1, L2 and max-abs
 * over a whole range, per row, per column, per output filter or input channel of a conv weight
 * {@code [F, C, kH, kW]}, and per r×c block. Results go into caller-provided {@code double[]}.
 *
 * <p>Accumulation: four float32 vector accumulators over chunks of {@value #CHUNK} elements (so
 * the loads, not the adds, are the bound), each chunk's sum added to a float64 total; the error is
 * that of a float32 sum of at most {@value #CHUNK} terms per chunk. Results are deterministic.
 *
 * <p>The seed's contribution variant adds {@code |bias[f]|} to the norm of row / filter f when a
 * bias array is given (for every {@link Norm}).
 */
public final class Magnitude {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    /** Where float max is no instruction, max-abs is an integer max of the bits with the sign cleared (same order, NaN above +∞). */
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final int ABS_BITS = 0x7fffffff;
    private Magnitude() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> SI = S.vectorShape().withLanes(int.class);
    /** Elements summed in float32 before the partial sum moves to float64. */
    static final int CHUNK = 4096;
    /** Rows accumulated in a float32 column buffer before it is flushed to float64. */
    private static final int ROW_CHUNK = 256;

    private static final ThreadLocal<float[]> FLOAT_SCRATCH = ThreadLocal.withInitial(() -> new float[256]);
    private static final ThreadLocal<double[]> DOUBLE_SCRATCH = ThreadLocal.withInitial(() -> new double[256]);

    // ---------------------------------------------------------------- whole ranges

    /** The norm of {@code x[off, off+n)}. */
    public static double of(Norm norm, float[] x, int off, int n) {
        if (norm == null || n < 0 || !Checks.in(x, off, n)) {
            String ctx = "Magnitude.of(" + norm + ", n=" + n + ")";
            checkNorm(norm, ctx);
            Checks.nonNegative("n", n, ctx);
            Checks.range("x", x, off, n, ctx);
        }
        return finish(norm, raw(norm, x, off, n));
    }

    /** Σ x² over {@code x[off, off+n)}. */
    public static double sumOfSquares(float[] x, int off, int n) {
        if (n < 0 || !Checks.in(x, off, n)) {
            String ctx = "Magnitude.sumOfSquares(n=" + n + ")";
            Checks.nonNegative("n", n, ctx);
            Checks.range("x", x, off, n, ctx);
        }
        return raw(Norm.L2, x, off, n);
    }

    // ---------------------------------------------------------------- rows, filters

    /**
     * {@code out[outOff + r] = norm(x[r, ·]) (+ |bias[r]|)} for a row-major {@code [rows, cols]} matrix.
     *
     * @param bias {@code rows} values from index 0, or null
     */
    public static void perRow(Norm norm, float[] x, int off, int rows, int cols, float[] bias, double[] out, int outOff) {
        if (norm == null || !Checks.fits(rows, cols) || !Checks.in(x, off, (long) rows * cols)
                || (bias != null && !Checks.in(bias, 0, rows)) || !Checks.in(out, outOff, rows)) {
            String ctx = "Magnitude.perRow(" + norm + ", rows=" + rows + ", cols=" + cols + ")";
            checkMatrix(norm, x, off, rows, cols, ctx);
            if (bias != null) Checks.range("bias", bias, 0, rows, ctx);
            Checks.range("out", out, outOff, rows, ctx);
        }
        for (int r = 0; r < rows; r++) {
            double v = finish(norm, raw(norm, x, off + r * cols, cols));
            out[outOff + r] = bias == null ? v : v + Math.abs(bias[r]);
        }
    }

    /**
     * Per output filter of a conv weight {@code [filters, channels, kH, kW]}:
     * {@code out[f] = norm(W[f, ·, ·, ·]) (+ |bias[f]|)}.
     */
    public static void perFilter(Norm norm, float[] w, int off, int filters, int channels, int kH, int kW,
                                 float[] bias, double[] out, int outOff) {
        if (!Checks.fits(channels, kH, kW)) {
            Checks.size("Magnitude.perFilter(channels=" + channels + ", kernel=" + kH + "x" + kW + ")", channels, kH, kW);
        }
        perRow(norm, w, off, filters, channels * kH * kW, bias, out, outOff);
    }

    /**
     * The seed's max-tap contribution of each filter of {@code [filters, channels, kH, kW]}:
     * {@code out[f] = Σ_c max_taps |W[f, c, ·, ·]| (+ |bias[f]|)}.
     */
    public static void perFilterMaxTap(float[] w, int off, int filters, int channels, int kH, int kW,
                                       float[] bias, double[] out, int outOff) {
        if (!(Checks.fits(kH, kW) && Checks.fits(filters, channels, (long) kH * kW)
                && Checks.in(w, off, (long) filters * channels * kH * kW) && (bias == null || Checks.in(bias, 0, filters))
                && Checks.in(out, outOff, filters))) {
            String ctx = "Magnitude.perFilterMaxTap(filters=" + filters + ", channels=" + channels + ", kernel=" + kH + "x" + kW + ")";
            int total = Checks.size(ctx, filters, channels, Checks.size(ctx, kH, kW));
            Checks.range("w", w, off, total, ctx);
            if (bias != null) Checks.range("bias", bias, 0, filters, ctx);
            Checks.range("out", out, outOff, filters, ctx);
        }
        int taps = kH * kW;
        for (int f = 0; f < filters; f++) {
            double s = 0;
            for (int c = 0; c < channels; c++) {
                int base = off + (f * channels + c) * taps;
                float m = 0f;
                for (int t = 0; t < taps; t++) m = Math.max(m, Math.abs(w[base + t]));
                s += m;
            }
            out[outOff + f] = bias == null ? s : s + Math.abs(bias[f]);
        }
    }

    // ---------------------------------------------------------------- columns, channels, blocks

    /** {@code out[outOff + c] = norm(x[·, c])} for a row-major {@code [rows, cols]} matrix. */
    public static void perColumn(Norm norm, float[] x, int off, int rows, int cols, double[] out, int outOff) {
        if (!(matrixOk(norm, x, off, rows, cols) && Checks.in(out, outOff, cols))) {
            String ctx = "Magnitude.perColumn(" + norm + ", rows=" + rows + ", cols=" + cols + ")";
            checkMatrix(norm, x, off, rows, cols, ctx);
            Checks.range("out", out, outOff, cols, ctx);
        }
        java.util.Arrays.fill(out, outOff, outOff + cols, 0.0);
        columnsRaw(norm, x, off, 0, rows, cols, out, outOff);
        for (int c = 0; c < cols; c++) out[outOff + c] = finish(norm, out[outOff + c]);
    }

    /**
     * Per input channel of a conv weight {@code [filters, channels, kH, kW]}:
     * {@code out[c] = norm over all filters and taps of W[·, c, ·, ·]}.
     */
    public static void perInputChannel(Norm norm, float[] w, int off, int filters, int channels, int kH, int kW,
                                       double[] out, int outOff) {
        if (!(Checks.fits(channels, kH, kW) && matrixOk(norm, w, off, filters, channels * kH * kW)
                && Checks.in(out, outOff, channels))) {
            String ctx = "Magnitude.perInputChannel(" + norm + ", filters=" + filters + ", channels=" + channels
                    + ", kernel=" + kH + "x" + kW + ")";
            int cols = Checks.size(ctx, channels, Checks.size(ctx, kH, kW));
            checkMatrix(norm, w, off, filters, cols, ctx);
            Checks.range("out", out, outOff, channels, ctx);
        }
        int taps = kH * kW, cols = channels * taps;
        double[] colRaw = doubleScratch(cols);
        java.util.Arrays.fill(colRaw, 0, cols, 0.0);
        columnsRaw(norm, w, off, 0, filters, cols, colRaw, 0);
        for (int c = 0; c < channels; c++) out[outOff + c] = finish(norm, combine(norm, colRaw, c * taps, taps));
    }

    /** Number of blocks along a dimension of {@code size} cut into pieces of {@code block} (edge pieces partial). */
    public static int blockCount(int size, int block) {
        if (size < 0 || block < 1) throw new IllegalArgumentException("blockCount(size=" + size + ", block=" + block + ")");
        return size == 0 ? 0 : (size - 1) / block + 1;
    }

    /**
     * Per {@code blockRows×blockCols} block of a row-major {@code [rows, cols]} matrix:
     * {@code out[outOff + i*nbc + j] = norm(x[i*br .. , j*bc .. ])} with
     * {@code nbc = blockCount(cols, blockCols)}; blocks at the right and bottom edges are partial.
     */
    public static void perBlock(Norm norm, float[] x, int off, int rows, int cols, int blockRows, int blockCols,
                                double[] out, int outOff) {
        if (!(matrixOk(norm, x, off, rows, cols) && blockRows >= 1 && blockCols >= 1
                && Checks.in(out, outOff, (long) blockCount(rows, blockRows) * blockCount(cols, blockCols)))) {
            String ctx = "Magnitude.perBlock(" + norm + ", rows=" + rows + ", cols=" + cols + ", block=" + blockRows + "x"
                    + blockCols + ")";
            checkMatrix(norm, x, off, rows, cols, ctx);
            if (blockRows < 1 || blockCols < 1) throw new IllegalArgumentException("block sizes must be >= 1 in " + ctx);
            Checks.range("out", out, outOff, (long) blockCount(rows, blockRows) * blockCount(cols, blockCols), ctx);
        }
        int nbr = blockCount(rows, blockRows), nbc = blockCount(cols, blockCols);
        double[] colRaw = doubleScratch(cols);
        for (int i = 0; i < nbr; i++) {
            int r0 = i * blockRows, r1 = Math.min(rows, r0 + blockRows);
            java.util.Arrays.fill(colRaw, 0, cols, 0.0);
            columnsRaw(norm, x, off, r0, r1, cols, colRaw, 0);
            for (int j = 0; j < nbc; j++) {
                int c0 = j * blockCols, c1 = Math.min(cols, c0 + blockCols);
                out[outOff + i * nbc + j] = finish(norm, combine(norm, colRaw, c0, c1 - c0));
            }
        }
    }

    // ---------------------------------------------------------------- kernels

    /** Σ|x|, Σx² or max|x| of a range, without the final square root. */
    static double raw(Norm norm, float[] x, int off, int n) {
        if (norm == Norm.MAX_ABS) return maxAbs(x, off, n);
        double total = 0;
        for (int i = 0; i < n; i += CHUNK) {
            int len = Math.min(CHUNK, n - i);
            total += norm == Norm.L1 ? sumAbsChunk(x, off + i, len) : sumSqChunk(x, off + i, len);
        }
        return total;
    }

    private static float sumAbsChunk(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int ub = n - 4 * L; i <= ub; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i).abs());
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + L).abs());
            a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * L).abs());
            a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * L).abs());
        }
        for (; i <= n - L; i += L) a0 = a0.add(FloatVector.fromArray(S, x, off + i).abs());
        float s = Lanes.sum(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) s += Math.abs(x[off + i]);
        return s;
    }

    private static float sumSqChunk(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int ub = n - 4 * L; i <= ub; i += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, x, off + i);
            FloatVector v1 = FloatVector.fromArray(S, x, off + i + L);
            FloatVector v2 = FloatVector.fromArray(S, x, off + i + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, x, off + i + 3 * L);
            a0 = (FMA ? v0.fma(v0, a0) : v0.mul(v0).add(a0));
            a1 = (FMA ? v1.fma(v1, a1) : v1.mul(v1).add(a1));
            a2 = (FMA ? v2.fma(v2, a2) : v2.mul(v2).add(a2));
            a3 = (FMA ? v3.fma(v3, a3) : v3.mul(v3).add(a3));
        }
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            a0 = (FMA ? v.fma(v, a0) : v.mul(v).add(a0));
        }
        float s = Lanes.sum(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) s = Fma.fma(x[off + i], x[off + i], s);
        return s;
    }

    private static float maxAbs(float[] x, int off, int n) {
        if (!FLOAT_MAX) return maxAbsBits(x, off, n);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int ub = n - 4 * L; i <= ub; i += 4 * L) {
            a0 = a0.max(FloatVector.fromArray(S, x, off + i).abs());
            a1 = a1.max(FloatVector.fromArray(S, x, off + i + L).abs());
            a2 = a2.max(FloatVector.fromArray(S, x, off + i + 2 * L).abs());
            a3 = a3.max(FloatVector.fromArray(S, x, off + i + 3 * L).abs());
        }
        for (; i <= n - L; i += L) a0 = a0.max(FloatVector.fromArray(S, x, off + i).abs());
        float m = a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, Math.abs(x[off + i]));
        return m;
    }

    private static float maxAbsBits(float[] x, int off, int n) {
        IntVector a0 = IntVector.zero(SI), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int ub = n - 4 * L; i <= ub; i += 4 * L) {
            a0 = a0.max(FloatVector.fromArray(S, x, off + i).reinterpretAsInts().and(ABS_BITS));
            a1 = a1.max(FloatVector.fromArray(S, x, off + i + L).reinterpretAsInts().and(ABS_BITS));
            a2 = a2.max(FloatVector.fromArray(S, x, off + i + 2 * L).reinterpretAsInts().and(ABS_BITS));
            a3 = a3.max(FloatVector.fromArray(S, x, off + i + 3 * L).reinterpretAsInts().and(ABS_BITS));
        }
        for (; i <= n - L; i += L) a0 = a0.max(FloatVector.fromArray(S, x, off + i).reinterpretAsInts().and(ABS_BITS));
        float m = Float.intBitsToFloat(a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX));
        for (; i < n; i++) m = Math.max(m, Math.abs(x[off + i]));
        return m;
    }

    /**
     * Adds (or maxes) the raw column reductions of rows {@code [r0, r1)} into {@code acc[accOff + c]}:
     * rows are folded into a float32 buffer {@value #ROW_CHUNK} at a time, then flushed to float64.
     */
    private static void columnsRaw(Norm norm, float[] x, int off, int r0, int r1, int cols, double[] acc, int accOff) {
        if (cols == 0) return;
        float[] buf = floatScratch(cols);
        for (int rs = r0; rs < r1; rs += ROW_CHUNK) {
            int re = Math.min(r1, rs + ROW_CHUNK);
            java.util.Arrays.fill(buf, 0, cols, 0f);
            for (int r = rs; r < re; r++) {
                int row = off + r * cols;
                switch (norm) {
                    case L1 -> addAbsRow(x, row, buf, cols);
                    case L2 -> addSqRow(x, row, buf, cols);
                    case MAX_ABS -> maxAbsRow(x, row, buf, cols);
                }
            }
            if (norm == Norm.MAX_ABS) {
                for (int c = 0; c < cols; c++) acc[accOff + c] = Math.max(acc[accOff + c], buf[c]);
            } else {
                for (int c = 0; c < cols; c++) acc[accOff + c] += buf[c];
            }
        }
    }

    private static void addAbsRow(float[] x, int row, float[] buf, int cols) {
        int c = 0;
        for (int ub = S.loopBound(cols); c < ub; c += L) {
            FloatVector.fromArray(S, x, row + c).abs().add(FloatVector.fromArray(S, buf, c)).intoArray(buf, c);
        }
        for (; c < cols; c++) buf[c] += Math.abs(x[row + c]);
    }

    private static void addSqRow(float[] x, int row, float[] buf, int cols) {
        int c = 0;
        for (int ub = S.loopBound(cols); c < ub; c += L) {
            FloatVector v = FloatVector.fromArray(S, x, row + c);
            (FMA ? v.fma(v, FloatVector.fromArray(S, buf, c)) : v.mul(v).add(FloatVector.fromArray(S, buf, c))).intoArray(buf, c);
        }
        for (; c < cols; c++) buf[c] = Fma.fma(x[row + c], x[row + c], buf[c]);
    }

    private static void maxAbsRow(float[] x, int row, float[] buf, int cols) {
        int c = 0;
        for (int ub = S.loopBound(cols); c < ub; c += L) {
            FloatVector v = FloatVector.fromArray(S, x, row + c), m = FloatVector.fromArray(S, buf, c);
            if (FLOAT_MAX) v.abs().max(m).intoArray(buf, c);
            else v.reinterpretAsInts().and(ABS_BITS).max(m.reinterpretAsInts()).reinterpretAsFloats().intoArray(buf, c); // buf >= 0
        }
        for (; c < cols; c++) buf[c] = Math.max(buf[c], Math.abs(x[row + c]));
    }

    /** Combines {@code n} raw column values into one raw group value. */
    private static double combine(Norm norm, double[] raw, int from, int n) {
        double s = 0;
        if (norm == Norm.MAX_ABS) {
            for (int i = 0; i < n; i++) s = Math.max(s, raw[from + i]);
        } else {
            for (int i = 0; i < n; i++) s += raw[from + i];
        }
        return s;
    }

    private static double finish(Norm norm, double raw) {
        return norm == Norm.L2 ? Math.sqrt(raw) : raw;
    }

    private static float[] floatScratch(int n) {
        float[] b = FLOAT_SCRATCH.get();
        if (b.length < n) FLOAT_SCRATCH.set(b = new float[n]);
        return b;
    }

    private static double[] doubleScratch(int n) {
        double[] b = DOUBLE_SCRATCH.get();
        if (b.length < n) DOUBLE_SCRATCH.set(b = new double[n]);
        return b;
    }

    private static void checkNorm(Norm norm, String ctx) {
        if (norm == null) throw new IllegalArgumentException("norm is null in " + ctx);
    }

    private static boolean matrixOk(Norm norm, float[] x, int off, int rows, int cols) {
        return norm != null && Checks.fits(rows, cols) && Checks.in(x, off, (long) rows * cols);
    }

    private static void checkMatrix(Norm norm, float[] x, int off, int rows, int cols, String ctx) {
        checkNorm(norm, ctx);
        int total = Checks.size(ctx, rows, cols);
        Checks.range("x", x, off, total, ctx);
    }
}
