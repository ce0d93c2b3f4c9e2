package dev.secateur.nn.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {
    @Test void stepScheduleDecaysEveryNEpochs() {
        LearningRateSchedule s = LearningRateSchedule.step(0.1, 2, 0.5);
        assertEquals(0.1, s.rate(0, 100), 1e-12);
        assertEquals(0.1, s.rate(199, 100), 1e-12);
        assertEquals(0.05, s.rate(200, 100), 1e-12);
        assertEquals(0.025, s.rate(450, 100), 1e-12);
    }

    @Test void cosineWarmsUpThenDecaysToTheFloor() {
        LearningRateSchedule s = LearningRateSchedule.cosine(1.0, 0.0, 10, 1);
        assertTrue(s.rate(0, 100) < 0.02);
        assertEquals(1.0, s.rate(100, 100), 1e-9);
        assertEquals(0.5, s.rate(550, 100), 1e-9);
        assertTrue(s.rate(999, 100) < 1e-3);
        for (long t = 101; t < 1000; t++) assertTrue(s.rate(t, 100) <= s.rate(t - 1, 100) + 1e-12);
    }

    @Test void adamFirstStepMovesEachWeightByTheLearningRate() {
        var p = new dev.secateur.nn.Parameter("w", dev.secateur.tensor.Tensor.of(new float[] {1f, -1f}, 2));
        p.grad().copyFrom(dev.secateur.tensor.Tensor.of(new float[] {3f, -0.001f}, 2));
        new Adam(0.1).step(java.util.List.of(p));
        // Bias-corrected first step is lr·sign(g) (up to eps).
        assertEquals(0.9f, p.value().getFlat(0), 1e-5f);
        assertEquals(-0.9f, p.value().getFlat(1), 1e-4f);
    }
}
