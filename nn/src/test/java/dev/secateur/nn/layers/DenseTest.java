package dev.secateur.nn.layers;

import dev.secateur.nn.GradientCheck;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DenseTest {
    @Test void forwardIsXTimesWeightTransposedPlusBias() {
        Dense d = new Dense("fc", 3, 2);
        d.weight().value().copyFrom(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        d.bias().value().copyFrom(Tensor.of(new float[] {0.5f, -1}, 2));
        Tensor y = d.forward(Tensor.of(new float[] {1, 0, -1, 2, 1, 0}, 2, 3), false);
        assertEquals(-1.5f, y.get(0, 0)); // 1-3+0.5
        assertEquals(-3f, y.get(0, 1));   // 4-6-1
        assertEquals(4.5f, y.get(1, 0));  // 2+2+0.5
        assertEquals(12f, y.get(1, 1));   // 8+5-1
    }

    @Test void gradientsMatchFiniteDifferences() {
        Dense d = new Dense("fc", 7, 5);
        d.initialize(new SplittableRandom(1));
        GradientCheck.check(d, Tensor.randomUniform(2, -1, 1, 3, 7), 3, 1e-2, 1e-2);
    }

    @Test void acceptsImageShapedInput() {
        Dense d = new Dense("fc", 12, 4);
        d.initialize(new SplittableRandom(1));
        GradientCheck.check(d, Tensor.randomUniform(2, -1, 1, 2, 3, 2, 2), 4, 1e-2, 1e-2);
    }
}
