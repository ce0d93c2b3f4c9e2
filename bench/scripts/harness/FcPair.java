// Scratch harness (bench/scripts/harness/run.sh FcPair ROWS COLS DENSITY BATCH FORMATS [SECONDS [SPAN]]): sparse
// formats on one random-mask layer, timed in alternating blocks in one JVM (thread CPU time);
// prints each format's median µs per call and its median per-round ratio against the first
// (-Dreps=R: R calls per block, e.g. to keep a weight's cached part between calls as JMH does). SPAN
// keeps every weight in the first SPAN columns (X small enough for L1). pcsr~sm reads sample-major X.
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.*;
import java.lang.management.ManagementFactory;
import java.util.*;
public class FcPair {
    public static void main(String[] a) throws Exception {
        // ROWS may name a shipped model's dense layer, e.g. lenet300:fc2 (pruned as the benchmarks prune it; COLS is then ignored)
        float[] shipped = null; boolean[] shippedMask = null; int m, k;
        if (a[0].contains(":")) {
            String[] ml = a[0].split(":");
            var model = dev.secateur.bench.models.BenchModels.prepare(ml[0]).model();
            var d = (dev.secateur.nn.layers.Dense) model.layers().stream().filter(l -> l.name().equals(ml[1])).findFirst().orElseThrow();
            m = d.outFeatures(); k = d.inFeatures();
            shipped = d.weight().value().data().clone();
            shippedMask = new boolean[m * k];
            for (int i = 0; i < shipped.length; i++) shippedMask[i] = shipped[i] != 0f;
        } else { m = Integer.parseInt(a[0]); k = Integer.parseInt(a[1]); }
        double density = Double.parseDouble(a[2]);
        int n = Integer.parseInt(a[3]);
        String[] names = a[4].split(",");
        long seconds = a.length > 5 ? Long.parseLong(a[5]) : 8;
        int span = a.length > 6 ? Integer.parseInt(a[6]) : k; // kept weights only in the first span columns
        SplittableRandom r = new SplittableRandom(42);
        float[] w = new float[m * k]; boolean[] keep = new boolean[m * k];
        for (int i = 0; i < w.length; i++) { w[i] = (float) r.nextDouble(-1, 1); keep[i] = i % k < span && r.nextDouble() < density * k / span; }
        int block = Integer.getInteger("block", 1); // -Dblock=R: whole R×1 blocks kept with the density's probability
        if (block > 1) for (int br = 0; br < m; br += block) for (int c = 0; c < k; c++) {
            boolean on = r.nextDouble() < density;
            for (int i = br; i < Math.min(m, br + block); i++) keep[i * k + c] = on;
        }
        if (shipped != null) { w = shipped; keep = shippedMask; }
        float[] x = new float[k * n], y = new float[m * n], ref = new float[m * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        Workers one = Workers.single();
        SparseMatrix[] f = new SparseMatrix[names.length];
        for (int i = 0; i < names.length; i++) {
            f[i] = SparseFormats.named(names[i].replace("~sm", "")).build(w, m, k, keep);
        }
        var bean = ManagementFactory.getThreadMXBean();
        long macs = 0; for (boolean b : keep) if (b) macs++;
        int reps = Integer.getInteger("reps", Math.max(1, (int) (200_000 / Math.max(1, macs * n)))); // -Dreps=R: calls per block
        double[][] t = new double[names.length][200_000];
        int rounds = 0;
        long warm = System.nanoTime() + 3_000_000_000L, end = warm + seconds * 1_000_000_000L;
        while (System.nanoTime() < end && rounds < 200_000) {
            boolean timed = System.nanoTime() > warm;
            for (int i = 0; i < f.length; i++) {
                long t0 = bean.getCurrentThreadCpuTime();
                for (int q = 0; q < reps; q++) { if (f[i] instanceof PanelCsrMatrix pc && names[i].endsWith("~sm")) pc.multiplyBatchSampleMajor(one, x, 0, n, y, 0, null, false); else f[i].multiplyBatch(one, x, 0, n, y, 0, null, false); }
                long t1 = bean.getCurrentThreadCpuTime();
                if (timed) t[i][rounds] = (t1 - t0) / 1e3 / reps;
                if (i == 0) System.arraycopy(y, 0, ref, 0, y.length);
                else if (!names[i].endsWith("~sm")) for (int j = 0; j < y.length; j++) if (Math.abs(y[j] - ref[j]) > 1e-3 * (1 + Math.abs(ref[j]))) throw new AssertionError(names[i] + " differs at " + j);
            }
            if (timed) rounds++;
        }
        System.out.printf("%dx%d density %.3f batch %d, %d rounds of %d calls, %d kept weights%n", m, k, density, n, rounds, reps, macs);
        double[] base = Arrays.copyOf(t[0], rounds);
        for (int i = 0; i < f.length; i++) {
            double[] ti = Arrays.copyOf(t[i], rounds), ratio = new double[rounds];
            for (int j = 0; j < rounds; j++) ratio[j] = base[j] / ti[j];
            Arrays.sort(ti); Arrays.sort(ratio);
            System.out.printf("  %-10s min %8.2f us  median %8.2f us  %6.2f vector FMA/ns  speed-up vs %s %.2f (q1 %.2f q3 %.2f)%n", names[i], ti[0], ti[rounds / 2],
                    macs * (double) n / 16 / (ti[rounds / 2] * 1e3), names[0], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        }
    }
}
