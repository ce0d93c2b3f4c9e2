package dev.secateur.bench.cli;

import dev.secateur.prune.pipeline.PipelineListener;

import java.io.PrintStream;

/** A pipeline's phases and lines on a stream, its long tasks on the {@link ProgressBar}. */
class ConsoleListener implements PipelineListener {
    private final PrintStream lines;
    private final ProgressBar bar;

    ConsoleListener(PrintStream lines, ProgressBar bar) {
        this.lines = lines;
        this.bar = bar;
    }

    @Override public void phase(String name) {
        bar.clear();
        lines.println("-- " + name);
    }

    @Override public void log(String line) {
        bar.clear();
        lines.println(line);
    }

    @Override public void progress(String task, long done, long total) {
        bar.update(task, done, total);
    }
}
