package dev.secateur.bench.kernels;

import dev.secateur.tensor.JitClock;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.NmMatrix;
import dev.secateur.tensor.sparse.SparseFormats;
import dev.secateur.tensor.sparse.SparseMatrix;
import dev.secateur.tensor.sparse.SparseSelector;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sparse weight × dense activations, {@code Y[M, batch] = W[M, K] · X[K, batch]}, for every
 * storage format across a sparsity sweep, against our dense kernel on the same masked weight
 * ({@code format=dense}: the packed {@code Gemm.sgemm}, its GEMV path at batch 1). Ratios are
 * only meaningful between rows of one run.
 * <ul>
 *   <li>{@code mask=random}: each weight kept with probability 1 − sparsity (unstructured).
 *       {@code mask=block}: whole R×1 blocks kept with that probability (R = 16 for {@code bsr16x1}, 8 for
 *       {@code bsr8x1}, else 4), the structure block formats are made for; same density.</li>
 *   <li>{@code nm24}: N:M is a fixed density, so it runs the N:M pattern nearest the requested
 *       sparsity — 2:4 (50%) for 0.4 ≤ s ≤ 0.6, 1:4 (75%) for 0.6 &lt; s ≤ 0.85 — keeping the
 *       first kept entries of each group of the random mask and topping up to N; other
 *       sparsities are skipped (set-up fails with "skipped").</li>
 *   <li>{@code auto}: {@link SparseSelector#choose} times the candidates on this matrix at
 *       set-up (40 ms each) and keeps the fastest, dense included; the choice is printed.</li>
 *   <li>{@code int8csr}: CSR with int8 weights and per-row scales (not in the list; the
 *       batch-1 bandwidth variant). {@code sell16}: SELL-16 with a gather; {@code wsell16}: SELL-16
 *       over 64-column windows with in-register permutes (both batch-1 formats for unstructured
 *       masks, added beside the list).</li>
 * </ul>
 * Batch 1 at 4096×4096 streams 64 MB of dense weights (beyond the L3 on purpose); sparse
 * formats at ≥ 80% sparsity fit in the L3, which is part of why they win.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsecateur.kernel.cache=off"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpmmBenchmark {
    @Param({"dense", "csr", "pcsr", "bsr4x1", "bsr8x1", "bsr16x1", "bitmap16", "nm24", "auto", "int8csr", "sell16", "wsell16", "wsell8", "wsell4", "gcsr"})
    public String format;

    @Param({"0.0", "0.5", "0.7", "0.8", "0.9", "0.95", "0.98"})
    public double sparsity;

    @Param({"1", "64"})
    public int batch;

    @Param({"1024x1024", "4096x4096"})
    public String shape;

    @Param({"random", "block"})
    public String mask;

    @Param({"1"})
    public int threads;

    private SparseMatrix matrix;
    private Workers workers;
    private float[] x, y;

    @Setup(Level.Trial)
    public void setUp() {
        dev.secateur.bench.suite.ExtraFormats.registerFromProperty();
        dev.secateur.bench.cli.PlatformInfo.logOnce();
        String[] mk = shape.split("x");
        int m = Integer.parseInt(mk[0]), k = Integer.parseInt(mk[1]);
        SplittableRandom rnd = new SplittableRandom(42);
        float[] w = new float[m * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextDouble(-1, 1);
        boolean[] keep = switch (mask) {
            case "block" -> blockMask(rnd, m, k, format.equals("bsr16x1") ? 16 : format.equals("bsr8x1") ? 8 : 4, sparsity);
            case "magnitude" -> {
                TrainedWeights.Matrix t = TrainedWeights.forShape(m, k);
                System.out.println("weights: " + t.source());
                w = t.w();
                yield TrainedWeights.magnitudeMask(w, sparsity);
            }
            default -> randomMask(rnd, m * k, sparsity);
        };
        workers = Workers.of(threads);
        matrix = switch (format) {
            case "nm24" -> nm(w, m, k, keep);
            case "auto" -> {
                var sel = SparseSelector.choose(w, m, k, keep, batch, workers);
                System.out.println("auto chose " + sel.chosen().format() + " " + sel.timings());
                yield sel.chosen();
            }
            default -> SparseFormats.named(format).build(w, m, k, keep);
        };
        x = new float[k * batch];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        y = new float[m * batch];
        warmUntilCompiled();
    }

    /**
     * Runs the product until the JIT has been quiet for 300 ms (at most 10 s). A batched product of
     * a large weight takes tens of milliseconds, and its first calls start in C1 code, where the
     * Vector API is not intrinsic and a call takes seconds; with a short warm-up those calls would
     * land in the measurement instead of the kernel's steady speed.
     */
    private void warmUntilCompiled() {
        JitClock jit = new JitClock();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do multiply(); while (!jit.quietFor(TimeUnit.MILLISECONDS.toNanos(300)) && System.nanoTime() < end);
    }

    private NmMatrix nm(float[] w, int m, int k, boolean[] keep) {
        int n;
        if (sparsity >= 0.4 && sparsity <= 0.6) n = 2;
        else if (sparsity > 0.6 && sparsity <= 0.85) n = 1;
        else throw new IllegalStateException("skipped: nm24 runs 2:4 near 50% and 1:4 near 75% sparsity, not " + sparsity);
        boolean[] nmMask = new boolean[keep.length];
        for (int r = 0; r < m; r++) {
            for (int g = 0; g < k; g += 4) {
                int used = 0;
                for (int o = 0; o < 4 && used < n; o++) if (keep[r * k + g + o]) { nmMask[r * k + g + o] = true; used++; }
                for (int o = 0; o < 4 && used < n; o++) if (!nmMask[r * k + g + o]) { nmMask[r * k + g + o] = true; used++; }
            }
        }
        return NmMatrix.from(w, m, k, nmMask, n, 4);
    }

    static boolean[] randomMask(SplittableRandom rnd, int n, double sparsity) {
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) keep[i] = rnd.nextDouble() >= sparsity;
        return keep;
    }

    /** Whole R×1 blocks (R consecutive rows of one column) kept with probability 1 − sparsity. */
    static boolean[] blockMask(SplittableRandom rnd, int m, int k, int r, double sparsity) {
        boolean[] keep = new boolean[m * k];
        for (int br = 0; br < m; br += r) {
            for (int c = 0; c < k; c++) {
                if (rnd.nextDouble() < sparsity) continue;
                for (int i = br; i < Math.min(m, br + r); i++) keep[i * k + c] = true;
            }
        }
        return keep;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workers.close();
    }

    @Benchmark
    public float[] multiply() {
        matrix.multiplyBatch(workers, x, 0, batch, y, 0, null, false);
        return y;
    }
}
