package dev.secateur.prune.schedule;

import dev.secateur.tensor.Tensor;

/**
 * Knowledge-distillation loss for fine-tuning a pruned student against its dense teacher
 * (Hinton et al. 2015): L = (1−α)·CE(softmax(s), y) + α·T²·KL(softmax(t/T) ‖ softmax(s/T)),
 * averaged over the batch. Its gradient with respect to the student logits is
 * (1−α)(softmax(s) − onehot(y))/N + α·T·(softmax(s/T) − softmax(t/T))/N; it is written into a
 * reused buffer.
 */
public final class DistillationLoss {
    private final double temperature;
    private final double alpha;
    private Tensor grad;
    private double[] row;

    /**
     * @param temperature softening temperature T > 0
     * @param alpha       weight of the teacher term, in [0, 1]
     */
    public DistillationLoss(double temperature, double alpha) {
        if (!(temperature > 0)) throw new IllegalArgumentException("distillation temperature must be > 0, got " + temperature);
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("distillation weight must be in [0, 1], got " + alpha);
        this.temperature = temperature;
        this.alpha = alpha;
    }

    /**
     * Fills {@link #gradient()} for student logits {@code s} and teacher logits {@code t}
     * (both {@code [N, C]}) and labels {@code labels[0..N)}.
     */
    public void compute(Tensor s, Tensor t, int[] labels) {
        if (s.rank() != 2 || !s.shape().equals(t.shape())) {
            throw new IllegalArgumentException("student and teacher logits must both be [N, classes], got " + s.shape() + " and " + t.shape());
        }
        int n = s.dim(0), c = s.dim(1);
        if (labels.length < n) throw new IllegalArgumentException(labels.length + " labels for " + n + " samples");
        if (grad == null || !grad.shape().equals(s.shape())) grad = Tensor.zeros(s.shape());
        if (row == null || row.length < c) row = new double[c];
        float[] sd = s.data(), td = t.data(), g = grad.data();
        for (int i = 0; i < n; i++) {
            int so = s.offset() + i * c, to = t.offset() + i * c, go = grad.offset() + i * c;
            if (labels[i] < 0 || labels[i] >= c) throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " outside [0, " + c + ")");
            softmax(sd, so, c, 1.0, row);
            for (int j = 0; j < c; j++) g[go + j] = (float) ((1 - alpha) * (row[j] - (j == labels[i] ? 1 : 0)) / n);
            softmax(sd, so, c, temperature, row);
            for (int j = 0; j < c; j++) g[go + j] += (float) (alpha * temperature * row[j] / n);
            softmax(td, to, c, temperature, row);
            for (int j = 0; j < c; j++) g[go + j] -= (float) (alpha * temperature * row[j] / n);
        }
    }

    /** dL/d(student logits) of the last {@link #compute} call (a reused buffer). */
    public Tensor gradient() { return grad; }

    /** Stable softmax of x[off..off+c) / temp into out[0..c). */
    static void softmax(float[] x, int off, int c, double temp, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, x[off + j]);
        double sum = 0;
        for (int j = 0; j < c; j++) {
            out[j] = Math.exp((x[off + j] - max) / temp);
            sum += out[j];
        }
        for (int j = 0; j < c; j++) out[j] /= sum;
    }
}
