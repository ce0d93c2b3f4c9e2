// Scratch harness (bench/scripts/harness/run.sh FirstCompilePair lenet5:dense [rounds]): in a fresh JVM, the model compiled
// first with default options (every kernel allowed, batches 1 and 64, the tuner's choices on a JIT that has run
// nothing yet) against the same model compiled dense-only afterwards; predict at batch 1 and 64 in alternating blocks
// on thread CPU time. Prints the median and range of the per-round time ratios default / dense-only (above 1: the
// first compile chose kernels slower than dense). Weights: dense, pruned or blocked. Run it with
// JAVA_FLAGS=-Dsecateur.kernel.cache=off so that no choice comes from disk.
import dev.secateur.bench.models.BenchModels;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.*;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import java.lang.management.ManagementFactory;
import java.util.*;

public class FirstCompilePair {
    public static void main(String[] a) throws Exception {
        String[] spec = a[0].split(":");
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 21;
        var p = spec.length > 1 && spec[1].equals("blocked") ? BenchModels.prepareBlockPruned(spec[0])
                : BenchModels.prepare(spec[0], spec.length > 1 && spec[1].equals("pruned"));
        Model m = p.model();
        m.useWorkers(Workers.single());
        var opts = CompileOptions.defaults().withWorkers(Workers.single());
        long t0 = System.nanoTime();
        CompiledModel first = CompiledModel.compile(m, opts);
        long t1 = System.nanoTime();
        CompiledModel dense = CompiledModel.compile(m, opts.withAllowedKernels(Set.of("dense")));
        StringBuilder chosen = new StringBuilder();
        for (KernelChoice c : first.choices()) chosen.append(' ').append(c.layer()).append("/b").append(c.batch()).append('=').append(c.kernel());
        System.out.printf("%s: first compile %.1f s, dense-only %.1f s; first chose%s%n", a[0], (t1 - t0) / 1e9,
                (System.nanoTime() - t1) / 1e9, chosen);
        var mx = ManagementFactory.getThreadMXBean();
        for (int batch : new int[] {1, 64}) {
            float[] x = Tensor.randomUniform(1, 0, 1, batch * m.inputShape().size()).toArray();
            float[] y = new float[batch * m.outputShape().size()];
            int reps = Math.max(1, 3000 / batch);
            double[] ratio = new double[rounds];
            long[] firstNs = new long[rounds], denseNs = new long[rounds];
            for (int r = -5; r < rounds; r++) {
                long ta = mx.getCurrentThreadCpuTime();
                for (int k = 0; k < reps; k++) first.predict(x, 0, batch, y, 0);
                long tb = mx.getCurrentThreadCpuTime();
                for (int k = 0; k < reps; k++) dense.predict(x, 0, batch, y, 0);
                long tc = mx.getCurrentThreadCpuTime();
                if (r >= 0) {
                    ratio[r] = (double) (tb - ta) / (tc - tb);
                    firstNs[r] = (tb - ta) / reps;
                    denseNs[r] = (tc - tb) / reps;
                }
            }
            Arrays.sort(ratio);
            Arrays.sort(firstNs);
            Arrays.sort(denseNs);
            System.out.printf("  batch %d: default / dense-only time %.3f (range %.3f-%.3f, %d rounds; medians %.1f / %.1f us)%n", batch,
                    ratio[rounds / 2], ratio[0], ratio[rounds - 1], rounds, firstNs[rounds / 2] / 1e3, denseNs[rounds / 2] / 1e3);
        }
    }
}
