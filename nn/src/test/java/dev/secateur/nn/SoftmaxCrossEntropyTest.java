package dev.secateur.nn;

import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoftmaxCrossEntropyTest {
    @Test void lossOfUniformLogitsIsLogClasses() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        assertEquals(Math.log(4), ce.compute(Tensor.zeros(3, 4), new int[] {0, 1, 3}, 0), 1e-6);
    }

    @Test void gradientMatchesFiniteDifferences() {
        Tensor logits = Tensor.randomUniform(3, -2, 2, 5, 7);
        int[] labels = {0, 6, 3, 3, 1};
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        ce.compute(logits, labels, 0);
        Tensor g = ce.gradient().copy();
        double eps = 1e-2;
        for (int i = 0; i < logits.size(); i++) {
            float old = logits.getFlat(i);
            logits.setFlat(i, (float) (old + eps));
            double lp = ce.compute(logits, labels, 0);
            logits.setFlat(i, (float) (old - eps));
            double lm = ce.compute(logits, labels, 0);
            logits.setFlat(i, old);
            double num = (lp - lm) / (2 * eps);
            assertTrue(Math.abs(num - g.getFlat(i)) <= 1e-3 + 1e-2 * Math.abs(num), "logit " + i + ": " + num + " vs " + g.getFlat(i));
        }
    }

    @Test void countsCorrectPredictions() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        ce.compute(Tensor.of(new float[] {1, 0, 0, 2, 5, 1}, 3, 2), new int[] {0, 1, 1}, 0);
        assertEquals(2, ce.correct());
    }
}
