package dev.secateur.bench.cli;

import java.util.concurrent.Callable;

/**
 * Runs a command body and turns failures into a one-line message on stderr and exit code 1
 * (the stack trace only with {@code --verbose}).
 */
final class CliErrors {
    private CliErrors() {}

    static Integer run(boolean verbose, Callable<Integer> body) {
        try {
            return body.call();
        } catch (Exception | OutOfMemoryError e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            System.err.println();
            System.err.println("error: " + msg);
            if (verbose) e.printStackTrace(System.err);
            else System.err.println("(run with --verbose for the stack trace)");
            return 1;
        }
    }
}
