package dev.secateur.bench.cli;

import dev.secateur.nn.train.EpochResult;
import dev.secateur.nn.train.ProgressListener;
import dev.secateur.nn.train.TrainingProgress;

import java.io.PrintStream;

/**
 * The one progress bar of the command line, on stderr: training epochs (batch, loss, accuracy,
 * images/s) and any other long task (fine-tuning, evaluation, calibration, sensitivity,
 * quantization) with its ETA. It draws only on a terminal, at most ~10 times a second, and only
 * once a task has run for a second; elsewhere (a pipe, a file, {@code --json} runs in scripts)
 * it stays quiet and only the summary lines are printed. {@link #log} prints a line without
 * tearing the bar.
 */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L, SHOW_AFTER_NANOS = 1_000_000_000L;
    private final PrintStream err;
    private final boolean terminal;
    private long lastDraw;
    private String task;
    private long taskStart;
    private boolean drawn;

    /** Draws when this process runs on a terminal. */
    ProgressBar(PrintStream err) {
        this(err, onTerminal());
    }

    ProgressBar(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** Whether this bar draws at all (false when the output is not a terminal). */
    boolean drawing() { return terminal; }

    /** Whether stdin and stdout are a terminal (not a pipe or a file). */
    static boolean onTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override public void onBatch(TrainingProgress p) {
        if (!terminal) return;
        long now = System.nanoTime();
        if (p.batch() != p.batches() && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        int filled = (int) ((long) WIDTH * p.batch() / Math.max(1, p.batches()));
        if (p.batch() <= 1) taskStart = now;
        double perBatch = p.batch() > 0 ? (now - taskStart) / 1e9 / p.batch() : Double.NaN;
        err.printf("\repoch %d/%d [%s%s] %5d/%d  loss %.4f  acc %5.2f%%  %,.0f img/s  lr %.4g  ETA %s ", p.epoch() + 1, p.epochs(),
                "#".repeat(filled), ".".repeat(WIDTH - filled), p.batch(), p.batches(), p.loss(), 100 * p.accuracy(), p.imagesPerSecond(),
                p.learningRate(), eta(perBatch * (p.batches() - p.batch())));
        err.flush();
        drawn = true;
    }

    @Override public void onEpoch(EpochResult r) {
        clear();
        String test = r.test() == null ? "" : String.format("  test loss %.4f  test acc %.2f%%", r.test().loss(), 100 * r.test().accuracy());
        err.printf("epoch %d: train loss %.4f  train acc %.2f%%%s  %.1f s (%,.0f img/s)%n", r.epoch() + 1, r.trainLoss(),
                100 * r.trainAccuracy(), test, r.trainSeconds(), r.imagesPerSecond());
        err.flush();
    }

    /** A task advanced: {@code done} of {@code total} (fine-tune steps, images evaluated, ...). */
    void update(String name, long done, long total) {
        if (!terminal) return;
        long now = System.nanoTime();
        if (!name.equals(task) || done == 0) {
            task = name;
            taskStart = now;
        }
        if (done >= total) {
            clear();
            return;
        }
        if (now - taskStart < SHOW_AFTER_NANOS || now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        double seconds = (now - taskStart) / 1e9;
        int filled = (int) (WIDTH * Math.min(done, total) / Math.max(1, total));
        double eta = done == 0 ? Double.NaN : seconds * (total - done) / done;
        err.printf("\r%-14s [%s%s] %6d/%d  %.0f s  ETA %s ", name, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, seconds, eta(eta));
        err.flush();
        drawn = true;
    }

    /** A line (the bar, if any, is cleared first). */
    void log(String line) {
        clear();
        err.println(line);
        err.flush();
    }

    void clear() {
        if (drawn) {
            err.print("\r\033[2K");
            err.flush();
        }
        drawn = false;
    }

    private static String eta(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?";
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
    }
}
