package dev.secateur.nn.compiled;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.tensor.Workers;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where a compiled model's {@code predict} spends its time, step by step, on the calling thread's
 * CPU time: the plan, the kernel chosen per layer, time per step, allocation per call. Run with
 * {@code -Dsecateur.profile="lenet300:dense:1 lenet300:pruned:64 ..."} ({@code model:weights:batch};
 * "pruned" keeps the largest 8% of every dense/conv weight for lenet300 and 1/12 for others, like
 * the benchmarks); skipped otherwise. Models are read from {@code ../models}.
 */
class PredictProfileRun {
    private static final long ROUND_NANOS = 20_000_000;

    @Test
    void run() throws Exception {
        String spec = System.getProperty("secateur.profile");
        assumeTrue(spec != null && !spec.isBlank(), "no -Dsecateur.profile");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (String item : spec.trim().split("\\s+")) {
            String[] p = item.split(":");
            String name = p[0];
            boolean pruned = p[1].equals("pruned");
            int batch = Integer.parseInt(p[2]);
            Model model = ModelFile.load(Path.of(System.getProperty("secateur.models", "../models")).resolve(name + ".safetensors"));
            if (pruned) prune(model, name.equals("lenet300") ? 0.08 : 1.0 / 12);
            model.useWorkers(Workers.single());
            CompileOptions opts = CompileOptions.defaults().withWorkers(Workers.single()).withBatchSizes(batch).withEveryLayerTimed(true)
                    .withCalibrationBudget(Duration.ofMillis(50));
            CompiledModel.compile(model, opts.withCalibrationBudget(Duration.ofMillis(200)));
            CompiledModel cm = CompiledModel.compile(model, opts);
            int in = cm.inputShape().size(), o = cm.outputShape().size();
            float[] x = new float[batch * in], y = new float[batch * o];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
            System.out.printf("%n=== %s %s batch %d%n", name, p[1], batch);
            for (KernelChoice c : cm.choices()) {
                System.out.printf("  %-8s %-10s %,9d ns (dense %,9d ns) density %.3f times %s%n", c.layer(), c.kernel(), c.nanos(),
                        c.denseNanos(), c.density(), c.candidates());
            }
            // Whole predict, and allocation per call.
            for (int i = 0; i < 200; i++) cm.predict(x, 0, batch, y, 0);
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 3; i++) cm.predict(x, 0, batch, y, 0);
            int reps = (int) Math.max(1, Math.min(20_000, ROUND_NANOS * 3 / Math.max(1, mx.getCurrentThreadCpuTime() - c0)));
            long[] total = new long[15];
            for (int round = -10; round < total.length; round++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) cm.predict(x, 0, batch, y, 0);
                if (round >= 0) total[round] = mx.getCurrentThreadCpuTime() - t0;
            }
            Arrays.sort(total);
            long a0 = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) cm.predict(x, 0, batch, y, 0);
            long alloc = mx.getCurrentThreadAllocatedBytes() - a0;
            double perCall = (double) total[total.length / 2] / reps;
            System.out.printf("  predict: %.2f us/call (%,.0f img/s), %.1f B allocated per call%n", perCall / 1e3, batch * 1e9 / perCall,
                    alloc / 1000.0);
            // Per step: the same loop as predict, each step timed on its own many times over.
            List<Op> ops = cm.ops();
            Workspace ws = new Workspace(cm.perSample(), 1);
            ws.ensure(batch);
            ws.bindInput(x, 0);
            int slot = cm.slotFor(batch);
            for (Op op : ops) op.run(ws, batch, slot, Workers.single());
            double sum = 0;
            for (Op op : ops) {
                for (int i = 0; i < 2000; i++) op.run(ws, batch, slot, Workers.single());
                long[] t = new long[9];
                int opReps = Math.max(1, reps);
                for (int round = 0; round < t.length; round++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < opReps; i++) op.run(ws, batch, slot, Workers.single());
                    t[round] = mx.getCurrentThreadCpuTime() - t0;
                }
                Arrays.sort(t);
                double us = t[t.length / 2] / 1e3 / opReps;
                sum += us;
                long b0 = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100; i++) op.run(ws, batch, slot, Workers.single());
                double bytes = (mx.getCurrentThreadAllocatedBytes() - b0) / 100.0;
                String k = op instanceof LinearOp lin ? lin.kernels[slot].name() : "";
                System.out.printf("  %-40s %-10s %8.2f us %8.1f B/call%n", op.describe(), k, us, bytes);
            }
            // The steps in plan order, as predict runs them (each step's weights no longer hot from its own repeats).
            long[] seq = new long[15];
            for (int round = -5; round < seq.length; round++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) for (Op op : ops) op.run(ws, batch, slot, Workers.single());
                if (round >= 0) seq[round] = mx.getCurrentThreadCpuTime() - t0;
            }
            Arrays.sort(seq);
            System.out.printf("  sum of steps %.2f us; the steps in sequence %.2f us; predict overhead %.2f us%n", sum,
                    seq[seq.length / 2] / 1e3 / reps, perCall / 1e3 - sum);
        }
    }

    /** Keeps the largest {@code density} of every dense/conv weight by magnitude (per layer). */
    private static void prune(Model m, double density) {
        for (Layer l : m.layers()) {
            float[] w;
            if (l instanceof Dense d) w = d.weight().value().data();
            else if (l instanceof Conv2d c) w = c.weight().value().data();
            else continue;
            float[] mags = new float[w.length];
            for (int i = 0; i < w.length; i++) mags[i] = Math.abs(w[i]);
            Arrays.sort(mags);
            int keep = (int) Math.round(density * w.length);
            float cut = mags[w.length - keep];
            int kept = 0;
            for (int i = 0; i < w.length; i++) {
                if (Math.abs(w[i]) >= cut && kept < keep) kept++;
                else w[i] = 0f;
            }
        }
    }
}
