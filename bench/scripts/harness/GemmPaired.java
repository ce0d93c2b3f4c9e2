import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.kernels.PackedWeight;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Our SGEMM against OpenBLAS's in one JVM, n×n×n, alternating short blocks of calls of each for
 * a given time, so that the host's state (other tenants, clock) hits both alike. Prints each
 * one's best and median call and the median of the per-round ratios (OpenBLAS time / ours).
 * Usage: GemmPaired n seconds threads [m k [packed]]: n×n×n, or C (m×n) = A (m×k) · B (k×n), with
 * {@code packed} our A pre-packed once (a layer's weight times a batch of n). Set OPENBLAS_THREAD_TIMEOUT=4 with threads > 1 (its idle
 * workers otherwise spin on the cores our next call wants) and OPENBLAS_CORETYPE to pick its kernel.
 */
public class GemmPaired {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]), threads = Integer.parseInt(args[2]);
        int m = args.length > 3 ? Integer.parseInt(args[3]) : n, kk = args.length > 4 ? Integer.parseInt(args[4]) : n;
        boolean packed = args.length > 5 && args[5].equals("packed");
        long seconds = Long.parseLong(args[1]);
        float[] a = random(m * kk, 42), b = random(kk * n, 43), c = new float[m * n];
        openblas.blas_set_num_threads(threads);
        FloatPointer pa = new FloatPointer(a), pb = new FloatPointer(b), pc = new FloatPointer(c);
        Workers w = Workers.of(threads);
        int reps = Math.max(1, (int) (2e9 / (2.0 * m * n * kk))); // about 20-40 ms per block
        PackedWeight pw = Gemm.prepackA(false, m, kk, a, 0, kk);
        Runnable ours = packed ? () -> Gemm.sgemm(w, pw, n, 1f, false, b, 0, n, 0f, c, 0, n)
                : () -> Gemm.sgemm(w, false, false, m, n, kk, 1f, a, 0, kk, b, 0, n, 0f, c, 0, n);
        Runnable theirs = () -> openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, kk, 1f, pa, kk, pb, n, 0f, pc, n);
        for (int i = 0; i < 5; i++) { block(ours, reps); block(theirs, reps); }
        double[] o = new double[100_000], t = new double[100_000], r = new double[100_000];
        int k = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end && k < o.length) {
            o[k] = block(ours, reps);
            t[k] = block(theirs, reps);
            r[k] = t[k] / o[k];
            k++;
        }
        o = Arrays.copyOf(o, k); t = Arrays.copyOf(t, k); r = Arrays.copyOf(r, k);
        Arrays.sort(o); Arrays.sort(t); Arrays.sort(r);
        if (m != n || kk != n) System.out.printf("m=%d k=%d%s ", m, kk, packed ? " (A pre-packed)" : "");
        System.out.printf("n=%d threads=%d rounds=%d OPENBLAS_CORETYPE=%s: secateur min/med %.2f/%.2f ms, OpenBLAS %.2f/%.2f ms, "
                        + "ratio (OpenBLAS/secateur) of mins %.2f, median of round ratios %.2f (q1 %.2f, q3 %.2f)%n",
                n, threads, k, System.getenv("OPENBLAS_CORETYPE"), o[0], o[k / 2], t[0], t[k / 2], t[0] / o[0], r[k / 2], r[k / 4], r[3 * k / 4]);
        w.close();
    }

    /** Milliseconds per call over a block of {@code reps} calls. */
    private static double block(Runnable call, int reps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) call.run();
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    private static float[] random(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }
}
