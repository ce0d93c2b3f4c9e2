package dev.secateur.prune.schedule;

import dev.secateur.datasets.Cifar10;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.TrainTest;
import dev.secateur.tensor.Shape;

import java.io.IOException;
import java.nio.file.Path;

/** Picks the data set a model was made for from its input shape. */
public final class EvaluationData {
    private EvaluationData() {}

    /**
     * Fashion-MNIST for {@code [1, 28, 28]}, CIFAR-10 for {@code [3, 32, 32]}, from {@code dir},
     * else {@code $SECATEUR_DATA}, the system package, else the bundled sample.
     */
    public static TrainTest load(Shape input, Path dir) throws IOException {
        if (input.equals(Shape.of(1, 28, 28))) return FashionMnist.load(dir);
        if (input.equals(Shape.of(3, 32, 32))) return Cifar10.load(dir);
        throw new IllegalArgumentException("no data set for input shape " + input + " (expected [1, 28, 28] or [3, 32, 32])");
    }

    /** The line that says which data was used. */
    public static String describe(TrainTest data) {
        return "data: " + data.source() + (data.isSample() ? "  [SAMPLE: accuracy not comparable with the full test set]" : "")
                + " (" + data.train().size() + " train / " + data.test().size() + " test)";
    }
}
