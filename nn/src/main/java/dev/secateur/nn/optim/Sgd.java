package dev.secateur.nn.optim;

import dev.secateur.nn.Parameter;
import dev.secateur.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with PyTorch's semantics: {@code g = grad + wd·w},
 * {@code v = μ·v + g}, step direction {@code g + μ·v} (Nesterov) or {@code v}, {@code w -= lr·dir}.
 * Weight decay is L2 (added to the gradient), applied to every parameter.
 */
public final class Sgd implements Optimizer {
    private double lr;
    private final double momentum, weightDecay;
    private final boolean nesterov;
    private final Map<Parameter, Tensor> velocity = new IdentityHashMap<>();

    public Sgd(double lr, double momentum, double weightDecay, boolean nesterov) {
        if (!(lr >= 0) || !(momentum >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("SGD needs lr, momentum, weight decay >= 0, got " + lr + ", " + momentum + ", " + weightDecay);
        }
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Nesterov SGD needs momentum > 0");
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /** Plain SGD without momentum or decay. */
    public Sgd(double lr) { this(lr, 0, 0, false); }

    @Override public void step(List<Parameter> parameters) {
        float lrF = (float) lr, mu = (float) momentum, wd = (float) weightDecay;
        for (Parameter p : parameters) {
            p.multiplyByMask(p.grad());
            float[] w = p.value().data(), g = p.grad().data();
            int n = p.size();
            if (mu == 0f) {
                for (int i = 0; i < n; i++) w[i] -= lrF * (g[i] + wd * w[i]);
            } else {
                Tensor vt = velocity.get(p);
                boolean first = vt == null;
                if (first) velocity.put(p, vt = Tensor.zeros(p.value().shape()));
                float[] v = vt.data();
                for (int i = 0; i < n; i++) {
                    float gi = g[i] + wd * w[i];
                    // PyTorch initializes the buffer with the first gradient (no decay of zeros).
                    float vi = first ? gi : mu * v[i] + gi;
                    v[i] = vi;
                    w[i] -= lrF * (nesterov ? gi + mu * vi : vi);
                }
                p.multiplyByMask(vt);
            }
            p.multiplyByMask(p.value());
        }
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double lr) { this.lr = lr; }
    @Override public void reset() { velocity.clear(); }
}
