package dev.secateur.bench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

/**
 * The one error convention of every command: a failure becomes a one-line {@code error: ...}
 * message on stderr and an exit code — 2 for bad input (a bad option value, a missing or
 * malformed file: {@link IllegalArgumentException}, {@link IOException}; picocli uses 2 for
 * usage errors too), 1 for anything else (a bug or an exhausted resource). The stack trace is
 * printed only with {@code --verbose} ({@link Verbose}).
 */
final class CliErrors {
    static final int BAD_INPUT = 2, INTERNAL = 1;

    private CliErrors() {}

    static Integer run(Verbose verbose, Callable<Integer> body) {
        try {
            return body.call();
        } catch (NoSuchFileException e) {
            return fail(verbose, e, "no such file: " + e.getMessage(), BAD_INPUT);
        } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
            return fail(verbose, e, message(e), BAD_INPUT);
        } catch (Exception | OutOfMemoryError e) {
            return fail(verbose, e, message(e), INTERNAL);
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static int fail(Verbose verbose, Throwable e, String message, int code) {
        System.err.println();
        System.err.println("error: " + message);
        if (verbose.on) e.printStackTrace(System.err);
        else System.err.println("(run with --verbose for the stack trace)");
        return code;
    }

    /** The {@code --verbose} option, mixed into every command. */
    static final class Verbose {
        @picocli.CommandLine.Option(names = "--verbose", description = "print the stack trace of an error") boolean on;
    }
}
