import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.*;
import java.util.*;
// Scratch harness (bench/scripts/harness/run.sh ConsecutiveCalls FORMAT[,FORMAT...]): a 4096² weight
// at 90% sparsity, batch 1; in each round a dense product of the same size first (other data in
// the caches), then eight consecutive calls of each format, each timed alone. Prints the median µs
// of the 1st..8th call: how many calls a format's data takes to come back into the caches.
public class ConsecutiveCalls {
    public static void main(String[] a) {
        int m = 4096, k = 4096; SplittableRandom r = new SplittableRandom(42);
        float[] w = new float[m * k]; boolean[] keep = new boolean[m * k];
        for (int i = 0; i < w.length; i++) { w[i] = (float) r.nextDouble(-1, 1); keep[i] = r.nextDouble() >= 0.9; }
        float[] x = new float[k], y = new float[m]; for (int i = 0; i < k; i++) x[i] = (float) r.nextDouble();
        Workers one = Workers.single();
        String[] names = a[0].split(",");
        SparseMatrix dense = DenseMatrix.from(w, m, k, keep);
        SparseMatrix[] f = new SparseMatrix[names.length];
        for (int i = 0; i < f.length; i++) f[i] = SparseFormats.named(names[i]).build(w, m, k, keep);
        int calls = 8, rounds = 60;
        double[][][] t = new double[f.length][calls][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < f.length; i++) {
                dense.multiplyBatch(one, x, 0, 1, y, 0, null, false); // another product's data in the caches
                for (int c = 0; c < calls; c++) {
                    long t0 = System.nanoTime(); f[i].multiplyBatch(one, x, 0, 1, y, 0, null, false);
                    t[i][c][round] = (System.nanoTime() - t0) / 1e3;
                }
            }
        }
        for (int i = 0; i < f.length; i++) {
            StringBuilder sb = new StringBuilder(names[i] + ": call 1.." + calls + " after a dense product, median us:");
            for (int c = 0; c < calls; c++) { double[] s = Arrays.copyOfRange(t[i][c], 20, rounds); Arrays.sort(s); sb.append(String.format(" %.0f", s[s.length / 2])); }
            System.out.println(sb);
        }
    }
}
