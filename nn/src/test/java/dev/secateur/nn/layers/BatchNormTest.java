package dev.secateur.nn.layers;

import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchNormTest {
    @Test void trainingNormalizesPerChannelAndUpdatesRunningStatsLikePyTorch() {
        BatchNorm bn = new BatchNorm("bn", 2);
        // Channel 0 holds 1..8, channel 1 holds 10·(1..8): mean 4.5 / 45, biased var 5.25 / 525.
        Tensor x = Tensor.zeros(2, 2, 2, 2);
        for (int n = 0; n < 2; n++) for (int i = 0; i < 4; i++) {
            x.set(1 + n * 4 + i, n, 0, i / 2, i % 2);
            x.set(10 * (1 + n * 4 + i), n, 1, i / 2, i % 2);
        }
        Tensor y = bn.forward(x, true);
        double s = 0, sq = 0;
        for (int n = 0; n < 2; n++) for (int i = 0; i < 4; i++) { double v = y.get(n, 1, i / 2, i % 2); s += v; sq += v * v; }
        assertEquals(0, s / 8, 1e-6);
        assertEquals(1, sq / 8, 1e-4);
        assertEquals(0.45f, bn.runningMean().value().getFlat(0), 1e-6f);
        // running_var = 0.9·1 + 0.1·unbiased var (5.25·8/7 = 6).
        assertEquals(0.9f + 0.6f, bn.runningVar().value().getFlat(0), 1e-5f);
    }
}
