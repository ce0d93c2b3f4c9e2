// Scratch harness (bench/scripts/harness/run.sh Sel): csr vs pcsr batched products at 4096² x 64 and the given density (best of 20 calls, 6 rounds), optionally after SparseSelector.choose (second argument).
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.*;
import java.util.SplittableRandom;
public class Sel {
    public static void main(String[] a) {
        int m = 4096, k = 4096, n = 64; double density = Double.parseDouble(a[0]);
        SplittableRandom r = new SplittableRandom(42);
        float[] w = new float[m * k]; boolean[] keep = new boolean[m * k];
        for (int i = 0; i < w.length; i++) { w[i] = (float) r.nextDouble(-1, 1); keep[i] = r.nextDouble() < density; }
        float[] x = new float[k * n], y = new float[m * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        if (a.length > 1) {
            var sel = SparseSelector.choose(w, m, k, keep, n, Workers.single());
            System.out.println("chose " + sel.chosen().format() + " " + sel.timings());
        }
        SparseMatrix csr = CsrMatrix.from(w, m, k, keep), pcsr = PanelCsrMatrix.from(w, m, k, keep);
        for (int round = 0; round < 6; round++) {
            for (SparseMatrix s : new SparseMatrix[] {csr, pcsr}) {
                long best = Long.MAX_VALUE;
                for (int i = 0; i < 20; i++) { long t0 = System.nanoTime(); s.multiplyBatch(Workers.single(), x, 0, n, y, 0, null, false); best = Math.min(best, System.nanoTime() - t0); }
                if (round >= 4) System.out.printf("round %d %s best %.0f us%n", round, s.format(), best / 1e3);
            }
        }
    }
}
