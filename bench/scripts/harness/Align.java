// Scratch harness (bench/scripts/harness/run.sh Align): CSR and pcsr batched products (1024², 90%, n = 64) with X at offsets 0/4/8/12 floats; run with 64-byte object alignment so offset 12 puts X rows on cache-line boundaries.
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.*;
import java.util.SplittableRandom;
public class Align {
    public static void main(String[] a) {
        int m = 1024, k = 1024, n = 64;
        SplittableRandom r = new SplittableRandom(1);
        float[] w = new float[m * k]; boolean[] keep = new boolean[m * k];
        for (int i = 0; i < w.length; i++) { w[i] = (float) r.nextDouble(-1, 1); keep[i] = r.nextDouble() < 0.1; }
        SparseMatrix[] ms = {CsrMatrix.from(w, m, k, keep), PanelCsrMatrix.from(w, m, k, keep)};
        float[] y = new float[m * n + 64];
        for (int round = 0; round < 4; round++) {
            for (int off : new int[] {0, 4, 8, 12}) {
                float[] x = new float[k * n + 16];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
                for (SparseMatrix s : ms) {
                    for (int i = 0; i < 300; i++) s.multiplyBatch(Workers.single(), x, off, n, y, 0, null, false);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 1000; i++) s.multiplyBatch(Workers.single(), x, off, n, y, 0, null, false);
                    if (round == 3) System.out.printf("%s off %2d: %.1f us%n", s.format(), off, (System.nanoTime() - t0) / 1e3 / 1000);
                }
            }
        }
    }
}
