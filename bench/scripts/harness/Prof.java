// Scratch harness (bench/scripts/harness/run.sh Prof): A ModelBenchmark model compiled twice (JIT warm-up), its kernel choices, and µs per predict over a 5 s loop; third argument restricts the kernels (none = dense only); MODEL:dense for the unpruned weights.
import dev.secateur.bench.models.BenchModels;
import dev.secateur.nn.compiled.*;
import dev.secateur.tensor.Workers;
import java.time.Duration;
public class Prof {
    public static void main(String[] a) throws Exception {
        var p = a[0].endsWith(":dense") ? BenchModels.prepare(a[0].split(":")[0], false) : BenchModels.prepare(a[0]);
        int batch = Integer.parseInt(a[1]);
        var opts = CompileOptions.defaults().withWorkers(Workers.single()).withBatchSizes(batch).withCalibrationBudget(Duration.ofMillis(200)).withEveryLayerTimed(true);
        if (a.length > 2) opts = opts.withAllowedKernels(a[2].equals("none") ? java.util.Set.of() : java.util.Set.of(a[2].split(",")));
        CompiledModel.compile(p.model(), opts);
        var cm = CompiledModel.compile(p.model(), opts);
        for (var c : cm.choices()) System.out.println(c);
        float[] x = new float[batch * p.model().inputShape().size()], y = new float[batch * 10];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.random();
        long end = System.nanoTime() + 5_000_000_000L; long n = 0; long t0 = System.nanoTime();
        while (System.nanoTime() < end) { for (int i = 0; i < 1000; i++) cm.predict(x, 0, batch, y, 0); n += 1000; }
        System.out.printf("%.2f us/call%n", (System.nanoTime() - t0) / 1e3 / n);
    }
}
