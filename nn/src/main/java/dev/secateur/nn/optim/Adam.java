package dev.secateur.nn.optim;

import dev.secateur.nn.Parameter;
import dev.secateur.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with bias-corrected moments. Weight decay is either <em>decoupled</em> (AdamW:
 * {@code w -= lr·wd·w} separately from the adaptive step, the default) or <em>L2</em>
 * ({@code wd·w} added to the gradient before the moments, as in the original Adam / PyTorch
 * {@code Adam(weight_decay=...)}).
 */
public final class Adam implements Optimizer {
    private double lr;
    private final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final Map<Parameter, Tensor[]> moments = new IdentityHashMap<>();
    private final Map<Parameter, int[]> steps = new IdentityHashMap<>();

    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("invalid Adam settings lr=" + lr + " betas=(" + beta1 + ", " + beta2 + ") eps=" + eps + " wd=" + weightDecay);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** Adam with the usual defaults (0.9, 0.999, 1e-8) and no decay. */
    public Adam(double lr) { this(lr, 0.9, 0.999, 1e-8, 0, true); }

    @Override public void step(List<Parameter> parameters) {
        for (Parameter p : parameters) {
            p.multiplyByMask(p.grad());
            Tensor[] mv = moments.get(p);
            if (mv == null) {
                mv = new Tensor[] {Tensor.zeros(p.value().shape()), Tensor.zeros(p.value().shape())};
                moments.put(p, mv);
                steps.put(p, new int[1]);
            }
            int t = ++steps.get(p)[0];
            float b1 = (float) beta1, b2 = (float) beta2;
            float c1 = (float) (1 - Math.pow(beta1, t)), c2 = (float) (1 - Math.pow(beta2, t));
            float lrF = (float) lr, wd = (float) weightDecay, e = (float) eps;
            float[] w = p.value().data(), g = p.grad().data(), m = mv[0].data(), v = mv[1].data();
            for (int i = 0, n = p.size(); i < n; i++) {
                float gi = decoupled ? g[i] : g[i] + wd * w[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                float mh = m[i] / c1, vh = v[i] / c2;
                float wi = decoupled ? w[i] * (1 - lrF * wd) : w[i];
                w[i] = wi - lrF * mh / ((float) Math.sqrt(vh) + e);
            }
            p.multiplyByMask(mv[0]);
            p.multiplyByMask(mv[1]);
            p.multiplyByMask(p.value());
        }
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double lr) { this.lr = lr; }
    @Override public void reset() { moments.clear(); steps.clear(); }
}
