package dev.secateur.nn;

import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.Normalization;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.train.Evaluation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model files shipped in {@code models/} load and still classify the bundled sample test set well. */
class PretrainedModelsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"lenet300.safetensors,0.85,0.89", "lenet5.safetensors,0.87,0.905", "vgg.safetensors,0.89,0.925"})
    void shippedModelLoadsAndClassifiesTheSample(String file, double minSampleAccuracy, double recordedAtLeast) throws Exception {
        Path p = Path.of("..", "models", file);
        assertTrue(Files.isRegularFile(p), "missing " + p.toAbsolutePath());
        ModelFile.Loaded loaded = ModelFile.read(p);
        assertTrue(loaded.training().testAccuracy() >= recordedAtLeast, "recorded accuracy " + loaded.training().testAccuracy());
        TrainTest sample = FashionMnist.loadSample(Normalization.FASHION_MNIST);
        double acc = Evaluation.of(loaded.model(), sample.test(), 250).accuracy();
        assertTrue(acc >= minSampleAccuracy, file + " sample accuracy " + acc);
    }
}
