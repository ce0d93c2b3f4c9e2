package dev.secateur.tensor.sparse;

import dev.secateur.tensor.JitClock;
import dev.secateur.tensor.Workers;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * The steady-state allocation check of the dense products, run as its own JVM by
 * {@code DenseMatrixTest}: batches 1, 3, 17, 64 and 70 (GEMV, small GEMM, edge tiles, the layer
 * kernels with and without leftover columns), feature- and sample-major input, on 1–3 threads
 * must allocate nothing once warm, i.e. in a round of 200 calls after the JIT has been quiet.
 * Exits 1 with a message otherwise.
 */
public final class DenseMatrixAllocation {
    private DenseMatrixAllocation() {}

    public static void main(String[] args) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Rows and columns with tails: edge tiles, a vector tail, two K blocks (300 = 150 + 150), a last one-vector feature panel.
        int rows = 43, cols = 300;
        SplittableRandom rnd = new SplittableRandom(9);
        DenseMatrix a = DenseMatrix.from(Fixtures.weights(rnd, rows * cols), rows, cols);
        float[] bias = Fixtures.weights(rnd, rows);
        for (int batch : new int[] {1, 3, 17, 64, 70}) {
            float[] x = Fixtures.weights(rnd, cols * batch), y = new float[rows * batch];
            for (Workers pool : Fixtures.POOLS) {
                if (!check(a, x, batch, y, bias, pool, false, threads) || !check(a, x, batch, y, bias, pool, true, threads)) System.exit(1);
            }
        }
        System.exit(0);
    }

    /** Whether 200 warm calls (feature- or sample-major input) allocate nothing; prints what they did allocate otherwise. */
    private static boolean check(DenseMatrix a, float[] x, int batch, float[] y, float[] bias, Workers pool, boolean sampleMajor,
                                 com.sun.management.ThreadMXBean threads) {
        long bytes = Long.MAX_VALUE;
        // Vector API code allocates until C2 has compiled it: a clean round once the JIT is quiet.
        JitClock jit = new JitClock();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while ((bytes > 0 || !jit.quietFor(300_000_000L)) && System.nanoTime() < deadline) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) {
                if (sampleMajor) a.multiplyBatchSampleMajor(pool, x, 0, batch, y, 0, bias, true);
                else a.multiplyBatch(pool, x, 0, batch, y, 0, bias, true);
            }
            bytes = threads.getCurrentThreadAllocatedBytes() - before;
        }
        if (bytes != 0) {
            System.out.println("bytes allocated by 200 warm calls, batch " + batch + (sampleMajor ? " sample-major" : "")
                    + ", threads " + pool.threads() + ": " + bytes);
            return false;
        }
        return true;
    }
}
