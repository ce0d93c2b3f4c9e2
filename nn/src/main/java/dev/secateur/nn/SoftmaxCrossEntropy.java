package dev.secateur.nn;

import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.ops.Softmax;

/**
 * Softmax cross-entropy, averaged over the batch. {@link #compute} returns the mean loss and
 * fills {@link #gradient()} with dLoss/dLogits = (softmax - onehot) / N, computed with the
 * max-subtracted (stable) softmax of {@link Softmax}. Also counts correct argmax predictions.
 */
public final class SoftmaxCrossEntropy {
    private Tensor grad;
    private int correct;

    /**
     * @param logits {@code [N, C]}
     * @param labels class per sample, read from {@code labels[labelOffset + i]}
     */
    public float compute(Tensor logits, int[] labels, int labelOffset) {
        if (logits.rank() != 2) throw new IllegalArgumentException("logits must be [N, classes], got " + logits.shape());
        int n = logits.dim(0), c = logits.dim(1);
        if (labelOffset < 0 || labelOffset + n > labels.length) {
            throw new IllegalArgumentException("labels [" + labelOffset + ", " + (labelOffset + n) + ") out of range for " + labels.length + " labels");
        }
        if (grad == null || !grad.shape().equals(logits.shape())) grad = Tensor.zeros(logits.shape());
        float[] x = logits.data();
        int off = logits.offset(), right = 0;
        for (int i = 0; i < n; i++) {
            int base = off + i * c, arg = 0;
            for (int j = 1; j < c; j++) if (x[base + j] > x[base + arg]) arg = j;
            if (arg == labels[labelOffset + i]) right++;
        }
        correct = right;
        return (float) Softmax.softmaxCrossEntropy(x, off, labels, labelOffset, n, c, grad.data(), 0);
    }

    /** dLoss/dLogits of the last {@link #compute} call (a reused buffer). */
    public Tensor gradient() { return grad; }

    /** Correct argmax predictions in the last {@link #compute} call. */
    public int correct() { return correct; }
}
