import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.kernels.PackedWeight;
import dev.secateur.tensor.sparse.DenseMatrix;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One dense layer (m×k weight, bias, ReLU) at batch n, 1 thread: DenseMatrix's product (the layer
 * kernels) against the pre-packed SGEMM/GEMV it used before (plus the same bias/ReLU pass), both
 * on thread CPU time, in alternating rounds in one JVM. Prints median µs per call of each, the
 * median of per-round ratios, and GFLOP/s. Args: m k n layout(sample|feature) [seconds].
 */
public class DenseLayer {
    public static void main(String[] a) {
        int m = Integer.parseInt(a[0]), k = Integer.parseInt(a[1]), n = Integer.parseInt(a[2]);
        boolean sampleMajor = a[3].startsWith("s");
        double seconds = a.length > 4 ? Double.parseDouble(a[4]) : 4;
        SplittableRandom r = new SplittableRandom(7);
        float[] w = new float[m * k], bias = new float[m], x = new float[n * k], y = new float[m * n];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < m; i++) bias[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        DenseMatrix dm = DenseMatrix.from(w, m, k);
        PackedWeight pw = Gemm.prepackA(false, m, k, w, 0, k);
        Workers one = Workers.single();
        Runnable ours = sampleMajor ? () -> dm.multiplyBatchSampleMajor(one, x, 0, n, y, 0, bias, true)
                : () -> dm.multiplyBatch(one, x, 0, n, y, 0, bias, true);
        Runnable before = () -> {
            Gemm.sgemm(one, pw, 0, m, n, 1f, sampleMajor, x, 0, sampleMajor ? k : n, 0f, y, 0, n);
            for (int i = 0; i < m; i++) for (int j = 0, at = i * n; j < n; j++) y[at + j] = Math.max(0f, y[at + j] + bias[i]);
        };
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < 200; i++) { ours.run(); before.run(); }
        double per = (mx.getCurrentThreadCpuTime() - t0) / 400.0;
        int reps = (int) Math.max(1, 5e6 / per);
        for (int i = 0; i < 3000 * Math.max(1, 20 / Math.max(1, (int) (per / 1000))); i++) { ours.run(); before.run(); }
        double[] o = new double[2000], b = new double[2000], ratio = new double[2000];
        int rounds = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end && rounds < o.length) {
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) ours.run();
            long c1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) before.run();
            long c2 = mx.getCurrentThreadCpuTime();
            o[rounds] = (c1 - c0) / 1e3 / reps;
            b[rounds] = (c2 - c1) / 1e3 / reps;
            ratio[rounds] = b[rounds] / o[rounds];
            rounds++;
        }
        o = Arrays.copyOf(o, rounds); b = Arrays.copyOf(b, rounds); ratio = Arrays.copyOf(ratio, rounds);
        Arrays.sort(o); Arrays.sort(b); Arrays.sort(ratio);
        double macs = (double) m * k * n;
        long a0 = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100; i++) ours.run();
        double bytes = (mx.getCurrentThreadAllocatedBytes() - a0) / 100.0;
        System.out.printf("%dx%d n=%d %s-major: layer kernels %.2f us (%.1f GFLOP/s), packed sgemm+pass %.2f us (%.1f GFLOP/s), "
                        + "speed-up (median of %d round ratios) %.2fx [q1 %.2f, q3 %.2f], layer kernels allocate %.0f B/call%n",
                m, k, n, sampleMajor ? "sample" : "feature", o[rounds / 2], 2 * macs / o[rounds / 2] / 1e3, b[rounds / 2],
                2 * macs / b[rounds / 2] / 1e3, rounds, ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], bytes);
    }
}
