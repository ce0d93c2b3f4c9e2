package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchNormFoldingTest {
    private static Model trainedStats(Model m) {
        // A few training-mode passes give non-trivial running statistics.
        for (int i = 0; i < 5; i++) m.forward(Tensor.randomUniform(100 + i, -1, 2, 8, 2, 6, 6), true);
        return m;
    }

    @Test void foldedModelGivesTheSameEvalOutputs() {
        List<Layer> layers = List.of(new Conv2d("c1", 2, 4, 3, 1, 1), new BatchNorm("bn1", 4), new ReLU("r1"),
                new ResidualBlock("b", List.of(new Conv2d("b.c", 4, 4, 3, 1, 1), new BatchNorm("b.bn", 4)), List.of()),
                new Flatten("f"), new Dense("fc", 4 * 36, 5), new BatchNorm("bn2", 5));
        Model m = trainedStats(new Model("t", Shape.of(2, 6, 6), layers).initialize(3));
        BatchNorm bn = (BatchNorm) m.layers().get(1);
        bn.gamma().value().copyFrom(Tensor.of(new float[] {1.2f, 0.8f, -0.5f, 2f}, 4));
        bn.beta().value().copyFrom(Tensor.of(new float[] {0.1f, -0.2f, 0.3f, 0f}, 4));
        Model folded = BatchNormFolding.fold(m);
        assertEquals(5, folded.layers().size());
        Tensor x = Tensor.randomUniform(9, -1, 2, 3, 2, 6, 6);
        Tensor a = m.predict(x).copy(), b = folded.predict(x).copy();
        assertTrue(b.allClose(a, 1e-5f, 1e-5f), () -> a + " vs " + b);
    }
}
