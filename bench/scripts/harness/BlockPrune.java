// Scratch harness (bench/scripts/harness/run.sh BlockPrune lenet300 0.08 unstructured,block:8x1,block:16x1): the model
// magnitude-pruned (L1, per layer, one shot) at each granularity, compiled (batches 1 and 64, one thread), per layer the
// chosen kernel and its tuned time against dense.
import dev.secateur.bench.models.BenchModels;
import dev.secateur.nn.compiled.*;
import dev.secateur.prune.mask.*;
import dev.secateur.prune.scoring.*;
import dev.secateur.tensor.Workers;
public class BlockPrune {
    public static void main(String[] a) throws Exception {
        double density = Double.parseDouble(a[1]);
        var opts = CompileOptions.defaults().withWorkers(Workers.single()).withEveryLayerTimed(true);
        CompiledModel.compile(BenchModels.prepare(a[0], false).model(), opts); // JIT warm-up
        for (String g : a[2].split(",")) {
            var m = BenchModels.prepare(a[0], false).model();
            Granularity gr = g.equals("unstructured") ? new Granularity.Unstructured()
                    : new Granularity.Block(Integer.parseInt(g.substring(6).split("x")[0]), Integer.parseInt(g.substring(6).split("x")[1]));
            new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, gr, Scope.LAYER, density));
            dev.secateur.tensor.tune.KernelTuner.forget();
            var cm = CompiledModel.compile(m, opts);
            long[] total = new long[2], dense = new long[2];
            for (var c : cm.choices()) {
                int s = c.batch() == 1 ? 0 : 1;
                total[s] += c.nanos(); dense[s] += c.denseNanos();
                System.out.printf("%-14s %-5s b%-3d %-9s %8.2f us (dense %8.2f) %s%n", g, c.layer(), c.batch(), c.kernel(), c.nanos() / 1e3, c.denseNanos() / 1e3, c.candidates());
            }
            System.out.printf("%-14s layers sum b1 %.2f us (dense %.2f), b64 %.2f us (dense %.2f)%n", g, total[0] / 1e3, dense[0] / 1e3, total[1] / 1e3, dense[1] / 1e3);
        }
    }
}
