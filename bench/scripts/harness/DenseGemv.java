import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.*;
import java.util.SplittableRandom;
import java.lang.management.*;

/**
 * One 4096x4096 format at batch 1 in this JVM: eight rounds of 100 calls (ms per call and bytes
 * allocated per call), then the best of 60 passes of a plain scalar row-major loop over the same
 * weights, the floor every kernel must beat. Args: format (default dense), sparsity (default 0).
 */
public class DenseGemv {
    public static void main(String[] a) {
        int m = 4096, k = 4096;
        String fmt = a.length > 0 ? a[0] : "dense";
        double sp = a.length > 1 ? Double.parseDouble(a[1]) : 0.0;
        SplittableRandom rnd = new SplittableRandom(42);
        float[] w = new float[m * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextDouble(-1, 1);
        boolean[] keep = new boolean[m * k];
        for (int i = 0; i < keep.length; i++) keep[i] = rnd.nextDouble() >= sp;
        SparseMatrix mat = SparseFormats.named(fmt).build(w, m, k, keep);
        float[] x = new float[k], y = new float[m];
        for (int i = 0; i < k; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        Workers wk = Workers.of(1);
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 8; round++) {
            int n = 100;
            long b0 = tb.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) mat.multiplyBatch(wk, x, 0, 1, y, 0, null, false);
            long t1 = System.nanoTime();
            long b1 = tb.getCurrentThreadAllocatedBytes();
            System.out.printf("round %d: %.3f ms/call, %d B/call%n", round, (t1 - t0) / 1e6 / n, (b1 - b0) / n);
        }
        float[] wr = new float[m * k];
        for (int i = 0; i < wr.length; i++) wr[i] = keep[i] ? w[i] : 0f;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 60; round++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < m; r++) {
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int o = r * k;
                for (int c = 0; c < k; c += 4) {
                    s0 += wr[o + c] * x[c]; s1 += wr[o + c + 1] * x[c + 1]; s2 += wr[o + c + 2] * x[c + 2]; s3 += wr[o + c + 3] * x[c + 3];
                }
                y[r] = (s0 + s1) + (s2 + s3);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("scalar row-major loop, best: %.3f ms%n", best / 1e6);
        wk.close();
    }
}
