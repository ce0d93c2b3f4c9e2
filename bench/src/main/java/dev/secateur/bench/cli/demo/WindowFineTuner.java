package dev.secateur.bench.cli.demo;

import dev.secateur.datasets.Dataset;
import dev.secateur.nn.Model;
import dev.secateur.nn.optim.Adam;
import dev.secateur.prune.DatasetFineTuner;
import dev.secateur.prune.FineTuner;

import java.util.function.LongConsumer;

/**
 * Fine-tuning on a fraction of the training set per pruning step: {@code epochs} (possibly
 * fractional, e.g. 0.5) become {@link #wholeEpochs()} passes over a window of the training set
 * that moves on after every call, so successive steps see different images and a short demo
 * still visits the whole set. Each call runs a fresh Adam with the cosine decay of
 * {@link DatasetFineTuner}; progress goes to a {@link DemoProgress}.
 */
public final class WindowFineTuner implements FineTuner {
    private final Dataset train;
    private final int batch;
    private final double lr;
    private final long seed;
    private final int wholeEpochs;
    private final int window;
    private final DemoProgress progress;
    private int offset;
    private int calls;

    /**
     * @param epochs fine-tuning per pruning step in epochs of {@code train} (> 0; fractions allowed)
     */
    public WindowFineTuner(Dataset train, double epochs, int batch, double lr, long seed, DemoProgress progress) {
        if (!(epochs > 0 && epochs <= 100)) throw new IllegalArgumentException("--finetune-epochs must be in (0, 100], got " + epochs);
        if (train.size() == 0) throw new IllegalArgumentException("cannot fine-tune on an empty training set (" + train.name() + ")");
        this.train = train;
        this.batch = batch;
        this.lr = lr;
        this.seed = seed;
        this.wholeEpochs = (int) Math.ceil(epochs - 1e-9);
        this.window = (int) Math.max(1, Math.min(train.size(), Math.round(epochs * train.size() / wholeEpochs)));
        this.progress = progress;
    }

    /** Passes over the window per call (what the pruning schedule is told). */
    public int wholeEpochs() { return wholeEpochs; }

    /** Images in each call's window. */
    public int windowImages() { return window; }

    @Override public void fineTune(Model model, int epochs, LongConsumer afterStep) {
        int[] idx = new int[window];
        for (int i = 0; i < window; i++) idx[i] = (int) ((offset + (long) i) % train.size());
        offset = (int) ((offset + (long) window) % train.size());
        Dataset part = window == train.size() ? train : train.subset(idx);
        DatasetFineTuner tuner = new DatasetFineTuner(part, batch, () -> new Adam(lr), seed + 7919L * calls++);
        long total = epochs * tuner.stepsPerEpoch();
        progress.start("fine-tune " + calls, total, batch);
        tuner.fineTune(model, epochs, s -> {
            progress.advance(s);
            afterStep.accept(s);
        });
        progress.finish();
    }
}
