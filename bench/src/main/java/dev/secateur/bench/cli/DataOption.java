package dev.secateur.bench.cli;

import dev.secateur.datasets.TrainTest;
import dev.secateur.prune.schedule.EvaluationData;
import dev.secateur.tensor.Shape;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** The {@code --data} and {@code --dataset} options of the commands that read a data set, and loading it (saying which). */
final class DataOption {
    @Option(names = "--data", description = "data directory (default: $SECATEUR_DATA, the system package, else the bundled sample)")
    Path dir;
    @Option(names = "--dataset", description = "fashion-mnist, mnist (IDX files from --data or $SECATEUR_DATA) or cifar10 "
            + "(default: the one the model's input shape fits: [1, 28, 28] fashion-mnist, [3, 32, 32] cifar10)")
    String dataset;

    /** Checks the options before anything is read. */
    void check() {
        EvaluationData.checkName(dataset);
    }

    /** The data set for a model of input {@code input}; prints the line naming the data used. */
    TrainTest load(Shape input, PrintStream out) throws IOException {
        check();
        TrainTest tt = EvaluationData.load(dataset, input, dir);
        out.println(EvaluationData.describe(tt));
        return tt;
    }
}
