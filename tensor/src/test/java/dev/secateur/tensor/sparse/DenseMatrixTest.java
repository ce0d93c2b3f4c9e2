package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferenceSpmm;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * DenseMatrix on its pre-packed weights: shapes larger than the shared format properties use
 * (past the K block of 256, the MC block of 192 rows, several panels of 8 rows with a tail),
 * the batches of the benchmarks, the layer kernels' tile edges, bias and ReLU, and the
 * thread-count and allocation guarantees.
 */
class DenseMatrixTest {
    private static final int[] BATCHES = {1, 2, 3, 17, 64, 100};

    @Property(tries = 60)
    void matchesTheMaskedReference(@ForAll @IntRange(min = 1, max = 400) int rows,
                                   @ForAll @IntRange(min = 1, max = 600) int cols,
                                   @ForAll @IntRange(min = 0, max = 5) int batchIndex,
                                   @ForAll @IntRange(min = 0, max = 2) int pool,
                                   @ForAll boolean withBias, @ForAll boolean relu,
                                   @ForAll @LongRange(min = 1) long seed) {
        int batch = BATCHES[batchIndex];
        // Keep the float64 reference cheap.
        if ((long) rows * cols * batch > 2_000_000L) cols = Math.max(1, 2_000_000 / (rows * batch));
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        boolean[] mask = Fixtures.mask(rnd, rows, cols, rnd.nextBoolean() ? 0.0 : 0.5, true, null);
        DenseMatrix a = DenseMatrix.from(w, rows, cols, mask);
        float[] held = Fixtures.masked(w, mask);
        float[] bias = withBias ? Fixtures.weights(rnd, rows) : null;
        int xOff = rnd.nextInt(5), yOff = rnd.nextInt(5);
        float[] x = Fixtures.weights(rnd, xOff + cols * batch);
        float[] expected = ReferenceSpmm.multiply(held, null, rows, cols, x, xOff, batch, bias, relu);
        double[] scale = ReferenceSpmm.absProducts(held, null, rows, cols, x, xOff, batch, bias);
        float[] y = new float[yOff + rows * batch + 3];
        Arrays.fill(y, Float.NaN);
        a.multiplyBatch(Fixtures.POOLS[pool], x, xOff, batch, y, yOff, bias, relu);
        SparseMatrixPropertiesTest.assertClose(expected, scale, y, yOff, cols, "dense " + rows + "x" + cols + " batch " + batch);
        assertTrue(Float.isNaN(y[yOff + rows * batch]), "wrote past the output");
        if (yOff > 0) assertTrue(Float.isNaN(y[yOff - 1]), "wrote before the output");
        if (batch == 1) {
            float[] y1 = new float[yOff + rows];
            a.multiplyVector(x, xOff, y1, yOff, bias, relu);
            assertArrayEquals(Arrays.copyOfRange(y, yOff, yOff + rows), Arrays.copyOfRange(y1, yOff, yOff + rows),
                    "multiplyVector and multiplyBatch(batch 1) differ");
        }
        assertArrayEquals(held, a.toDense(), "toDense");
    }

    /** The sample-major input ({@code [batch, cols]}) gives what the feature-major product of its transpose gives. */
    @Property(tries = 40)
    void sampleMajorInputMatchesTheReference(@ForAll @IntRange(min = 1, max = 300) int rows,
                                             @ForAll @IntRange(min = 1, max = 500) int cols,
                                             @ForAll @IntRange(min = 0, max = 5) int batchIndex,
                                             @ForAll @IntRange(min = 0, max = 2) int pool,
                                             @ForAll boolean withBias, @ForAll boolean relu,
                                             @ForAll @LongRange(min = 1) long seed) {
        int batch = BATCHES[batchIndex];
        if ((long) rows * cols * batch > 2_000_000L) cols = Math.max(1, 2_000_000 / (rows * batch));
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        DenseMatrix a = DenseMatrix.from(w, rows, cols);
        float[] bias = withBias ? Fixtures.weights(rnd, rows) : null;
        int xOff = rnd.nextInt(5), yOff = rnd.nextInt(5);
        float[] xs = Fixtures.weights(rnd, xOff + cols * batch); // [batch, cols]
        float[] xt = new float[cols * batch]; // [cols, batch]
        for (int b = 0; b < batch; b++) for (int c = 0; c < cols; c++) xt[c * batch + b] = xs[xOff + b * cols + c];
        float[] expected = ReferenceSpmm.multiply(w, null, rows, cols, xt, 0, batch, bias, relu);
        double[] scale = ReferenceSpmm.absProducts(w, null, rows, cols, xt, 0, batch, bias);
        float[] y = new float[yOff + rows * batch + 3];
        Arrays.fill(y, Float.NaN);
        a.multiplyBatchSampleMajor(Fixtures.POOLS[pool], xs, xOff, batch, y, yOff, bias, relu);
        SparseMatrixPropertiesTest.assertClose(expected, scale, y, yOff, cols, "dense sample-major " + rows + "x" + cols + " batch " + batch);
        assertTrue(Float.isNaN(y[yOff + rows * batch]), "wrote past the output");
        if (yOff > 0) assertTrue(Float.isNaN(y[yOff - 1]), "wrote before the output");
    }

    /**
     * The layer kernels' edges: batches around the 8-sample groups and the two-vector column tiles,
     * outputs around the feature panels (a last panel of one or two vectors), odd depths (the
     * interleave's scalar tail) across K blocks, both input layouts, every pool.
     */
    @Property(tries = 80)
    void layerKernelEdgesMatchTheReference(@ForAll @IntRange(min = 1, max = 70) int rows,
                                           @ForAll @IntRange(min = 1, max = 530) int cols,
                                           @ForAll @IntRange(min = 1, max = 70) int batch,
                                           @ForAll @IntRange(min = 0, max = 2) int pool,
                                           @ForAll boolean sampleMajor, @ForAll boolean withBias, @ForAll boolean relu,
                                           @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = Fixtures.weights(rnd, rows * cols);
        DenseMatrix a = DenseMatrix.from(w, rows, cols);
        float[] bias = withBias ? Fixtures.weights(rnd, rows) : null;
        int xOff = rnd.nextInt(5), yOff = rnd.nextInt(5);
        float[] x = Fixtures.weights(rnd, xOff + cols * batch);
        float[] xt = new float[cols * batch]; // the feature-major [cols, batch] operand of the reference
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < cols; c++) xt[c * batch + b] = sampleMajor ? x[xOff + b * cols + c] : x[xOff + c * batch + b];
        }
        float[] expected = ReferenceSpmm.multiply(w, null, rows, cols, xt, 0, batch, bias, relu);
        double[] scale = ReferenceSpmm.absProducts(w, null, rows, cols, xt, 0, batch, bias);
        float[] y = new float[yOff + rows * batch + 3];
        Arrays.fill(y, Float.NaN);
        if (sampleMajor) a.multiplyBatchSampleMajor(Fixtures.POOLS[pool], x, xOff, batch, y, yOff, bias, relu);
        else a.multiplyBatch(Fixtures.POOLS[pool], x, xOff, batch, y, yOff, bias, relu);
        SparseMatrixPropertiesTest.assertClose(expected, scale, y, yOff, cols,
                "dense " + (sampleMajor ? "sample" : "feature") + "-major " + rows + "x" + cols + " batch " + batch);
        assertTrue(Float.isNaN(y[yOff + rows * batch]), "wrote past the output");
        if (yOff > 0) assertTrue(Float.isNaN(y[yOff - 1]), "wrote before the output");
    }

    @Test
    void largeProductsDoNotDependOnTheThreadCount() {
        // Big enough for the parallel GEMM (2^22 multiply-adds) and GEMV (2^17 weights) paths.
        int rows = 517, cols = 700;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] w = Fixtures.weights(rnd, rows * cols);
        DenseMatrix a = DenseMatrix.from(w, rows, cols);
        float[] bias = Fixtures.weights(rnd, rows);
        for (int batch : BATCHES) {
            float[] x = Fixtures.weights(rnd, cols * batch);
            float[] first = null;
            for (Workers pool : Fixtures.POOLS) {
                for (int rep = 0; rep < 2; rep++) {
                    float[] y = new float[rows * batch];
                    a.multiplyBatch(pool, x, 0, batch, y, 0, bias, true);
                    if (first == null) first = y;
                    else assertArrayEquals(first, y, "batch " + batch + ", threads " + pool.threads());
                }
            }
            float[] expected = ReferenceSpmm.multiply(w, null, rows, cols, x, 0, batch, bias, true);
            double[] scale = ReferenceSpmm.absProducts(w, null, rows, cols, x, 0, batch, bias);
            SparseMatrixPropertiesTest.assertClose(expected, scale, first, 0, cols, "dense batch " + batch);
        }
    }

    /**
     * Checked in a fresh JVM with this one's vector flags: in a JVM that has run many other tests,
     * C2 has been seen to compile the batch-1 path, for the whole of a 20 s warm-up, with a Vector
     * API call left as its allocating library code (docs/bench/sparse.md) — an effect of the
     * profiles those tests left, which this check cannot tell from the kernels' own steady state.
     */
    @Test
    void steadyStateCallsDoNotAllocate() throws Exception {
        // SSE-only x86 (no AVX) has no SIMD masked loads or float max: kernels there are correct
        // and about as fast as scalar code, but some vector operations run as allocating Java code.
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.secateur.tensor.platform.VectorPlatform.MASKED_MEMORY,
                "masked loads are not SIMD instructions on this platform");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:") || arg.startsWith("--add-modules") || arg.startsWith("-Dsecateur.")) command.add(arg);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DenseMatrixAllocation.class.getName()));
        // A second fresh JVM when the first allocates: the JIT's compile order differs from JVM to JVM,
        // and one run in the test runner allocated on the batch-17 sample-major path while dozens alone
        // did not (docs/bench/compiled.md). Allocation in two fresh JVMs in a row is a kernel's doing.
        String first = allocationCheck(command);
        if (first == null) return;
        System.err.println("allocation check, first JVM: " + first.strip() + "; running it again in a fresh JVM");
        String second = allocationCheck(command);
        assertEquals(null, second, "allocated in two fresh JVMs in a row; the first: " + first);
    }

    /** Runs the allocation check as its own JVM: null when it passed, else what it printed. */
    private static String allocationCheck(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "allocation check did not finish");
        return p.exitValue() == 0 ? null : out;
    }
}
