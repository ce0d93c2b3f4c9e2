package dev.secateur.nn.train;

import dev.secateur.datasets.Dataset;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.Normalization;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.optim.LearningRateSchedule;
import dev.secateur.nn.optim.Sgd;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Workers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    static TrainTest sample;

    @BeforeAll static void load() throws IOException {
        sample = FashionMnist.loadSample(Normalization.FASHION_MNIST);
    }

    @Test void trainsLenet300OnTheBundledSampleWellAboveChance() {
        assertTrue(sample.isSample());
        Model m = Models.lenet300100(Models.FASHION_MNIST, 1);
        try (Workers w = Workers.of(2)) {
            List<EpochResult> r = new Trainer(m, new Sgd(0.05, 0.9, 0, true), LearningRateSchedule.cosine(0.05, 0, 4, 0), 4, 64, 7)
                    .workers(w).fit(sample.train(), sample.test());
            double acc = r.getLast().test().accuracy();
            // Chance is 10%; a working MLP reaches ~80% on the 1000-image sample test set.
            assertTrue(acc >= 0.70, "test accuracy " + acc);
            assertTrue(r.getLast().trainLoss() < r.getFirst().trainLoss());
        }
    }

    private static List<float[]> trainSteps(int threads) {
        Dataset small = sample.train().subset(0, 320);
        Model m = Models.lenet5(Models.FASHION_MNIST, 3);
        try (Workers w = Workers.of(threads)) {
            new Trainer(m, new Sgd(0.02, 0.9, 5e-4, false), LearningRateSchedule.constant(0.02), 1, 32, 11).workers(w).fit(small, null);
        }
        return m.parameters().stream().map(p -> p.value().toArray()).toList();
    }

    /* The first run is partly interpreted, the second compiled: kernels must agree bit for bit. */
    @Test void sameSeedAndThreadsGiveBitIdenticalWeights() {
        for (int threads : new int[] {1, 2}) {
            List<float[]> a = trainSteps(threads), b = trainSteps(threads);
            for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "parameter " + i + " with " + threads + " threads");
        }
    }

    @Test void zooModelsHaveTheDocumentedSizes() {
        assertTrue(Models.lenet5(Models.FASHION_MNIST, 0).parameterCount() == 61_706);
        assertTrue(Models.lenet300100(Models.FASHION_MNIST, 0).parameterCount() == 266_610);
        for (String name : Models.names()) {
            for (var shape : List.of(Models.FASHION_MNIST, Models.CIFAR10)) {
                Model m = Models.byName(name, shape, 1);
                assertTrue(m.outputShape().size() == 10, name + " " + shape);
                var x = dev.secateur.tensor.Tensor.randomUniform(1, -1, 1, 2, shape.dim(0), shape.dim(1), shape.dim(2));
                m.forward(x, true);
                m.backward(dev.secateur.tensor.Tensor.randomUniform(2, -1, 1, 2, 10));
                for (Parameter p : m.parameters()) assertTrue(Float.isFinite(p.grad().getFlat(0)), p.name());
            }
        }
    }
}
