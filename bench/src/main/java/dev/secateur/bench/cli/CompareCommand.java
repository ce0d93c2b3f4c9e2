package dev.secateur.bench.cli;

import dev.secateur.bench.suite.RunComparison;
import dev.secateur.bench.suite.SuiteResults;
import dev.secateur.nn.io.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code secateur compare A/results.json B/results.json}: every figure of two suite runs side by
 * side, flagged only where the runs' confidence intervals do not overlap. Exit codes: 0 no
 * regression, {@value #REGRESSION} at least one regression, 2 bad input, 1 internal error.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two suite runs figure by figure (ratio second/first); a change counts only beyond the measured error of both runs.",
                "Exit code: 0 no regression, 3 at least one regression, 2 bad input (unreadable or not a results.json), 1 internal error."})
public final class CompareCommand implements Callable<Integer> {
    /** Exit code when the second run is worse on at least one figure. */
    public static final int REGRESSION = 3;

    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Parameters(index = "0", description = "results.json of the first (baseline) run") Path before;
    @Parameters(index = "1", description = "results.json of the second run") Path after;
    @Option(names = "--min-change", description = "ignore changes smaller than this fraction even beyond the errors (default: ${DEFAULT-VALUE})",
            defaultValue = "0") double minChange;
    @Option(names = "--out", description = "also write the comparison as Markdown to this file") Path out;

    @Override public Integer call() {
        return CliErrors.run(verbose, () -> {
            RunComparison c = RunComparison.of(SuiteResults.read(before), SuiteResults.read(after), minChange);
            String table = c.table();
            System.out.print(table);
            if (out != null) AtomicFile.write(out, table.getBytes(StandardCharsets.UTF_8));
            return c.count(RunComparison.Verdict.REGRESSION) > 0 ? REGRESSION : 0;
        });
    }
}
