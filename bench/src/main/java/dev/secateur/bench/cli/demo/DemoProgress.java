package dev.secateur.bench.cli.demo;

import java.io.PrintStream;

/**
 * The demo's progress bar on stderr: the overall phase ("step 2/5"), a bar over the current
 * fine-tuning and images/s. Redrawn ~10 times a second on a terminal, every 10 s when stderr is
 * a file or pipe; {@link #log} prints a line without tearing the bar.
 */
public final class DemoProgress {
    private static final int WIDTH = 28;
    private final PrintStream err;
    private final boolean terminal;
    private final long redrawNanos;
    private String label = "";
    private long total;
    private int batch;
    private long started;
    private long lastDraw;
    private boolean drawn;

    public DemoProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
        this.redrawNanos = terminal ? 100_000_000L : 10_000_000_000L;
    }

    /** Begins a bar of {@code total} optimizer steps of {@code batch} images. */
    void start(String label, long total, int batch) {
        this.label = label;
        this.total = Math.max(1, total);
        this.batch = batch;
        this.started = System.nanoTime();
        this.lastDraw = started;
    }

    void advance(long done) {
        long now = System.nanoTime();
        if (done != total && now - lastDraw < redrawNanos) return;
        lastDraw = now;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        double seconds = (now - started) / 1e9;
        err.printf("\r%-12s [%s%s] %5d/%d  %,.0f img/s  %.0f s ", label, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total,
                done * batch / Math.max(seconds, 1e-9), seconds);
        if (!terminal) err.println();
        err.flush();
        drawn = terminal;
    }

    void finish() {
        clear();
    }

    /** A log line (the current bar, if any, is cleared first). */
    public void log(String line) {
        clear();
        err.println(line);
        err.flush();
    }

    private void clear() {
        if (drawn) err.print("\r\033[2K");
        drawn = false;
    }
}
