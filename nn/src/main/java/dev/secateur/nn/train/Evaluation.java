package dev.secateur.nn.train;

import dev.secateur.datasets.Batch;
import dev.secateur.datasets.Batcher;
import dev.secateur.datasets.Dataset;
import dev.secateur.nn.Model;
import dev.secateur.nn.SoftmaxCrossEntropy;

/**
 * Accuracy and mean loss of a model on a data set (eval mode), with the time it took.
 */
public record Evaluation(int examples, double loss, double accuracy, double seconds) {
    public double imagesPerSecond() { return seconds > 0 ? examples / seconds : 0; }

    /** Evaluates {@code model} on every example of {@code data} in batches of {@code batchSize}. */
    public static Evaluation of(Model model, Dataset data, int batchSize) {
        return of(model, data, batchSize, (done, total) -> { });
    }

    /** As {@link #of(Model, Dataset, int)}, telling {@code progress} (images done, total) after each batch. */
    public static Evaluation of(Model model, Dataset data, int batchSize, java.util.function.BiConsumer<Long, Long> progress) {
        Batcher batcher = Batcher.sequential(data, batchSize);
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        long start = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        int n = 0;
        for (Batch b : batcher.epoch(0)) {
            lossSum += ce.compute(model.predict(b.images()), b.labels(), 0) * (double) b.size();
            correct += ce.correct();
            n += b.size();
            progress.accept((long) n, (long) data.size());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return new Evaluation(n, n == 0 ? 0 : lossSum / n, n == 0 ? 0 : (double) correct / n, secs);
    }
}
