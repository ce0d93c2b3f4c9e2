// Scratch harness (bench/scripts/harness/run.sh ColdCompile lenet5:dense [kernels]): the first compile of a fresh JVM
// (batches 1 and 64, default options) against a second compile of the same model once the JIT is warm; per layer and
// batch the chosen kernel and its tuned time in each. A first-compile time far above the second's was timed cold.
import dev.secateur.bench.models.BenchModels;
import dev.secateur.nn.compiled.*;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.tune.KernelTuner;
import java.util.List;
public class ColdCompile {
    public static void main(String[] a) throws Exception {
        String[] spec = a[0].split(":");
        var p = BenchModels.prepare(spec[0], spec.length > 1 && spec[1].equals("pruned"));
        var opts = CompileOptions.defaults().withWorkers(Workers.single()).withEveryLayerTimed(a.length <= 2 || !a[2].equals("untimed"));
        if (a.length > 1) opts = opts.withAllowedKernels(a[1].equals("none") ? java.util.Set.of() : java.util.Set.of(a[1].split(",")));
        long t0 = System.nanoTime();
        List<KernelChoice> first = CompiledModel.compile(p.model(), opts).choices();
        long t1 = System.nanoTime();
        KernelTuner.forget();
        List<KernelChoice> second = CompiledModel.compile(p.model(), opts).choices();
        System.out.printf("first compile %.1f s, second %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
        for (int i = 0; i < first.size(); i++) {
            KernelChoice f = first.get(i), s = second.get(i);
            System.out.printf("%-6s b%-3d first %-9s %8.1f us (dense %8.1f) | second %-9s %8.1f us (dense %8.1f)%n", f.layer(), f.batch(),
                    f.kernel(), f.nanos() / 1e3, f.denseNanos() / 1e3, s.kernel(), s.nanos() / 1e3, s.denseNanos() / 1e3);
        }
    }
}
