package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

/**
 * One step of a compiled model: reads activation buffer {@code in} of the workspace and writes
 * buffer {@code out} (never the same one) for {@code n} samples.
 */
abstract class Op {
    final int in, out;

    Op(int in, int out) {
        this.in = in;
        this.out = out;
    }

    /** Runs the step; {@code slot} selects the kernel calibrated for the nearest batch size. */
    abstract void run(Workspace ws, int n, int slot, Workers workers);

    /** Short description for error messages and tables. */
    abstract String describe();
}
