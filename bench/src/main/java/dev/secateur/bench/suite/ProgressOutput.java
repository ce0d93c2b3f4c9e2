package dev.secateur.bench.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.StringJoiner;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH's output during a suite: JMH's own text (and the forks' output) goes to the log file, and
 * each finished benchmark configuration becomes one progress line with its score and the ETA.
 */
final class ProgressOutput implements OutputFormat {
    private final OutputFormat log;
    private final SuiteProgress progress;
    private final String step;
    private final double perConfiguration;
    private BenchmarkParams current;
    private boolean pending;

    ProgressOutput(PrintStream logFile, SuiteProgress progress, String step, double perConfiguration) {
        this.log = OutputFormatFactory.createFormatInstance(logFile, VerboseMode.NORMAL);
        this.progress = progress;
        this.step = step;
        this.perConfiguration = perConfiguration;
    }

    @Override public void startBenchmark(BenchmarkParams params) {
        finish();
        current = params;
        pending = true;
        log.startBenchmark(params);
    }

    @Override public void endBenchmark(BenchmarkResult result) {
        log.endBenchmark(result);
        pending = false;
        String score = "failed or skipped (see suite.log)";
        if (result != null) {
            Result<?> r = result.getPrimaryResult();
            score = String.format(Locale.ROOT, "%s ± %s %s", Format.number(r.getScore()),
                    Format.number(Double.isFinite(r.getScoreError()) ? r.getScoreError() : 0), r.getScoreUnit());
        }
        progress.done(perConfiguration, step + " " + describe(current) + ": " + score);
    }

    /** Counts a configuration that started but never ended (its set-up failed). */
    void finish() {
        if (pending) {
            pending = false;
            progress.done(perConfiguration, step + " " + describe(current) + ": failed or skipped (see suite.log)");
        }
    }

    private static String describe(BenchmarkParams p) {
        if (p == null) return "";
        StringJoiner j = new StringJoiner(" ");
        String b = p.getBenchmark();
        j.add(b.substring(b.lastIndexOf('.') + 1));
        for (String k : p.getParamsKeys()) j.add(k + "=" + p.getParam(k));
        return j.toString();
    }

    @Override public void iteration(BenchmarkParams b, IterationParams i, int n) { log.iteration(b, i, n); }

    @Override public void iterationResult(BenchmarkParams b, IterationParams i, int n, IterationResult r) { log.iterationResult(b, i, n, r); }

    @Override public void startRun() { log.startRun(); }

    @Override public void endRun(Collection<RunResult> results) { log.endRun(results); }

    @Override public void print(String s) { log.print(s); }

    @Override public void println(String s) { log.println(s); }

    @Override public void flush() { log.flush(); }

    @Override public void close() { log.flush(); }

    @Override public void verbosePrintln(String s) { log.verbosePrintln(s); }

    @Override public void write(int b) { log.write(b); }

    @Override public void write(byte[] b) throws IOException { log.write(b); }
}
