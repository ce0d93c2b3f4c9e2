import ai.onnxruntime.*;
import dev.secateur.bench.models.SingleThreadEngines;
import dev.secateur.bench.onnx.OnnxExporter;
import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.compiled.*;
import dev.secateur.nn.layers.*;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.*;

/**
 * One conv block (3×3 pad 1 conv + ReLU + 2×2 max pool, then flatten and a 10-way dense layer) as a model of its own, compiled and
 * run by ONNX Runtime (1 intra-op thread) in one JVM, timed alternately on thread CPU time; args: inC:outC:size:batch list, or
 * model:weights:batch items (a shipped model as OrtModelBenchmarkCpuRun runs it: weights dense or filtered); optional second arg: kernel
 * sets compiled side by side (auto = every candidate, none = dense only, or kernels joined by '+', e.g. none,winograd). Prints medians,
 * fastest rounds and the median of the per-round ratios.
 * Needs the ONNX Runtime jar on the class path (run.sh does not add it):
 * ORT=~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.22.0/onnxruntime-1.22.0.jar;
 * javac -d OUT --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar:$ORT bench/scripts/harness/ConvOrtPair.java;
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar:$ORT:OUT ConvOrtPair 32:64:14:1,64:128:7:64
 */
public class ConvOrtPair {
    private static float[] flatten(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        return out;
    }

    public static void main(String[] a) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        for (String item : a[0].split(",")) {
            String[] p = item.split(":");
            boolean shipped = p.length == 3;
            int batch = Integer.parseInt(p[p.length - 1]);
            Model m, ort;
            double flops;
            if (shipped) {
                if (p[1].equals("filtered")) {
                    var f = dev.secateur.bench.models.BenchModels.prepareFilterPruned(p[0]);
                    m = f.compacted();
                    ort = f.masked();
                } else {
                    m = ort = dev.secateur.bench.models.BenchModels.prepare(p[0], false).model();
                }
                flops = 0;
            } else {
                int inC = Integer.parseInt(p[0]), outC = Integer.parseInt(p[1]), size = Integer.parseInt(p[2]);
                List<Layer> layers = new ArrayList<>(List.of(new Conv2d("conv", inC, outC, 3, 1, 1), new ReLU("relu"), new MaxPool2d("pool", 2, 2),
                        new Flatten("flatten"), new Dense("fc", outC * (size / 2) * (size / 2), 10)));
                m = ort = new Model("probe", Shape.of(inC, size, size), layers).initialize(3);
                flops = 2.0 * outC * inC * 9 * size * size;
            }
            m.useWorkers(Workers.single());
            float[] x = Tensor.randomUniform(1, 0, 1, batch * m.inputShape().size()).toArray();
            float[] y = new float[batch * m.outputShape().size()];
            // Kernel sets: "auto" (every candidate), "none" (dense only), or kernels joined by '+'.
            String[] sets = a.length > 1 ? a[1].split(",") : new String[] {shipped ? "auto" : "none"};
            CompiledModel[] cms = new CompiledModel[sets.length];
            for (int k = 0; k < sets.length; k++) {
                String set = sets[k];
                cms[k] = SingleThreadEngines.compile(m, batch, o -> set.equals("auto") ? o
                        : o.withAllowedKernels(set.equals("none") ? Set.of() : Set.of(set.split("\\+"))));
                StringBuilder ch = new StringBuilder();
                for (KernelChoice c : cms[k].choices()) ch.append(' ').append(c.layer()).append('=').append(c.kernel());
                System.out.println(item + " [" + set + "] chose" + ch);
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = SingleThreadEngines.ortSession(env, ort);
                 OnnxTensor input = SingleThreadEngines.ortInput(env, ort, x, batch)) {
                Map<String, OnnxTensor> feed = Map.of(OnnxExporter.INPUT, input);
                // Outputs agree with ORT's (largest logit difference against the largest logit) before anything is timed.
                float[] want;
                try (OrtSession.Result res = session.run(feed)) { want = ((float[][]) res.get(0).getValue())[0].length == y.length / batch
                        ? flatten((float[][]) res.get(0).getValue()) : null; }
                for (int k = 0; k < sets.length && want != null; k++) {
                    cms[k].predict(x, 0, batch, y, 0);
                    double worst = 0, top = 0;
                    for (int i = 0; i < y.length; i++) { worst = Math.max(worst, Math.abs(y[i] - want[i])); top = Math.max(top, Math.abs(want[i])); }
                    System.out.printf("%s [%s] max |logit - ORT| %.2e (largest logit %.2f)%s%n", item, sets[k], worst, top, worst <= 1e-4 * Math.max(1, top) ? "" : "  DISAGREES");
                }
                int reps = Math.max(1, 1000 / batch), rounds = 21;
                long[][] ts = new long[sets.length][rounds];
                long[] to = new long[rounds];
                double[][] ratio = new double[sets.length][rounds];
                for (int r = -10; r < rounds; r++) {
                    long[] t = new long[sets.length];
                    for (int k = 0; k < sets.length; k++) {
                        long t0 = mx.getCurrentThreadCpuTime();
                        for (int i = 0; i < reps; i++) cms[k].predict(x, 0, batch, y, 0);
                        t[k] = mx.getCurrentThreadCpuTime() - t0;
                    }
                    long t1 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < reps; i++) try (OrtSession.Result res = session.run(feed)) { if (res.size() == 0) throw new IllegalStateException(); }
                    long t2 = mx.getCurrentThreadCpuTime();
                    if (r >= 0) {
                        to[r] = t2 - t1;
                        for (int k = 0; k < sets.length; k++) { ts[k][r] = t[k]; ratio[k][r] = (double) (t2 - t1) / t[k]; }
                    }
                }
                Arrays.sort(to);
                double fl = flops * batch * reps, d = 1e3 * reps * batch;
                for (int k = 0; k < sets.length; k++) {
                    Arrays.sort(ts[k]); Arrays.sort(ratio[k]);
                    System.out.printf("%-18s %-9s secateur %7.1f us/img (min %7.1f, %5.1f GF)  ORT %7.1f us/img (min %7.1f, %5.1f GF)  ratio %.2f, fastest %.2f, paired %.2f%n",
                            item, sets[k], ts[k][rounds / 2] / d, ts[k][0] / d, fl / ts[k][rounds / 2], to[rounds / 2] / d, to[0] / d, fl / to[rounds / 2],
                            (double) to[rounds / 2] / ts[k][rounds / 2], (double) to[0] / ts[k][0], ratio[k][rounds / 2]);
                }
            }
        }
    }
}
