package dev.secateur.nn.compiled;

import dev.secateur.bench.models.BenchModels;
import dev.secateur.nn.Model;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.*;

/**
 * A compiled model's steps timed one by one (thread CPU time, median of 21 rounds) and whole predicts round by round, with
 * the kernel choices; args: model:weights:batch list (weights dense, pruned, blocked or filtered). In the compiled-model package for its
 * package-private steps, so run it by its full name:
 * javac -d OUT --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar bench/scripts/harness/ConvSteps.java;
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar:OUT dev.secateur.nn.compiled.ConvSteps vgg:dense:1
 */
public class ConvSteps {
    public static void main(String[] a) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        for (String item : a[0].split(",")) {
            String[] p = item.split(":");
            int batch = Integer.parseInt(p[2]);
            Model m = switch (p[1]) {
                case "filtered" -> BenchModels.prepareFilterPruned(p[0]).compacted();
                case "blocked" -> BenchModels.prepareBlockPruned(p[0]).model();
                default -> BenchModels.prepare(p[0], p[1].equals("pruned")).model();
            };
            m.useWorkers(Workers.single());
            float[] x = Tensor.randomUniform(1, 0, 1, batch * m.inputShape().size()).toArray();
            float[] y = new float[batch * m.outputShape().size()];
            CompileOptions opts = CompileOptions.defaults().withWorkers(Workers.single()).withBatchSizes(batch).withCalibrationBudget(Duration.ofMillis(50));
            CompiledModel.compile(m, opts);
            CompiledModel cm = CompiledModel.compile(m, opts);
            List<Op> ops = cm.ops();
            for (var c : cm.choices()) System.out.println("   " + c.layer() + " " + c.kernel() + " " + c.candidates());
            Workspace ws = new Workspace(cm.perSample(), 1);
            ws.ensure(batch);
            ws.bindInput(x, 0);
            int slot = cm.slotFor(batch);
            int reps = Math.max(1, 500 / batch), rounds = 21;
            long[][] t = new long[ops.size()][rounds];
            for (int r = -10; r < rounds; r++) {
                for (int k = 0; k < reps; k++) {
                    for (int i = 0; i < ops.size(); i++) {
                        long t0 = mx.getCurrentThreadCpuTime();
                        ops.get(i).run(ws, batch, slot, Workers.single());
                        if (r >= 0) t[i][r] += mx.getCurrentThreadCpuTime() - t0;
                    }
                }
            }
            double sum = 0;
            System.out.println(item);
            for (int i = 0; i < ops.size(); i++) {
                Arrays.sort(t[i]);
                double us = t[i][rounds / 2] / 1e3 / reps / batch;
                sum += us;
                System.out.printf("  %8.2f us/img (fastest %.2f, slowest %.2f)  %s%n", us, t[i][0] / 1e3 / reps / batch, t[i][rounds - 1] / 1e3 / reps / batch,
                        ops.get(i).describe());
            }
            System.out.printf("  %8.2f us/img total (timer overhead included)%n", sum);
            long[] whole = new long[rounds];
            for (int r = -5; r < rounds; r++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int k = 0; k < reps * 4; k++) cm.predict(x, 0, batch, y, 0);
                if (r >= 0) whole[r] = mx.getCurrentThreadCpuTime() - t0;
            }
            StringBuilder sb = new StringBuilder("  predict rounds us/img:");
            for (long w : whole) sb.append(String.format(" %.0f", w / 1e3 / reps / 4 / batch));
            System.out.println(sb);
        }
    }
}
