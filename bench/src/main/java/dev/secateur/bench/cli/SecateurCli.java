package dev.secateur.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code secateur} command line. */
@Command(name = "secateur", mixinStandardHelpOptions = true, version = "secateur 0.1.0",
        description = "Train, prune, quantize and run small neural networks on the CPU (Vector API).",
        scope = CommandLine.ScopeType.INHERIT, exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or nothing to do: the model already meets the target)",
                "1:internal error (a bug or out of memory; --verbose prints the stack trace)",
                "2:bad input: an option value, a model file or a data set (one 'error:' line says which)",
                "3:stopped by a guard rail: accuracy budget broken (rolled back to the last good step), target not reached, or a layer would be emptied"},
        subcommands = {DemoCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                InspectCommand.class,
                PruneCommand.class,
                QuantizeCommand.class,
                SensitivityCommand.class,
                ReportCommand.class,
                BenchCommand.class,
                ImportCommand.class,
                ExportCommand.class,
                JmhCommand.class,
                SuiteCommand.class,
                CompareCommand.class})
public final class SecateurCli implements Runnable {
    @Override public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            // JMH parses its own options; hand them over untouched.
            org.openjdk.jmh.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** The command line with its error convention: usage errors are one {@code error:} line, exit code 2. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SecateurCli());
        cl.setParameterExceptionHandler(CliErrors::usageError);
        return cl;
    }
}
