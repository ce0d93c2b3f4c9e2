package dev.secateur.bench.cli;

import picocli.CommandLine.Option;

/** The SGD settings of the commands that fine-tune while pruning ({@code prune}, {@code demo}). */
final class SgdOptions {
    @Option(names = "--momentum", defaultValue = "0.9", description = "sgd momentum, in [0, 1) (default ${DEFAULT-VALUE})") double momentum;
    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "sgd L2 weight decay (default ${DEFAULT-VALUE})") double weightDecay;
}
