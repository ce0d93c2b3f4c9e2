package dev.secateur.nn.layers;

import dev.secateur.nn.GradientCheck;
import dev.secateur.nn.Layer;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every layer's backward pass agrees with central finite differences of its forward pass. */
class LayerGradientTest {
    /** Inputs whose entries are well separated (no ReLU kinks or max ties within eps). */
    static Tensor separated(long seed, int... dims) {
        Tensor t = Tensor.randomUniform(seed, -1, 1, dims);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            float v = t.getFlat(i);
            t.setFlat(i, (v < 0 ? -1 : 1) * (0.05f + Math.abs(v)) + (float) (r.nextDouble() * 1e-2));
        }
        return t;
    }

    /** Few filters on small planes train through im2col columns, the rest through the direct passes; 4+ input channels at stride 1 get the direct input gradient. */
    @ParameterizedTest(name = "conv in={0} out={1} k={2} stride={3} pad={4} threads={5} input {6}x{7}")
    @CsvSource({"1,2,3,1,0,1,7,6", "2,3,3,1,1,2,7,6", "3,2,3,2,1,2,7,6", "2,2,2,2,0,1,7,6", "1,1,5,1,2,2,7,6", "2,4,1,1,0,1,7,6",
            "1,2,3,1,1,2,18,16", "2,5,5,1,2,1,17,16", "2,3,3,2,1,2,34,33", "2,9,3,1,1,2,10,10", "4,3,3,1,1,2,7,6", "5,4,3,1,1,1,10,10"})
    void conv2dGradientsMatchFiniteDifferences(int in, int out, int k, int stride, int pad, int threads, int h, int w) {
        Conv2d c = new Conv2d("conv", in, out, k, stride, pad);
        c.initialize(new SplittableRandom(11));
        try (Workers pool = Workers.of(threads)) {
            c.useWorkers(pool);
            GradientCheck.check(c, Tensor.randomUniform(5, -1, 1, 3, in, h, w), 9, 1e-2, 2e-2);
        }
    }

    /** A tensor large enough to be cut between threads gives the definition's values, cut or not. */
    @Test void reluOnThreadsMatchesItsDefinition() {
        Tensor x = Tensor.randomUniform(3, -1, 1, 3, 70_001), g = Tensor.randomUniform(4, -1, 1, 3, 70_001);
        for (int threads : new int[] {1, 2, 3}) {
            try (Workers pool = Workers.of(threads)) {
                ReLU relu = new ReLU("relu");
                relu.useWorkers(pool);
                Tensor y = relu.forward(x, true), dx = relu.backward(g);
                for (int i = 0; i < x.size(); i++) {
                    float v = x.getFlat(i);
                    assertEquals(v > 0 ? v : 0f, y.getFlat(i), "y at " + i + " on " + threads + " threads");
                    assertEquals(v > 0 ? g.getFlat(i) : 0f, dx.getFlat(i), "dx at " + i + " on " + threads + " threads");
                }
            }
        }
    }

    @Test void reluGradientsMatchFiniteDifferences() {
        GradientCheck.check(new ReLU("relu"), separated(1, 2, 3, 4), 2, 1e-3, 1e-2);
    }

    @Test void maxPoolGradientsMatchFiniteDifferences() {
        GradientCheck.check(new MaxPool2d("pool", 2, 2), separated(3, 2, 2, 6, 5), 4, 1e-3, 1e-2);
        GradientCheck.check(new MaxPool2d("pool", 3, 1), separated(6, 1, 2, 5, 5), 4, 1e-3, 1e-2);
    }

    @Test void avgPoolGradientsMatchFiniteDifferences() {
        GradientCheck.check(new AvgPool2d("pool", 2, 2), Tensor.randomUniform(3, -1, 1, 2, 2, 6, 5), 4, 1e-2, 1e-2);
        GradientCheck.check(AvgPool2d.global("gap"), Tensor.randomUniform(3, -1, 1, 2, 3, 4, 4), 4, 1e-2, 1e-2);
    }

    @Test void flattenPassesGradientThrough() {
        GradientCheck.check(new Flatten("flat"), Tensor.randomUniform(3, -1, 1, 2, 2, 3, 3), 4, 1e-2, 1e-2);
    }

    @Test void batchNorm2dTrainModeGradientsMatchFiniteDifferences() {
        BatchNorm bn = new BatchNorm("bn", 3);
        bn.gamma().value().copyFrom(Tensor.of(new float[] {1.5f, -0.7f, 0.9f}, 3));
        bn.beta().value().copyFrom(Tensor.of(new float[] {0.1f, 0.2f, -0.3f}, 3));
        GradientCheck.check(bn, Tensor.randomUniform(3, -1, 1, 4, 3, 3, 2), 4, 1e-2, 2e-2);
    }

    @Test void batchNorm1dTrainModeGradientsMatchFiniteDifferences() {
        BatchNorm bn = new BatchNorm("bn", 5);
        bn.gamma().value().copyFrom(Tensor.randomUniform(8, 0.5f, 1.5f, 5));
        GradientCheck.check(bn, Tensor.randomUniform(3, -2, 2, 6, 5), 4, 1e-2, 2e-2);
    }

    @Test void residualBlockGradientsMatchFiniteDifferences() {
        Conv2d c1 = new Conv2d("b.conv1", 2, 3, 3, 1, 1), c2 = new Conv2d("b.conv2", 3, 3, 3, 1, 1);
        Conv2d sc = new Conv2d("b.down", 2, 3, 1, 1, 0);
        ResidualBlock b = new ResidualBlock("b", List.of(c1, new BatchNorm("b.bn1", 3), c2), List.of(sc));
        b.initialize(new SplittableRandom(4));
        // No ReLU inside: finite differences across its kink are meaningless (ReLU is checked alone).
        GradientCheck.check(b, Tensor.randomUniform(3, -1, 1, 3, 2, 5, 5), 4, 1e-2, 3e-2);
    }

    @Test void identityResidualBlockGradientsMatchFiniteDifferences() {
        Layer b = new ResidualBlock("b", List.of(new Dense("b.fc1", 6, 6), new Dense("b.fc2", 6, 6)), List.of());
        b.initialize(new SplittableRandom(4));
        GradientCheck.check(b, Tensor.randomUniform(3, -1, 1, 4, 6), 4, 1e-2, 2e-2);
    }
}
