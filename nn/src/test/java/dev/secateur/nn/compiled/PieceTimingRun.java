package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.SparseFormats;
import dev.secateur.tensor.sparse.SparseMatrix;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PieceTimingRun {
    interface Body { void run(); }

    static double time(String name, Body b) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 3000; i++) b.run();
        long c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < 10; i++) b.run();
        int reps = (int) Math.max(1, 1_000_000L * 10 / Math.max(1, mx.getCurrentThreadCpuTime() - c0));
        long[] t = new long[41];
        for (int r = 0; r < t.length; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) b.run();
            t[r] = mx.getCurrentThreadCpuTime() - t0;
        }
        Arrays.sort(t);
        double us = t[0] / 1e3 / reps;
        System.out.printf("  %-40s %9.2f us%n", name, us);
        return us;
    }

    @Test
    void run() {
        assumeTrue(System.getProperty("secateur.pieces") != null);
        int n = 64, k = 784, m = 300;
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n * k], xt = new float[n * k], y = new float[m * n], w = new float[m * k], b = new float[m];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        for (int i = 0; i < w.length; i++) if (r.nextDouble() < 0.08) w[i] = (float) r.nextDouble(-1, 1);
        time("transpose 64x784", () -> TransposeOp.transpose(x, 0, n, k, xt, 0));
        float[] yb = new float[m];
        for (int round = 0; round < 2; round++) {
            for (String f : new String[] {"wsell16", "wsell8", "csr", "bitmap16", "dense"}) {
                SparseMatrix sm = SparseFormats.named(f).build(w, m, k, null);
                time(f + " 784->300 8% b1 (" + sm.byteSize() / 1024 + " KB)", () -> sm.multiplyBatch(Workers.single(), x, 0, 1, yb, 0, b, true));
            }
        }
    }
}
