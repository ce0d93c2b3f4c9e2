package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.secateur.tensor.reference.ReferenceSpmm;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Every format and kernel against the float64 masked reference, on random shapes and masks. */
class SparseMatrixPropertiesTest {
    private static final double[] SPARSITIES = {0.0, 0.5, 0.9, 0.99, 1.0};
    private static final int[] BATCHES = {1, 3, 17, 64, 2, 33};

    @Property(tries = 200)
    void everyFormatMatchesTheMaskedReference(@ForAll Fixtures.Format format,
                                              @ForAll @IntRange(min = 0, max = 70) int rows,
                                              @ForAll @IntRange(min = 0, max = 90) int cols,
                                              @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                                              @ForAll @IntRange(min = 0, max = 5) int batchIndex,
                                              @ForAll @IntRange(min = 0, max = 2) int pool,
                                              @ForAll boolean withBias, @ForAll boolean relu,
                                              @ForAll @LongRange(min = 1) long seed) {
        Assume.that(format.runsHere());
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, SPARSITIES[sparsityIndex], rnd.nextBoolean(), format.nm());
        SparseMatrix a = format.build(w, rows, cols, mask);
        assertEquals(rows, a.rows());
        assertEquals(cols, a.cols());
        long kept = 0;
        for (boolean b : mask) if (b) kept++;
        assertEquals(kept, a.nonZeros(), "nonZeros");
        // The kernel is checked against the weights the format really holds (int8: dequantized).
        float[] held = format.quantized() ? a.toDense() : Fixtures.masked(w, mask);
        assertProductMatchesReference(a, held, BATCHES[batchIndex], Fixtures.POOLS[pool], withBias, relu, rnd);
    }

    /**
     * The SELL formats' batched loops take whole batch vectors (one or two at a time) with plain
     * loads and the rest under masks: batches just below, at and just above those multiples.
     */
    @Property(tries = 60)
    void sellFormatsMatchTheReferenceAroundWholeBatchVectors(
            @ForAll("sellFormats") Fixtures.Format format, @ForAll @IntRange(min = 1, max = 140) int rows,
            @ForAll @IntRange(min = 1, max = 150) int cols, @ForAll @IntRange(min = -1, max = 1) int around,
            @ForAll @IntRange(min = 1, max = 4) int vectors, @ForAll boolean relu, @ForAll @LongRange(min = 1) long seed) {
        Assume.that(format.runsHere());
        int batch = Math.max(2, vectors * dev.secateur.tensor.platform.VectorPlatform.LANES + around);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, 0.8, rnd.nextBoolean(), format.nm());
        SparseMatrix a = format.build(w, rows, cols, mask);
        assertProductMatchesReference(a, Fixtures.masked(w, mask), batch, Fixtures.POOLS[0], true, relu, rnd);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Fixtures.Format> sellFormats() {
        return net.jqwik.api.Arbitraries.of(Fixtures.Format.SELL, Fixtures.Format.WSELL, Fixtures.Format.WSELL8, Fixtures.Format.WSELL4);
    }

    /**
     * {@code a}'s product (batch, pool, optional bias and ReLU, random offsets) against the
     * float64 reference over {@code held}; nothing written outside the output; at batch 1 also
     * {@code multiplyVector}, which must agree bit for bit.
     */
    static void assertProductMatchesReference(SparseMatrix a, float[] held, int batch, dev.secateur.tensor.Workers pool,
                                                      boolean withBias, boolean relu, SplittableRandom rnd) {
        int rows = a.rows(), cols = a.cols();
        float[] bias = withBias ? Fixtures.weights(rnd, rows) : null;
        int xOff = rnd.nextInt(5), yOff = rnd.nextInt(5);
        float[] x = Fixtures.weights(rnd, xOff + cols * batch);
        float[] expected = ReferenceSpmm.multiply(held, null, rows, cols, x, xOff, batch, bias, relu);
        double[] scale = ReferenceSpmm.absProducts(held, null, rows, cols, x, xOff, batch, bias);

        float[] y = new float[yOff + rows * batch + 3];
        Arrays.fill(y, Float.NaN);
        a.multiplyBatch(pool, x, xOff, batch, y, yOff, bias, relu);
        assertClose(expected, scale, y, yOff, cols, a.format() + " " + rows + "x" + cols + " batch " + batch);
        assertTrue(Float.isNaN(y[yOff + rows * batch]), "wrote past the output");
        if (yOff > 0) assertTrue(Float.isNaN(y[yOff - 1]), "wrote before the output");

        if (batch == 1) {
            float[] y1 = new float[yOff + rows];
            a.multiplyVector(x, xOff, y1, yOff, bias, relu);
            assertArrayEquals(Arrays.copyOfRange(y, yOff, yOff + rows), Arrays.copyOfRange(y1, yOff, yOff + rows),
                    "multiplyVector and multiplyBatch(batch 1) differ");
        }
    }

    /**
     * Two unit ranges split anywhere write disjoint outputs that together cover the product: a
     * range that touched rows of the next one would race with the thread computing them. With
     * ReLU the outputs start at -1 (a value ReLU never leaves), so even a ReLU pass over another
     * range's rows is caught, single-threaded and deterministically.
     */
    @Property(tries = 120)
    void aUnitRangeWritesOnlyItsOwnRows(@ForAll Fixtures.Format format,
                                        @ForAll @IntRange(min = 1, max = 70) int rows,
                                        @ForAll @IntRange(min = 1, max = 60) int cols,
                                        @ForAll @IntRange(min = 0, max = 5) int batchIndex,
                                        @ForAll boolean relu,
                                        @ForAll @LongRange(min = 1) long seed) {
        Assume.that(format.runsHere());
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        SparseMatrix built = format.build(w, rows, cols, Fixtures.mask(rnd, rows, cols, 0.5, rnd.nextBoolean(), format.nm()));
        if (!(built instanceof AbstractSparseMatrix a)) return;
        int batch = BATCHES[batchIndex], units = a.units(), split = rnd.nextInt(units + 1);
        float[] x = Fixtures.weights(rnd, cols * batch), bias = Fixtures.weights(rnd, rows);
        float sentinel = relu ? -1f : Float.NaN;
        float[] first = new float[rows * batch], second = new float[rows * batch];
        Arrays.fill(first, sentinel);
        Arrays.fill(second, sentinel);
        runRange(a, x, batch, first, bias, relu, 0, split);
        runRange(a, x, batch, second, bias, relu, split, units);
        for (int i = 0; i < rows * batch; i++) {
            boolean inFirst = !sameBits(first[i], sentinel), inSecond = !sameBits(second[i], sentinel);
            if (inFirst == inSecond) {
                fail(built.format() + " " + rows + "x" + cols + " batch " + batch + " split at unit " + split + " of " + units
                        + ": output " + i + (inFirst ? " written by both ranges" : " written by neither range"));
            }
        }
    }

    private static void runRange(AbstractSparseMatrix a, float[] x, int batch, float[] y, float[] bias, boolean relu, int u0, int u1) {
        if (u0 >= u1) return;
        if (batch == 1) a.vectorRange(x, 0, y, 0, bias, relu, u0, u1);
        else a.batchRange(x, 0, batch, y, 0, bias, relu, u0, u1);
    }

    private static boolean sameBits(float a, float b) {
        return Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
    }

    @Property(tries = 60)
    void resultsDoNotDependOnTheThreadCount(@ForAll Fixtures.Format format,
                                            @ForAll @IntRange(min = 1, max = 60) int rows,
                                            @ForAll @IntRange(min = 1, max = 60) int cols,
                                            @ForAll @IntRange(min = 0, max = 5) int batchIndex,
                                            @ForAll @LongRange(min = 1) long seed) {
        Assume.that(format.runsHere());
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        SparseMatrix a = format.build(w, rows, cols, Fixtures.mask(rnd, rows, cols, 0.7, true, format.nm()));
        int batch = BATCHES[batchIndex];
        float[] x = Fixtures.weights(rnd, cols * batch);
        float[] first = null;
        for (var pool : Fixtures.POOLS) {
            float[] y = new float[rows * batch];
            a.multiplyBatch(pool, x, 0, batch, y, 0, null, false);
            if (first == null) first = y;
            else assertArrayEquals(first, y, "threads " + pool.threads());
        }
    }

    @Property(tries = 150)
    void toDenseIsTheExactInverseOfTheBuild(@ForAll Fixtures.Format format,
                                            @ForAll @IntRange(min = 0, max = 50) int rows,
                                            @ForAll @IntRange(min = 0, max = 50) int cols,
                                            @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                                            @ForAll @LongRange(min = 1) long seed) {
        Assume.that(format.runsHere());
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        // Kept zeros of both signs must survive the round trip.
        for (int i = 0; i < w.length; i += 7) w[i] = (i & 8) == 0 ? 0f : -0f;
        boolean[] mask = Fixtures.mask(rnd, rows, cols, SPARSITIES[sparsityIndex], true, format.nm());
        SparseMatrix a = format.build(w, rows, cols, mask);
        float[] expected = Fixtures.masked(w, mask);
        float[] back = a.toDense();
        if (!format.quantized()) {
            assertArrayEquals(expected, back, a.format() + " toDense");
            return;
        }
        for (int r = 0; r < rows; r++) {
            float max = 0f;
            for (int c = 0; c < cols; c++) max = Math.max(max, Math.abs(expected[r * cols + c]));
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                if (Math.abs(back[i] - expected[i]) > max / 254f * 1.0001f + 1e-30f) {
                    fail("int8 row " + r + " col " + c + ": " + back[i] + " vs " + expected[i] + " (max " + max + ")");
                }
                if (!mask[i]) assertEquals(0f, back[i], "masked-out entry " + i);
            }
        }
    }

    @Property(tries = 80)
    void byteSizeCountsTheStoredArrays(@ForAll @IntRange(min = 1, max = 60) int rows,
                                       @ForAll @IntRange(min = 1, max = 60) int cols,
                                       @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                                       @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, SPARSITIES[sparsityIndex], false, null);
        long nnz = CsrMatrix.from(w, rows, cols, mask).nonZeros();
        assertEquals(6 * nnz + 4L * (rows + 1), CsrMatrix.from(w, rows, cols, mask).byteSize(), "rows this short are not padded");
        assertEquals(3 * nnz + 4L * rows + 4L * (rows + 1), Int8CsrMatrix.from(w, rows, cols, mask).byteSize());
        int mr = dev.secateur.tensor.platform.VectorPlatform.GEMM.mr(); // the packed weight pads rows to whole GEMM panels
        // The SGEMM panels pad rows to whole panels; the layer kernels' transposed copy pads them to whole vectors.
        int lanes = dev.secateur.tensor.platform.VectorPlatform.FLOAT.length();
        long panelled = dev.secateur.tensor.kernels.DenseLayerKernels.GEMV ? 4L * ((rows + lanes - 1) / lanes * lanes) * cols : 0;
        assertEquals(4L * ((rows + mr - 1) / mr * mr) * cols + panelled, DenseMatrix.from(w, rows, cols, mask).byteSize());
        BsrMatrix b4 = BsrMatrix.from(w, rows, cols, mask, 4);
        assertEquals(18L * b4.blocks() + 4L * ((rows + 3) / 4 + 1), b4.byteSize());
        assertTrue(b4.blocks() * 4L >= nnz && b4.blocks() <= (long) cols * ((rows + 3) / 4));
        BitmapMatrix bm = BitmapMatrix.from(w, rows, cols, mask);
        long groups = (rows + 15) / 16;
        assertTrue(bm.byteSize() >= 4 * nnz + 64 + 8 * (groups + 1), "bitmap holds its values and pointers");
        assertTrue(bm.byteSize() <= 4 * nnz + 64 + 8 * (groups + 1) + 4L * groups * cols, "bitmap at most 4 B per column");
    }

    /**
     * The windowed SELLs (wsell16 over fixed 64-column windows, wsell8 and wsell4 over sliding ones)
     * at batch 1 over many windows: widths around the window (narrower ones run in scalar code),
     * slices and wsell16's 64-row bands cut short by the row count, several bands, windows moved left at the last column, empty rows and
     * columns, rows of very different lengths (sliced longest first, stored back in their own
     * order); now and then a small batch.
     */
    @Property(tries = 200)
    void slidingSellMatchesTheReferenceOverManyWindows(@ForAll @IntRange(min = 0, max = 2) int laneIndex,
                                                       @ForAll @IntRange(min = 1, max = 150) int rows,
                                                       @ForAll @IntRange(min = 1, max = 330) int cols,
                                                       @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                                                       @ForAll boolean withBias, @ForAll boolean relu,
                                                       @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, SPARSITIES[sparsityIndex], rnd.nextBoolean(), null);
        if (rnd.nextBoolean()) {
            // Rows of very different lengths: some rows keep a few of their weights only.
            for (int r = 0; r < rows; r++) {
                if (rnd.nextInt(3) != 0) continue;
                double keep = rnd.nextDouble(0.05);
                for (int c = 0; c < cols; c++) mask[r * cols + c] &= rnd.nextDouble() < keep;
            }
        }
        int lanes = new int[] {16, 8, 4}[laneIndex];
        // wsell16 has no scalar fallback: it is offered only where 16 lanes are SIMD code.
        Assume.that(lanes != 16 || WindowedSellMatrix.runsHere());
        SparseMatrix a = switch (lanes) {
            case 16 -> WindowedSellMatrix.from(w, rows, cols, mask);
            case 8 -> WindowedSell8Matrix.from(w, rows, cols, mask);
            default -> WindowedSell4Matrix.from(w, rows, cols, mask);
        };
        float[] held = Fixtures.masked(w, mask);
        assertProductMatchesReference(a, held, 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(20) : 0), Fixtures.POOLS[rnd.nextInt(3)], withBias,
                relu, rnd);
        assertArrayEquals(held, a.toDense(), "toDense");
        assertTrue(a.byteSize() >= 4 * a.nonZeros() + 4L * ((rows + lanes - 1) / lanes + 1), "byteSize counts values and pointers");
    }

    /** Panel CSR over several column panels (the general property stays inside one), any batch, any pool. */
    @Property(tries = 100)
    void panelCsrMatchesTheReferenceOverSeveralPanels(@ForAll @IntRange(min = 1, max = 12) int rows,
                                                      @ForAll @IntRange(min = 100, max = 2200) int cols,
                                                      @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                                                      @ForAll @IntRange(min = 0, max = 5) int batchIndex,
                                                      @ForAll @IntRange(min = 0, max = 2) int pool,
                                                      @ForAll boolean withBias, @ForAll boolean relu,
                                                      @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, SPARSITIES[sparsityIndex], rnd.nextBoolean(), null);
        PanelCsrMatrix a = PanelCsrMatrix.from(w, rows, cols, mask);
        float[] held = Fixtures.masked(w, mask);
        assertArrayEquals(held, a.toDense(), "toDense");
        assertProductMatchesReference(a, held, BATCHES[batchIndex], Fixtures.POOLS[pool], withBias, relu, rnd);
        int panels = (cols + PanelCsrMatrix.PANEL - 1) / PanelCsrMatrix.PANEL;
        assertEquals(6 * a.nonZeros() + 4L * (rows * panels + 1), a.byteSize(), "byteSize");
    }

    /**
     * Panel CSR reading a sample-major input ({@code [batch, cols]}) gives what the reference gives
     * for its transpose: partial chunks of the batch, several panels, empty rows, any pool; and the
     * same bits as the feature-major product of the transposed copy.
     */
    @Property(tries = 100)
    void panelCsrSampleMajorMatchesTheReference(@ForAll @IntRange(min = 1, max = 40) int rows,
                                                @ForAll @IntRange(min = 1, max = 2200) int cols,
                                                @ForAll @IntRange(min = 0, max = 4) int sparsityIndex,
                                                @ForAll @IntRange(min = 2, max = 150) int batch,
                                                @ForAll @IntRange(min = 0, max = 2) int pool,
                                                @ForAll boolean withBias, @ForAll boolean relu,
                                                @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, SPARSITIES[sparsityIndex], rnd.nextBoolean(), null);
        PanelCsrMatrix a = PanelCsrMatrix.from(w, rows, cols, mask);
        float[] held = Fixtures.masked(w, mask);
        float[] bias = withBias ? Fixtures.weights(rnd, rows) : null;
        int xOff = rnd.nextInt(5), yOff = rnd.nextInt(5);
        float[] xs = Fixtures.weights(rnd, xOff + cols * batch); // [batch, cols]
        float[] xt = new float[cols * batch]; // [cols, batch]
        for (int b = 0; b < batch; b++) for (int c = 0; c < cols; c++) xt[c * batch + b] = xs[xOff + b * cols + c];
        float[] expected = ReferenceSpmm.multiply(held, null, rows, cols, xt, 0, batch, bias, relu);
        double[] scale = ReferenceSpmm.absProducts(held, null, rows, cols, xt, 0, batch, bias);
        float[] y = new float[yOff + rows * batch + 3];
        Arrays.fill(y, Float.NaN);
        a.multiplyBatchSampleMajor(Fixtures.POOLS[pool], xs, xOff, batch, y, yOff, bias, relu);
        assertClose(expected, scale, y, yOff, cols, "pcsr sample-major " + rows + "x" + cols + " batch " + batch);
        assertTrue(Float.isNaN(y[yOff + rows * batch]), "wrote past the output");
        if (yOff > 0) assertTrue(Float.isNaN(y[yOff - 1]), "wrote before the output");
        float[] yt = new float[rows * batch];
        a.multiplyBatch(Fixtures.POOLS[pool], xt, 0, batch, yt, 0, bias, relu);
        assertArrayEquals(yt, Arrays.copyOfRange(y, yOff, yOff + rows * batch), "sample-major and feature-major products differ");
    }

    /** |y - ref| ≤ (K + 2)·2⁻²²·Σ|w·x| per output: the error bound of any summation order. */
    static void assertClose(float[] expected, double[] scale, float[] y, int yOff, int k, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = (k + 2) * 0x1p-22 * scale[i] + 1e-30;
            double got = y[yOff + i];
            if (!(Math.abs(got - expected[i]) <= tol)) {
                fail(what + ": output " + i + " is " + got + ", expected " + expected[i] + " (tolerance " + tol + ")");
            }
        }
    }
}
