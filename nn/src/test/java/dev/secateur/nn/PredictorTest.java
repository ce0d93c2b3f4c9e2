package dev.secateur.nn;

import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class PredictorTest {
    @Test void concurrentCallersGetTheSameLogitsAsASingleModel() throws Exception {
        Model m = Models.lenet5(Models.FASHION_MNIST, 2);
        m.useWorkers(dev.secateur.tensor.Workers.single());
        Predictor p = Predictor.of(m);
        List<Tensor> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Tensor x = Tensor.randomUniform(i, -1, 1, 1 + i % 3, 1, 28, 28);
            inputs.add(x);
            expected.add(m.predict(x).toArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            for (int rep = 0; rep < 5; rep++) for (Tensor x : inputs) fs.add(pool.submit(() -> p.predict(x).toArray()));
            for (int i = 0; i < fs.size(); i++) assertArrayEquals(expected.get(i % inputs.size()), fs.get(i).get(), "call " + i);
        } finally {
            pool.shutdown();
        }
        assertArrayEquals(m.predictClasses(inputs.get(3)), p.classify(inputs.get(3)));
    }
}
