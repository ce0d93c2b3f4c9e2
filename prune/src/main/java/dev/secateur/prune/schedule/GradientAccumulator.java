package dev.secateur.prune.schedule;

import dev.secateur.datasets.Batch;
import dev.secateur.datasets.Batcher;
import dev.secateur.datasets.Dataset;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.SoftmaxCrossEntropy;
import dev.secateur.prune.scoring.Criterion;

import java.util.function.Consumer;

/**
 * Fills every parameter's gradient with the loss gradient summed over the first {@code batches}
 * mini-batches of a data set, for the {@link Criterion#TAYLOR} score. Runs forward/backward
 * without updating any weight. BatchNorm layers see batch statistics (as in a training step) and
 * update their running statistics slightly.
 */
public final class GradientAccumulator implements Consumer<Model> {
    private final Dataset data;
    private final int batchSize;
    private final int batches;

    public GradientAccumulator(Dataset data, int batchSize, int batches) {
        if (batchSize < 1 || batches < 1) throw new IllegalArgumentException("need batch size and batch count >= 1, got " + batchSize + ", " + batches);
        this.data = data;
        this.batchSize = batchSize;
        this.batches = batches;
    }

    @Override public void accept(Model model) {
        var params = model.parameters();
        float[][] sum = new float[params.size()][];
        for (int i = 0; i < sum.length; i++) sum[i] = new float[params.get(i).size()];
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        int n = 0;
        for (Batch b : Batcher.shuffled(data, batchSize, 12345L).epoch(0)) {
            if (n++ >= batches) break;
            // forward(training = true) keeps what backward needs; BatchNorm then uses batch statistics,
            // which is what the gradient of a training step would see.
            var logits = model.forward(b.images(), true);
            loss.compute(logits, b.labels(), 0);
            model.backwardParameters(loss.gradient());
            for (int i = 0; i < sum.length; i++) {
                Parameter p = params.get(i);
                float[] g = p.grad().data();
                int off = p.grad().offset();
                for (int j = 0; j < sum[i].length; j++) sum[i][j] += g[off + j];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            Parameter p = params.get(i);
            System.arraycopy(sum[i], 0, p.grad().data(), p.grad().offset(), sum[i].length);
        }
    }
}
