package dev.secateur.bench.cli;

import dev.secateur.nn.train.EpochResult;
import dev.secateur.nn.train.ProgressListener;
import dev.secateur.nn.train.TrainingProgress;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr (redrawn at most ~10 times a second) with epoch, batch,
 * loss, accuracy and images/s; a summary line per epoch.
 */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 24;
    private final PrintStream err;
    private final long redrawNanos;
    private long lastDraw;

    /** Redraws ~10 times a second on a terminal, every 10 s when stderr is a file or pipe. */
    ProgressBar(PrintStream err) {
        this.err = err;
        this.redrawNanos = System.console() != null ? 100_000_000L : 10_000_000_000L;
    }

    @Override public void onBatch(TrainingProgress p) {
        long now = System.nanoTime();
        if (p.batch() != p.batches() && now - lastDraw < redrawNanos) return;
        lastDraw = now;
        int filled = (int) ((long) WIDTH * p.batch() / Math.max(1, p.batches()));
        err.printf("\repoch %d/%d [%s%s] %5d/%d  loss %.4f  acc %5.2f%%  %,.0f img/s  lr %.4g ", p.epoch() + 1, p.epochs(),
                "#".repeat(filled), ".".repeat(WIDTH - filled), p.batch(), p.batches(), p.loss(), 100 * p.accuracy(), p.imagesPerSecond(),
                p.learningRate());
        err.flush();
    }

    @Override public void onEpoch(EpochResult r) {
        err.print("\r\033[2K");
        String test = r.test() == null ? "" : String.format("  test loss %.4f  test acc %.2f%%", r.test().loss(), 100 * r.test().accuracy());
        err.printf("epoch %d: train loss %.4f  train acc %.2f%%%s  %.1f s (%,.0f img/s)%n", r.epoch() + 1, r.trainLoss(),
                100 * r.trainAccuracy(), test, r.trainSeconds(), r.imagesPerSecond());
        err.flush();
    }
}
