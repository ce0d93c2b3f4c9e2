package dev.secateur.nn.layers;

import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropoutTest {
    @Test void evalIsIdentityAndTrainingKeepsTheMean() {
        Dropout d = new Dropout("drop", 0.25);
        d.initialize(new SplittableRandom(1));
        Tensor x = Tensor.zeros(100, 100);
        x.fill(1f);
        assertSame(x, d.forward(x, false));
        Tensor y = d.forward(x, true);
        double sum = 0;
        int zeros = 0;
        for (int i = 0; i < y.size(); i++) {
            sum += y.getFlat(i);
            if (y.getFlat(i) == 0f) zeros++;
            else assertEquals(1f / 0.75f, y.getFlat(i), 1e-6f);
        }
        assertEquals(1.0, sum / y.size(), 0.03);
        assertTrue(zeros > 2200 && zeros < 2800, "zeros " + zeros);
        // Backward applies the same mask.
        Tensor g = d.backward(x);
        for (int i = 0; i < g.size(); i++) assertEquals(y.getFlat(i), g.getFlat(i));
    }

    @Test void sameSeedSameMask() {
        Dropout a = new Dropout("d", 0.5), b = new Dropout("d", 0.5);
        a.initialize(new SplittableRandom(3));
        b.initialize(new SplittableRandom(3));
        Tensor x = Tensor.randomUniform(1, -1, 1, 4, 50);
        assertEquals(java.util.Arrays.toString(a.forward(x, true).toArray()), java.util.Arrays.toString(b.forward(x, true).toArray()));
    }

    /** Element i is dropped exactly when the i-th draw of the layer's stream is below p, for any p. */
    @Test void dropsExactlyTheDrawsBelowP() {
        for (double p : new double[] {0.1, 0.25, 0.5, 0.9, 0.999}) {
            Dropout d = new Dropout("d", p);
            d.initialize(new SplittableRandom(11));
            Tensor x = Tensor.randomUniform(2, 0.5f, 2f, 3, 333);
            Tensor y = d.forward(x, true);
            SplittableRandom stream = new SplittableRandom(11).split();
            float keep = 1f / (1f - (float) p);
            for (int i = 0; i < x.size(); i++) {
                float expected = stream.nextDouble() < (float) p ? 0f : x.getFlat(i) * keep;
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(y.getFlat(i)), "element " + i + " at p " + p);
            }
        }
    }
}
