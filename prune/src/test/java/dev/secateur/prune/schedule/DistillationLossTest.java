package dev.secateur.prune.schedule;

import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The distillation gradient against central finite differences of a float64 loss. */
class DistillationLossTest {

    /** (1−α)·CE + α·T²·KL(p_t ‖ p_s) at temperature T, mean over rows, in float64. */
    private static double loss(double[] s, double[] t, int[] y, int n, int c, double temp, double alpha) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] ps = softmax(s, i * c, c, 1), psT = softmax(s, i * c, c, temp), ptT = softmax(t, i * c, c, temp);
            double kl = 0;
            for (int j = 0; j < c; j++) kl += ptT[j] * (Math.log(ptT[j]) - Math.log(psT[j]));
            total += (1 - alpha) * -Math.log(ps[y[i]]) + alpha * temp * temp * kl;
        }
        return total / n;
    }

    private static double[] softmax(double[] x, int off, int c, double temp) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < c; j++) max = Math.max(max, x[off + j]);
        double[] p = new double[c];
        for (int j = 0; j < c; j++) sum += p[j] = Math.exp((x[off + j] - max) / temp);
        for (int j = 0; j < c; j++) p[j] /= sum;
        return p;
    }

    @Test void gradientMatchesFiniteDifferences() {
        Random r = new Random(7);
        for (int[] nc : new int[][] {{1, 2}, {3, 10}, {5, 7}}) {
            int n = nc[0], c = nc[1];
            for (double[] ta : new double[][] {{1, 0}, {4, 0.7}, {2, 1}}) {
                float[] s = new float[n * c], t = new float[n * c];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) (r.nextGaussian() * 3);
                    t[i] = (float) (r.nextGaussian() * 3);
                }
                int[] y = new int[n];
                for (int i = 0; i < n; i++) y[i] = r.nextInt(c);
                DistillationLoss l = new DistillationLoss(ta[0], ta[1]);
                l.compute(Tensor.of(s, n, c), Tensor.of(t, n, c), y);
                float[] g = l.gradient().data();
                double[] sd = new double[s.length], td = new double[t.length];
                for (int i = 0; i < s.length; i++) {
                    sd[i] = s[i];
                    td[i] = t[i];
                }
                double h = 1e-5;
                for (int k = 0; k < s.length; k++) {
                    double keep = sd[k];
                    sd[k] = keep + h;
                    double up = loss(sd, td, y, n, c, ta[0], ta[1]);
                    sd[k] = keep - h;
                    double down = loss(sd, td, y, n, c, ta[0], ta[1]);
                    sd[k] = keep;
                    assertEquals((up - down) / (2 * h), g[k], 1e-5, "d/ds[" + k + "], n=" + n + " c=" + c + " T=" + ta[0] + " a=" + ta[1]);
                }
            }
        }
    }

    @Test void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(4, 1.5));
        DistillationLoss l = new DistillationLoss(4, 0.5);
        assertThrows(IllegalArgumentException.class, () -> l.compute(Tensor.zeros(2, 3), Tensor.zeros(2, 4), new int[2]));
        assertThrows(IllegalArgumentException.class, () -> l.compute(Tensor.zeros(2, 3), Tensor.zeros(2, 3), new int[1]));
    }
}
