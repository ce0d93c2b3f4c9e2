// Scratch harness (bench/scripts/harness/run.sh ModelDrift [MODEL [BATCH [SEGMENTS]]]): a pruned model and its
// dense original, each compiled as in the ONNX Runtime comparison, alternating in one JVM (3,000
// pruned calls, then 1,000 dense ones, per segment; thread CPU time); prints µs per call of each
// per segment. Whether a slow run is one JVM's code (one model slow from its start, the other not)
// or the host (both slower for a stretch, in consecutive JVMs).
import dev.secateur.bench.models.BenchModels;
import dev.secateur.bench.models.SingleThreadEngines;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;

public class ModelDrift {
    public static void main(String[] a) throws Exception {
        String model = a.length > 0 ? a[0] : "lenet300";
        int batch = a.length > 1 ? Integer.parseInt(a[1]) : 64, segments = a.length > 2 ? Integer.parseInt(a[2]) : 16;
        var pruned = BenchModels.prepare(model, true).model();
        var dense = BenchModels.prepare(model, false).model();
        pruned.useWorkers(Workers.single());
        dense.useWorkers(Workers.single());
        var cp = SingleThreadEngines.compile(pruned, batch);
        var cd = SingleThreadEngines.compile(dense, batch);
        float[] x = Tensor.randomUniform(1, 0, 1, batch * pruned.inputShape().size()).toArray();
        float[] y = new float[batch * pruned.outputShape().size()];
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        StringBuilder sb = new StringBuilder("pruned/dense us per call:");
        for (int s = 0; s < segments; s++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 3000; i++) cp.predict(x, 0, batch, y, 0);
            long t1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 1000; i++) cd.predict(x, 0, batch, y, 0);
            long t2 = mx.getCurrentThreadCpuTime();
            sb.append(String.format(" %.0f/%.0f", (t1 - t0) / 3000 / 1e3, (t2 - t1) / 1000 / 1e3));
        }
        System.out.println(sb);
    }
}
