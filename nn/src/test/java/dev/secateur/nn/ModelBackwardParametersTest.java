package dev.secateur.nn;

import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelBackwardParametersTest {
    /** Skipping the input gradient must not change any parameter gradient (LeNet-5 and an MLP behind a Flatten). */
    @Test
    void parameterGradientsEqualThoseOfTheFullBackward() {
        for (Model m : List.of(Models.lenet5(Models.FASHION_MNIST, 3), Models.lenet300100(Models.FASHION_MNIST, 4))) {
            SplittableRandom r = new SplittableRandom(5);
            Tensor x = Tensor.zeros(3, 1, 28, 28), gy = Tensor.zeros(3, 10);
            for (int i = 0; i < x.size(); i++) x.data()[i] = (float) r.nextGaussian();
            for (int i = 0; i < gy.size(); i++) gy.data()[i] = (float) r.nextGaussian();

            m.forward(x, true);
            m.backward(gy);
            List<float[]> full = new ArrayList<>();
            for (Parameter p : m.parameters()) full.add(p.grad().data().clone());
            for (Parameter p : m.parameters()) p.grad().fill(Float.NaN);

            m.forward(x, true);
            m.backwardParameters(gy);
            List<Parameter> ps = m.parameters();
            for (int i = 0; i < ps.size(); i++) {
                assertArrayEquals(full.get(i), ps.get(i).grad().data(), m.architecture() + " " + ps.get(i).name());
            }
            boolean nonZero = false;
            for (float v : ps.get(0).grad().data()) nonZero |= v != 0f;
            assertTrue(nonZero, "first layer's weight gradient is all zeros");
        }
    }
}
