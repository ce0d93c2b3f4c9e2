package dev.secateur.prune.schedule;

import dev.secateur.datasets.Batch;
import dev.secateur.datasets.Batcher;
import dev.secateur.datasets.Dataset;
import dev.secateur.nn.Model;
import dev.secateur.nn.optim.Adam;
import dev.secateur.nn.optim.Optimizer;
import dev.secateur.tensor.Tensor;

import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Fine-tuning on a fraction of the training set per pruning step: {@code epochs} (possibly
 * fractional, e.g. 0.5) become {@link #wholeEpochs()} passes over a window of the training set
 * that moves on after every call, so successive steps see different images and a short demo
 * still visits the whole set. Each call runs a fresh Adam with the cosine decay of
 * {@link DatasetFineTuner}; progress goes to a {@link TaskProgress}. With a teacher (the dense
 * model) the loss is {@link DistillationLoss} instead of plain cross-entropy. The optimizer is
 * Adam at {@code lr} unless {@link #useOptimizer} gives another; its initial rate is the peak of
 * the cosine.
 */
public final class WindowFineTuner implements FineTuner {
    private final Dataset train;
    private final int batch;
    private final double lr;
    private final long seed;
    private final int wholeEpochs;
    private final int window;
    private final TaskProgress progress;
    private Supplier<Optimizer> optimizer;
    private Model teacher;
    private DistillationLoss distillation;
    private int offset;
    private int calls;

    /**
     * @param epochs fine-tuning per pruning step in epochs of {@code train} (> 0; fractions allowed)
     */
    public WindowFineTuner(Dataset train, double epochs, int batch, double lr, long seed, TaskProgress progress) {
        if (!(epochs > 0 && epochs <= 1000)) throw new IllegalArgumentException("fine-tune epochs must be in (0, 1000], got " + epochs);
        if (batch < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batch);
        if (train.size() == 0) throw new IllegalArgumentException("cannot fine-tune on an empty training set (" + train.name() + ")");
        this.train = train;
        this.batch = batch;
        this.lr = lr;
        this.seed = seed;
        this.wholeEpochs = (int) Math.ceil(epochs - 1e-9);
        this.window = (int) Math.max(1, Math.min(train.size(), Math.round(epochs * train.size() / wholeEpochs)));
        this.progress = progress;
        this.optimizer = () -> new Adam(lr);
    }

    /** Fine-tune with a fresh optimizer from {@code factory} per call (e.g. SGD with momentum) instead of Adam. */
    public WindowFineTuner useOptimizer(Supplier<Optimizer> factory) {
        this.optimizer = java.util.Objects.requireNonNull(factory, "optimizer factory");
        return this;
    }

    /** Optimizer steps of one pass over the window (gradual pruning counts its events in these). */
    @Override public long stepsPerEpoch() {
        return Batcher.shuffled(window == train.size() ? train : train.subset(0, window), batch, seed).batchesPerEpoch();
    }

    /** Fine-tune against {@code teacher}'s logits (knowledge distillation) from now on. */
    public WindowFineTuner distillFrom(Model teacher, double temperature, double alpha) {
        this.teacher = teacher;
        this.distillation = new DistillationLoss(temperature, alpha);
        return this;
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
        long callSeed = seed + 7919L * calls++;
        if (teacher != null) {
            distill(model, part, epochs, callSeed, afterStep);
            return;
        }
        DatasetFineTuner tuner = new DatasetFineTuner(part, batch, optimizer, callSeed);
        long total = epochs * tuner.stepsPerEpoch();
        String task = "fine-tune " + calls;
        progress.update(task, 0, total);
        tuner.fineTune(model, epochs, s -> {
            progress.update(task, s, total);
            afterStep.accept(s);
        });
    }

    /**
     * The teacher's logits for every image of {@code part}, computed once per call: the teacher
     * is fixed and the images are not augmented, so every epoch would recompute the same values.
     */
    private float[] teacherLogits(Dataset part, String task) {
        float[] out = null;
        int classes = 0, done = 0;
        progress.update(task + " teacher", 0, part.size());
        for (Batch b : Batcher.sequential(part, 256).epoch(0)) {
            Tensor y = teacher.predict(b.images());
            if (out == null) {
                classes = y.dim(1);
                out = new float[part.size() * classes];
            }
            float[] yd = y.data();
            for (int k = 0; k < b.size(); k++) System.arraycopy(yd, y.offset() + k * classes, out, b.index(k) * classes, classes);
            done += b.size();
            progress.update(task + " teacher", done, part.size());
        }
        return out;
    }

    /** The same schedule as {@link DatasetFineTuner} (fresh optimizer, cosine decay) with the distillation loss. */
    private void distill(Model model, Dataset part, int epochs, long callSeed, LongConsumer afterStep) {
        Optimizer opt = optimizer.get();
        double peak = opt.learningRate();
        Batcher batcher = Batcher.shuffled(part, batch, callSeed);
        long total = (long) epochs * batcher.batchesPerEpoch();
        String task = "fine-tune " + calls;
        progress.update(task, 0, total);
        float[] logits = teacherLogits(part, task);
        int classes = logits.length / part.size();
        Tensor t = null;
        long step = 0;
        for (int e = 0; e < epochs; e++) {
            for (Batch b : batcher.epoch(e)) {
                opt.setLearningRate(0.5 * peak * (1 + Math.cos(Math.PI * step / Math.max(1, total))));
                if (t == null || t.dim(0) != b.size()) t = Tensor.zeros(b.size(), classes);
                float[] td = t.data();
                for (int k = 0; k < b.size(); k++) System.arraycopy(logits, b.index(k) * classes, td, t.offset() + k * classes, classes);
                Tensor s = model.forward(b.images(), true);
                distillation.compute(s, t, b.labels());
                model.backwardParameters(distillation.gradient());
                opt.step(model.parameters());
                afterStep.accept(++step);
                progress.update(task, step, total);
            }
        }
    }
}
