// Scratch harness (bench/scripts/harness/run.sh Micro): A bare 4-load/4-FMA sparse row loop over X rows of 64 floats, misaligned (offset 0) vs aligned (offset 12).
import jdk.incubator.vector.*;
import java.util.SplittableRandom;
public class Micro {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    // rows of 102 nnz, offsets into x (multiples of 64), 4 vectors per nnz
    static void k1(float[] v, int[] off, int[] ptr, float[] x, int xo, float[] y, int rows) {
        for (int r = 0; r < rows; r++) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int p = ptr[r], e = ptr[r + 1];
            for (; p + 1 < e; p += 2) {
                int i0 = xo + off[p], i1 = xo + off[p + 1];
                FloatVector w = FloatVector.broadcast(S, v[p]), u = FloatVector.broadcast(S, v[p + 1]);
                a0 = FloatVector.fromArray(S, x, i0).fma(w, a0);
                a1 = FloatVector.fromArray(S, x, i0 + 16).fma(w, a1);
                a2 = FloatVector.fromArray(S, x, i0 + 32).fma(w, a2);
                a3 = FloatVector.fromArray(S, x, i0 + 48).fma(w, a3);
                b0 = FloatVector.fromArray(S, x, i1).fma(u, b0);
                b1 = FloatVector.fromArray(S, x, i1 + 16).fma(u, b1);
                b2 = FloatVector.fromArray(S, x, i1 + 32).fma(u, b2);
                b3 = FloatVector.fromArray(S, x, i1 + 48).fma(u, b3);
            }
            a0.add(b0).intoArray(y, r * 64); a1.add(b1).intoArray(y, r * 64 + 16); a2.add(b2).intoArray(y, r * 64 + 32); a3.add(b3).intoArray(y, r * 64 + 48);
        }
    }
    public static void main(String[] a) {
        int m = 1024, k = 1024, n = 64;
        SplittableRandom r = new SplittableRandom(1);
        int[] ptr = new int[m + 1]; int nnz = 0;
        int[] off = new int[m * k]; float[] v = new float[m * k];
        for (int i = 0; i < m; i++) { for (int c = 0; c < k; c++) if (r.nextDouble() < 0.1) { off[nnz] = c * n; v[nnz++] = (float) r.nextDouble(); } ptr[i + 1] = nnz; }
        float[] y = new float[m * n];
        for (int round = 0; round < 4; round++) for (int xo : new int[] {0, 12}) {
            float[] x = new float[k * n + 16];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            for (int i = 0; i < 300; i++) k1(v, off, ptr, x, xo, y, m);
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) k1(v, off, ptr, x, xo, y, m);
            if (round == 3) System.out.printf("micro xo %d: %.1f us (%d nnz, %.2f ns/nnz)%n", xo, (System.nanoTime() - t0) / 1e3 / 1000, nnz, (System.nanoTime() - t0) / 1000.0 / nnz);
        }
    }
}
