package dev.secateur.bench.suite;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress and ETA of a suite run. The plan's estimate is calibrated as the run goes: the time
 * left is the estimate of what is left times (elapsed / estimate of what is done), so a machine
 * slower than the estimate gets a longer ETA after the first few benchmarks.
 */
final class SuiteProgress {
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final double total;
    private double done;
    private int count;
    private final int configurations;

    SuiteProgress(PrintStream out, double estimateSeconds, int configurations) {
        this.out = out;
        this.total = Math.max(1e-9, estimateSeconds);
        this.configurations = configurations;
    }

    /** One unit of work done (estimated at {@code estimate} seconds); prints {@code what} with the ETA. */
    synchronized void done(double estimate, String what) {
        done(1, estimate, what);
    }

    /** {@code units} units of work done or skipped together (a step that cannot run here). */
    synchronized void done(int units, double estimate, String what) {
        done += estimate;
        count += units;
        out.printf(Locale.ROOT, "[%3d/%d %3.0f%%] %s  (elapsed %s, ETA %s)%n", count, configurations, 100 * Math.min(1, done / total),
                what, duration(elapsed()), duration(eta()));
        out.flush();
    }

    /** A line between steps, without counting. */
    synchronized void note(String line) {
        out.println(line);
        out.flush();
    }

    double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    double eta() {
        if (done <= 0) return total;
        return Math.max(0, total - done) * elapsed() / done;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
