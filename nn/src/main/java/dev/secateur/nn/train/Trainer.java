package dev.secateur.nn.train;

import dev.secateur.datasets.Augmentation;
import dev.secateur.datasets.Batch;
import dev.secateur.datasets.Batcher;
import dev.secateur.datasets.Dataset;
import dev.secateur.nn.Model;
import dev.secateur.nn.SoftmaxCrossEntropy;
import dev.secateur.nn.optim.LearningRateSchedule;
import dev.secateur.nn.optim.Optimizer;
import dev.secateur.tensor.Workers;

import java.util.ArrayList;
import java.util.List;

/**
 * Mini-batch training with softmax cross-entropy: per epoch, a seeded shuffle of the training
 * set, forward, loss, backward, one optimizer step per batch with the schedule's learning rate,
 * then an evaluation on the test set. Given the same model seed, trainer seed and thread count,
 * two runs produce bit-identical weights (every kernel is deterministic for a fixed pool size).
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final int epochs, batchSize;
    private final long seed;
    private Augmentation augmentation;
    private Workers workers = Workers.shared();
    private ProgressListener listener = ProgressListener.NONE;
    private long step;

    public Trainer(Model model, Optimizer optimizer, LearningRateSchedule schedule, int epochs, int batchSize, long seed) {
        if (epochs < 0 || batchSize <= 0) throw new IllegalArgumentException("need epochs >= 0 and batch size > 0, got " + epochs + ", " + batchSize);
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** Random changes to training images (e.g. crops, flips); none by default. */
    public Trainer augmentation(Augmentation a) { this.augmentation = a; return this; }

    /** Pool for every kernel (the thread count fixes the reduction order, hence the result). */
    public Trainer workers(Workers w) { this.workers = w; return this; }

    public Trainer listener(ProgressListener l) { this.listener = l; return this; }

    /** Trains for the configured epochs; evaluates on {@code test} after each one when it is not null. */
    public List<EpochResult> fit(Dataset train, Dataset test) {
        model.useWorkers(workers);
        Batcher batcher = Batcher.shuffled(train, batchSize, seed);
        if (augmentation != null) batcher = batcher.augmented(augmentation);
        int batches = batcher.batchesPerEpoch();
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0, seen = 0;
            int b = 0;
            for (Batch batch : batcher.epoch(epoch)) {
                double lr = schedule.rate(step, batches);
                optimizer.setLearningRate(lr);
                float loss = ce.compute(model.forward(batch.images(), true), batch.labels(), 0);
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("training diverged: loss " + loss + " at epoch " + (epoch + 1) + " batch " + (b + 1)
                            + " (learning rate " + lr + ")");
                }
                model.backwardParameters(ce.gradient());
                optimizer.step(model.parameters());
                step++;
                b++;
                lossSum += loss * (double) batch.size();
                correct += ce.correct();
                seen += batch.size();
                double secs = (System.nanoTime() - start) / 1e9;
                listener.onBatch(new TrainingProgress(epoch, epochs, b, batches, lossSum / seen, (double) correct / seen,
                        secs > 0 ? seen / secs : 0, lr));
            }
            double secs = (System.nanoTime() - start) / 1e9;
            Evaluation eval = test == null ? null : Evaluation.of(model, test, Math.max(batchSize, 256));
            EpochResult r = new EpochResult(epoch, seen == 0 ? 0 : lossSum / seen, seen == 0 ? 0 : (double) correct / seen, eval, secs,
                    secs > 0 ? seen / secs : 0);
            results.add(r);
            listener.onEpoch(r);
        }
        return results;
    }
}
