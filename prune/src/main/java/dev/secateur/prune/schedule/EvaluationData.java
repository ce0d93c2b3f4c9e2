package dev.secateur.prune.schedule;

import dev.secateur.datasets.Cifar10;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.Mnist;
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

    /** The data set names {@link #load(String, Shape, Path)} accepts. */
    public static final java.util.List<String> NAMES = java.util.List.of("fashion-mnist", "mnist", "cifar10");

    /**
     * A named data set ({@code fashion-mnist}, {@code mnist}, {@code cifar10}), or with
     * {@code name == null} the one {@link #load(Shape, Path)} picks from the input shape; the
     * model's input shape must match the set's images.
     */
    public static TrainTest load(String name, Shape input, Path dir) throws IOException {
        if (name == null) return load(input, dir);
        checkName(name);
        Shape images = name.equals("cifar10") ? Shape.of(3, 32, 32) : Shape.of(1, 28, 28);
        if (input != null && !input.equals(images)) {
            throw new IllegalArgumentException("--dataset " + name + " has " + images + " images but the model takes " + input);
        }
        return switch (name) {
            case "mnist" -> Mnist.load(dir);
            case "cifar10" -> Cifar10.load(dir);
            default -> FashionMnist.load(dir);
        };
    }

    /** Checks a data set name before anything is loaded. */
    public static void checkName(String name) {
        if (name != null && !NAMES.contains(name)) throw new IllegalArgumentException("unknown --dataset '" + name + "' (" + String.join(", ", NAMES) + ")");
    }

    /** The line that says which data was used. */
    public static String describe(TrainTest data) {
        return "data: " + data.source() + (data.isSample() ? "  [SAMPLE: accuracy not comparable with the full test set]" : "")
                + " (" + data.train().size() + " train / " + data.test().size() + " test)";
    }
}
