package dev.secateur.bench.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code secateur jmh ARGS}: hands every argument to JMH's own command line. */
@Command(name = "jmh", description = "Run the JMH benchmark suite (standard JMH options, e.g. -l, -rf json, -prof gc).",
        helpCommand = false)
public final class JmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new java.util.ArrayList<>();

    @Parameters(arity = "0..*", description = "JMH arguments")
    List<String> positional = new java.util.ArrayList<>();

    @Override public Integer call() throws Exception {
        java.util.List<String> all = new java.util.ArrayList<>(args);
        all.addAll(positional);
        org.openjdk.jmh.Main.main(all.toArray(String[]::new));
        return 0;
    }
}
