import dev.secateur.bench.models.BenchModels;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.*;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.*;

/** Whole compiled models, each compiled once per secateur.conv.dense setting in one JVM, timed alternately on thread CPU time; args: model:weights:batch list, settings (e.g. direct,auto). */
public class ModelPair {
    public static void main(String[] a) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        for (String item : a[0].split(",")) {
            String[] p = item.split(":");
            String name = p[0], weights = p[1];
            int batch = Integer.parseInt(p[2]);
            Model m = weights.equals("filtered") ? BenchModels.prepareFilterPruned(name).compacted() : BenchModels.prepare(name, false).model();
            m.useWorkers(Workers.single());
            float[] x = Tensor.randomUniform(1, 0, 1, batch * m.inputShape().size()).toArray();
            float[] y = new float[batch * m.outputShape().size()];
            CompileOptions opts = CompileOptions.defaults().withWorkers(Workers.single()).withBatchSizes(batch).withCalibrationBudget(Duration.ofMillis(50));
            String[] modes = a[1].split(",");
            CompiledModel[] cm = new CompiledModel[modes.length];
            for (int i = 0; i < modes.length; i++) {
                System.setProperty("secateur.conv.dense", modes[i]);
                CompiledModel.compile(m, opts.withCalibrationBudget(Duration.ofMillis(200)));
                cm[i] = CompiledModel.compile(m, opts);
                System.out.println(item + " " + modes[i] + ": " + cm[i].choices());
            }
            int reps = Math.max(1, 2000 / batch);
            int rounds = 21;
            long[][] t = new long[modes.length][rounds];
            for (int r = -10; r < rounds; r++) {
                for (int i = 0; i < modes.length; i++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    for (int k = 0; k < reps; k++) cm[i].predict(x, 0, batch, y, 0);
                    long d = mx.getCurrentThreadCpuTime() - t0;
                    if (r >= 0) t[i][r] = d;
                }
            }
            StringBuilder sb = new StringBuilder(item);
            for (int i = 0; i < modes.length; i++) {
                Arrays.sort(t[i]);
                sb.append(String.format("  %s %.0f img/s (min %.0f)", modes[i], reps * batch * 1e9 / t[i][rounds / 2], reps * batch * 1e9 / t[i][0]));
            }
            System.out.println(sb);
        }
    }
}
