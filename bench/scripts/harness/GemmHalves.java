// Scratch harness (bench/scripts/harness/run.sh GemmHalves): two independent single-thread SGEMMs of 1024×2048·2048×2048
// at once (one per thread) against one of them alone and against the whole 2048³ on two workers:
// how far two cores scale with this kernel when nothing is shared but the chip.
import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;

public class GemmHalves {
    public static void main(String[] x) throws Exception {
        int n = 2048, m = 1024;
        float[][] a = new float[2][m * n], c = new float[2][m * n]; float[] b = new float[n * n], c2 = new float[n * n], a2 = new float[n * n];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < b.length; i++) { b[i] = r.nextFloat(); a2[i] = r.nextFloat(); }
        for (int t = 0; t < 2; t++) for (int i = 0; i < a[t].length; i++) a[t][i] = r.nextFloat();
        Workers one = Workers.single(), two = Workers.of(2);
        for (int round = 0; round < 12; round++) {
            long t0 = System.nanoTime();
            Thread[] th = new Thread[2];
            for (int t = 0; t < 2; t++) { int tt = t; th[t] = new Thread(() -> Gemm.sgemm(one, false, false, m, n, n, 1f, a[tt], 0, n, b, 0, n, 0f, c[tt], 0, n)); th[t].start(); }
            for (Thread t : th) t.join();
            long t1 = System.nanoTime();
            Gemm.sgemm(one, false, false, m, n, n, 1f, a[0], 0, n, b, 0, n, 0f, c[0], 0, n);
            long t2 = System.nanoTime();
            Gemm.sgemm(two, false, false, n, n, n, 1f, a2, 0, n, b, 0, n, 0f, c2, 0, n);
            long t3 = System.nanoTime();
            if (round > 3) System.out.printf("two independent halves at once %.1f ms, one half alone %.1f ms (scaling %.2f), shared task %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, 2.0 * (t2 - t1) / (t1 - t0), (t3 - t2) / 1e6);
        }
        two.close();
    }
}
