package dev.secateur.nn;

import dev.secateur.tensor.Tensor;

/**
 * Softmax cross-entropy, averaged over the batch. {@link #compute} returns the mean loss and
 * fills {@link #gradient()} with dLoss/dLogits = (softmax - onehot) / N, computed with the
 * max-subtracted (stable) softmax. Also counts correct argmax predictions.
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
        float[] x = logits.data(), g = grad.data();
        int off = logits.offset();
        double total = 0;
        int right = 0;
        float invN = 1f / Math.max(n, 1);
        for (int i = 0; i < n; i++) {
            int base = off + i * c, y = labels[labelOffset + i];
            if (y < 0 || y >= c) throw new IllegalArgumentException("label " + y + " at " + (labelOffset + i) + " outside [0, " + c + ")");
            float max = x[base];
            int arg = 0;
            for (int j = 1; j < c; j++) if (x[base + j] > max) { max = x[base + j]; arg = j; }
            if (arg == y) right++;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                float e = (float) Math.exp(x[base + j] - max);
                g[i * c + j] = e;
                sum += e;
            }
            total += Math.log(sum) - (x[base + y] - max);
            float inv = (float) (1.0 / sum) * invN;
            for (int j = 0; j < c; j++) g[i * c + j] *= inv;
            g[i * c + y] -= invN;
        }
        correct = right;
        return (float) (total / Math.max(n, 1));
    }

    /** dLoss/dLogits of the last {@link #compute} call (a reused buffer). */
    public Tensor gradient() { return grad; }

    /** Correct argmax predictions in the last {@link #compute} call. */
    public int correct() { return correct; }
}
