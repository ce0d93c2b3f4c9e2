package dev.secateur.bench.cli;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a step that reports nothing while it runs (a model compile, a timing loop) but
 * whose duration can be planned: a daemon thread moves the {@link ProgressBar} along the elapsed
 * time against the plan, so the ETA is the planned time left. {@link #replan} corrects the plan
 * once part of the step has been measured. Lines printed meanwhile go through {@link #print} so
 * the bar never tears them. Nothing runs when the bar does not draw (output not a terminal).
 */
final class PhaseTicker implements AutoCloseable {
    private static final long TICK_MS = 200;
    private final ProgressBar bar;
    private final String task;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer;
    private volatile long plannedMs;

    PhaseTicker(ProgressBar bar, String task, long plannedMs) {
        this.bar = bar;
        this.task = task;
        this.plannedMs = Math.max(1, plannedMs);
        if (!bar.drawing()) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        synchronized (bar) {
            bar.update(task, 0, this.plannedMs);
        }
        timer.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** The rest of the step should take {@code remainingMs} from now. */
    void replan(long remainingMs) {
        plannedMs = elapsedMs() + Math.max(1, remainingMs);
    }

    /** Prints {@code text} (with its own line ends) after clearing the bar. */
    void print(PrintStream out, String text) {
        synchronized (bar) {
            bar.clear();
            out.print(text);
            out.flush();
        }
    }

    private void tick() {
        synchronized (bar) {
            long elapsed = elapsedMs(), planned = plannedMs;
            // a step that overruns its plan gets 10% more, so the bar neither ends nor reads "ETA 0 s" before the step does
            if (elapsed >= planned) plannedMs = planned = elapsed + elapsed / 10 + 1;
            bar.update(task, elapsed, planned);
        }
    }

    private long elapsedMs() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (bar) {
            bar.clear();
        }
    }
}
