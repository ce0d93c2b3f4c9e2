// Scratch harness (bench/scripts/harness/run.sh AutoVsDense SPARSITY [BATCH] [SECONDS]): the format
// SparseSelector picks for a 4096² random mask against the dense kernel, in one JVM, blocks of calls
// alternated so that the host's speed changes hit both; prints the choice and the median ratio.
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.*;
import java.util.Arrays;
import java.util.SplittableRandom;
public class AutoVsDense {
    public static void main(String[] a) {
        int m = 4096, k = 4096; double sparsity = Double.parseDouble(a[0]);
        int n = a.length > 1 ? Integer.parseInt(a[1]) : 1;
        long seconds = a.length > 2 ? Long.parseLong(a[2]) : 10;
        SplittableRandom r = new SplittableRandom(42);
        float[] w = new float[m * k]; boolean[] keep = new boolean[m * k];
        for (int i = 0; i < w.length; i++) { w[i] = (float) r.nextDouble(-1, 1); keep[i] = r.nextDouble() >= sparsity; }
        float[] x = new float[k * n], y = new float[m * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        Workers one = Workers.single();
        var sel = SparseSelector.choose(w, m, k, keep, n, one);
        System.out.println("timings " + sel.timings());
        SparseMatrix auto = sel.chosen(), dense = DenseMatrix.from(w, m, k, keep);
        int reps = n == 1 ? 10 : 2;
        double[] ratio = new double[100_000], td = new double[100_000], ta = new double[100_000];
        int rounds = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) dense.multiplyBatch(one, x, 0, n, y, 0, null, false);
            long t1 = System.nanoTime();
            for (int i = 0; i < reps; i++) auto.multiplyBatch(one, x, 0, n, y, 0, null, false);
            long t2 = System.nanoTime();
            if (rounds < ratio.length) { td[rounds] = (t1 - t0) / 1e3 / reps; ta[rounds] = (t2 - t1) / 1e3 / reps; ratio[rounds] = td[rounds] / ta[rounds]; rounds++; }
        }
        ratio = Arrays.copyOf(ratio, rounds); td = Arrays.copyOf(td, rounds); ta = Arrays.copyOf(ta, rounds);
        Arrays.sort(ratio); Arrays.sort(td); Arrays.sort(ta);
        System.out.printf("sparsity %.2f batch %d: auto chose %s; dense min/med %.0f/%.0f us, auto %.0f/%.0f us; speed-up (dense/auto) median %.2f (q1 %.2f, q3 %.2f), %d rounds%n",
                sparsity, n, auto.format(), td[0], td[rounds / 2], ta[0], ta[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], rounds);
    }
}
