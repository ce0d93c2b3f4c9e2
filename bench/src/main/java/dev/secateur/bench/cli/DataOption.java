package dev.secateur.bench.cli;

import dev.secateur.datasets.TrainTest;
import dev.secateur.prune.schedule.EvaluationData;
import dev.secateur.tensor.Shape;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** The {@code --data} option of the commands that read a data set, and loading the set a model was made for (saying which). */
final class DataOption {
    @Option(names = "--data", description = "data directory (default: $SECATEUR_DATA, the system package, else the bundled sample)")
    Path dir;

    /** Fashion-MNIST for {@code [1, 28, 28]}, CIFAR-10 for {@code [3, 32, 32]}; prints the line naming the data used. */
    TrainTest load(Shape input, PrintStream out) throws IOException {
        TrainTest tt = EvaluationData.load(input, dir);
        out.println(EvaluationData.describe(tt));
        return tt;
    }
}
