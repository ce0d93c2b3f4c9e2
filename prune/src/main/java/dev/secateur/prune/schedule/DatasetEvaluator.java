package dev.secateur.prune.schedule;

import dev.secateur.datasets.Batch;
import dev.secateur.datasets.Batcher;
import dev.secateur.datasets.Dataset;
import dev.secateur.nn.Model;

/** Accuracy (argmax) of a model on a whole labelled data set, in eval mode. */
public final class DatasetEvaluator implements Evaluator {
    private final Dataset test;
    private final int batchSize;
    private TaskProgress progress = TaskProgress.NONE;

    public DatasetEvaluator(Dataset test, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.test = test;
        this.batchSize = batchSize;
    }

    public DatasetEvaluator(Dataset test) { this(test, 256); }

    public Dataset dataset() { return test; }

    /** Reports each evaluation's progress in images. */
    public DatasetEvaluator withProgress(TaskProgress p) {
        this.progress = p == null ? TaskProgress.NONE : p;
        return this;
    }

    @Override public double accuracy(Model model) {
        if (test.size() == 0) throw new IllegalArgumentException("cannot measure accuracy on an empty data set (" + test.name() + ")");
        long right = 0, seen = 0;
        progress.update("evaluate", 0, test.size());
        for (Batch b : Batcher.sequential(test, batchSize).epoch(0)) {
            int[] pred = model.predictClasses(b.images());
            int[] labels = b.labels();
            for (int i = 0; i < b.size(); i++) if (pred[i] == labels[i]) right++;
            seen += b.size();
            progress.update("evaluate", seen, test.size());
        }
        return (double) right / test.size();
    }
}
