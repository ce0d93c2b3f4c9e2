package dev.secateur.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code secateur} command line. */
@Command(name = "secateur", mixinStandardHelpOptions = true, version = "secateur 0.1.0",
        description = "Train, prune, quantize and run small neural networks on the CPU (Vector API).",
        subcommands = {DemoCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                InspectCommand.class,
                PruneCommand.class,
                QuantizeCommand.class,
                SensitivityCommand.class,
                ReportCommand.class,
                BenchCommand.class,
                JmhCommand.class, SuiteCommand.class, CompareCommand.class})
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
        int code = new CommandLine(new SecateurCli()).execute(args);
        System.exit(code);
    }
}
