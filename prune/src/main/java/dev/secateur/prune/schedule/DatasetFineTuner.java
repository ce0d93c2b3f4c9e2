package dev.secateur.prune.schedule;

import dev.secateur.datasets.Batch;
import dev.secateur.datasets.Batcher;
import dev.secateur.datasets.Dataset;
import dev.secateur.nn.Model;
import dev.secateur.nn.SoftmaxCrossEntropy;
import dev.secateur.nn.optim.Adam;
import dev.secateur.nn.optim.Optimizer;

import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Mini-batch fine-tuning on a labelled data set with softmax cross-entropy. The optimizers keep
 * masked weights at exactly zero, so this is the seed's "retrain with the mask held fixed".
 * Within each call the learning rate decays from the optimizer's initial rate to zero along a
 * cosine, so every pruning step ends on a settled model (a constant rate leaves the test
 * accuracy jittering by a few tenths of a point, which is the size of the budgets). Shuffling is
 * seeded per call, so runs are reproducible.
 */
public final class DatasetFineTuner implements FineTuner {
    private final Dataset train;
    private final int batchSize;
    private final Supplier<Optimizer> optimizer;
    private final long seed;
    private int calls;

    /**
     * @param optimizer makes a fresh optimizer per {@link #fineTune} call (state does not leak
     *                  across pruning steps)
     */
    public DatasetFineTuner(Dataset train, int batchSize, Supplier<Optimizer> optimizer, long seed) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.train = train;
        this.batchSize = batchSize;
        this.optimizer = optimizer;
        this.seed = seed;
    }

    /** Adam at learning rate {@code lr}, batch 64. */
    public static DatasetFineTuner adam(Dataset train, double lr, long seed) {
        return new DatasetFineTuner(train, 64, () -> new Adam(lr), seed);
    }

    @Override public long stepsPerEpoch() {
        return Batcher.shuffled(train, batchSize, seed).batchesPerEpoch();
    }

    @Override public void fineTune(Model model, int epochs, LongConsumer afterStep) {
        if (epochs < 0) throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        Optimizer opt = optimizer.get();
        double peak = opt.learningRate();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Batcher batcher = Batcher.shuffled(train, batchSize, seed + 7919L * calls++);
        long total = (long) epochs * batcher.batchesPerEpoch();
        long step = 0;
        for (int e = 0; e < epochs; e++) {
            for (Batch b : batcher.epoch(e)) {
                opt.setLearningRate(0.5 * peak * (1 + Math.cos(Math.PI * step / Math.max(1, total))));
                var logits = model.forward(b.images(), true);
                loss.compute(logits, b.labels(), 0);
                model.backwardParameters(loss.gradient());
                opt.step(model.parameters());
                afterStep.accept(++step);
            }
        }
    }
}
