import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Each layer's training forward and backward timed on its own, batch 64 of random 1×28×28 images,
 * with one and with two worker threads (run.sh LayerTimes [MODEL=lenet5]): 12 rounds of 50 steps
 * per pool, alternating, the last 8 averaged; µs per call and the two-thread speed-up. Wall time
 * around each call, so a layer that waits for a parked worker shows it.
 */
public class LayerTimes {
    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "lenet5";
        Model model = Models.byName(name, Models.FASHION_MNIST, 1);
        Tensor x = Tensor.zeros(64, 1, 28, 28);
        SplittableRandom r = new SplittableRandom(1);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        List<Layer> layers = model.layers();
        int n = layers.size();
        Workers[] pools = {Workers.of(1), Workers.of(2)};
        double[][][] t = new double[2][n][2];
        for (int round = 0; round < 12; round++) {
            for (int w = 0; w < 2; w++) {
                model.useWorkers(pools[w]);
                double[][] sum = new double[n][2];
                for (int step = 0; step < 50; step++) {
                    Tensor[] out = new Tensor[n + 1];
                    out[0] = x;
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        out[i + 1] = layers.get(i).forward(out[i], true);
                        sum[i][0] += System.nanoTime() - t0;
                    }
                    Tensor g = out[n];
                    for (int i = n - 1; i >= 0; i--) {
                        long t0 = System.nanoTime();
                        if (i == 0) layers.get(i).backwardParameters(g);
                        else g = layers.get(i).backward(g);
                        sum[i][1] += System.nanoTime() - t0;
                    }
                }
                if (round >= 4) for (int i = 0; i < n; i++) for (int k = 0; k < 2; k++) t[w][i][k] += sum[i][k] / 50 / 8e3;
            }
        }
        double[] total = new double[2];
        for (int i = 0; i < n; i++) {
            System.out.printf("%-10s fwd %8.1f / %8.1f us (%.2fx)  bwd %8.1f / %8.1f us (%.2fx)%n", layers.get(i).name(),
                    t[0][i][0], t[1][i][0], t[0][i][0] / t[1][i][0], t[0][i][1], t[1][i][1], t[0][i][1] / t[1][i][1]);
            for (int w = 0; w < 2; w++) total[w] += t[w][i][0] + t[w][i][1];
        }
        System.out.printf("total %.1f / %.1f us (%.2fx), 1 / 2 threads%n", total[0], total[1], total[0] / total[1]);
        for (Workers w : pools) w.close();
    }
}
