package dev.secateur.bench.cli;

import dev.secateur.datasets.Cifar10;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.TrainTest;
import dev.secateur.tensor.Shape;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** Data loading shared by the train / eval commands: picks the set from the input shape and says which data it used. */
final class CliData {
    private CliData() {}

    /** Fashion-MNIST for {@code [1, 28, 28]}, CIFAR-10 for {@code [3, 32, 32]}. */
    static TrainTest load(Shape input, Path dir, PrintStream out) throws IOException {
        TrainTest data;
        if (input.equals(Shape.of(1, 28, 28))) data = FashionMnist.load(dir);
        else if (input.equals(Shape.of(3, 32, 32))) data = Cifar10.load(dir);
        else throw new IllegalArgumentException("no data set for input shape " + input + " (expected [1, 28, 28] or [3, 32, 32])");
        out.println("data: " + data.source() + (data.isSample() ? "  [SAMPLE: accuracy not comparable with the full test set]" : "")
                + " (" + data.train().size() + " train / " + data.test().size() + " test)");
        return data;
    }

    static String datasetName(Shape input) {
        return input.equals(Shape.of(3, 32, 32)) ? "cifar10" : "fashion-mnist";
    }
}
