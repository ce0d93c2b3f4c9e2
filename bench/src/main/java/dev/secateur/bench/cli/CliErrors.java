package dev.secateur.bench.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

/**
 * The one error convention of every command: a failure becomes one {@code error: ...} line on
 * stderr and an exit code — 2 for bad input (a bad option value, a missing or malformed file:
 * {@link IllegalArgumentException}, {@link IOException}; usage errors too), 1 for anything else
 * (a bug or an exhausted resource: only then is there a stack trace worth offering, and the
 * line says {@code --verbose} shows it). 3 is not an error: a command returns it when a guard
 * rail stopped the work. The list is in every command's help ({@link SecateurCli}).
 */
final class CliErrors {
    static final int BAD_INPUT = 2, INTERNAL = 1, GUARD_RAIL = 3;

    private CliErrors() {}

    static Integer run(Verbose verbose, Callable<Integer> body) {
        try {
            return body.call();
        } catch (NoSuchFileException e) {
            return fail(verbose, e, "no such file: " + e.getMessage(), BAD_INPUT);
        } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
            return fail(verbose, e, message(e), BAD_INPUT);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            return fail(verbose, e, message(e), INTERNAL);
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }

    private static int fail(Verbose verbose, Throwable e, String message, int code) {
        boolean offerTrace = code == INTERNAL && !verbose.on;
        System.err.println("error: " + Printable.of(message) + (offerTrace ? " (run with --verbose for the stack trace)" : ""));
        if (verbose.on) e.printStackTrace(System.err);
        return code;
    }

    /** Usage errors (unknown option, unparsable number) as one line and exit code 2. */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        String cmd = e.getCommandLine().getCommandName();
        System.err.println("error: " + message(e) + " (see secateur " + (cmd.equals("secateur") ? "" : cmd + " ") + "--help)");
        return BAD_INPUT;
    }

    /** The {@code --verbose} option, mixed into every command. */
    static final class Verbose {
        @CommandLine.Option(names = "--verbose", description = "print the stack trace of an error") boolean on;
    }
}
