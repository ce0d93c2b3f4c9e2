import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.*;
import java.lang.management.ManagementFactory;
import java.util.*;

/** Per conv layer: DirectConv and ChannelVectorConv (pooled, bias + ReLU, 1 thread) timed alternately on thread CPU time; args: layers (as ConvBenchmark's param, comma-separated), rounds. */
public class ConvPair {
    public static void main(String[] a) {
        var mx = ManagementFactory.getThreadMXBean();
        String[] layers = a[0].split(",");
        int rounds = Integer.parseInt(a[1]);
        for (String layer : layers) {
            String[] io = layer.split("-");
            String[] in = io[0].split("x");
            String spec = io[1];
            int outC = Integer.parseInt(spec.substring(0, spec.indexOf('k')));
            int k = Integer.parseInt(spec.substring(spec.indexOf('k') + 1, spec.indexOf('s')));
            int s = Integer.parseInt(spec.substring(spec.indexOf('s') + 1, spec.indexOf('p')));
            int p = Integer.parseInt(spec.substring(spec.indexOf('p') + 1));
            int batch = Integer.parseInt(io[2].substring(1));
            ConvGeometry g = ConvGeometry.of(Integer.parseInt(in[0]), Integer.parseInt(in[1]), Integer.parseInt(in[2]), outC, k, s, p);
            SplittableRandom r = new SplittableRandom(7);
            float[] x = fill(r, batch * g.inputSize()), w = fill(r, g.weightSize()), b = fill(r, outC);
            float[] y = new float[batch * g.outputSize()];
            DirectConv d = DirectConv.from(g, w, 0);
            ChannelVectorConv c = ChannelVectorConv.from(g, w, 0);
            float[] dw = new float[d.workspaceFloats(1)], cw = new float[c.workspaceFloats(1)];
            Workers one = Workers.single();
            long[] td = new long[rounds], tc = new long[rounds];
            int reps = Math.max(1, 2000 / batch);
            for (int i = 0; i < rounds + 20; i++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int j = 0; j < reps; j++) d.forward(one, x, 0, batch, y, 0, b, true, true, dw, 0);
                long t1 = mx.getCurrentThreadCpuTime();
                for (int j = 0; j < reps; j++) c.forward(one, x, 0, batch, y, 0, b, true, true, cw, 0);
                long t2 = mx.getCurrentThreadCpuTime();
                if (i >= 20) { td[i - 20] = (t1 - t0) / reps; tc[i - 20] = (t2 - t1) / reps; }
            }
            Arrays.sort(td); Arrays.sort(tc);
            double fl = (double) g.flopsPerImage() * batch;
            System.out.printf("%-24s direct min %9.1f med %9.1f us (%5.1f GF) | channels min %9.1f med %9.1f us (%5.1f GF) | ratio med %.2f%n",
                layer, td[0] / 1e3, td[rounds / 2] / 1e3, fl / td[rounds / 2], tc[0] / 1e3, tc[rounds / 2] / 1e3, fl / tc[rounds / 2],
                (double) td[rounds / 2] / tc[rounds / 2]);
        }
    }
    static float[] fill(SplittableRandom r, int n) { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1); return a; }
}
