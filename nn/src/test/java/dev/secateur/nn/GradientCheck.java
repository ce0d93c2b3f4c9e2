package dev.secateur.nn;

import dev.secateur.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences for a layer under the scalar loss {@code L = Σ out·r} (r random,
 * fixed), compared with the analytic input and parameter gradients. The tolerance is relative to
 * the larger of the two magnitudes plus a floor scaled by the loss size (float32 forward passes).
 */
public final class GradientCheck {
    private GradientCheck() {}

    public static void check(Layer layer, Tensor input, long seed, double eps, double rtol) {
        Tensor out = layer.forward(input, true);
        Tensor r = Tensor.randomUniform(seed, -1f, 1f, out.shape().toArray());
        Tensor gin = layer.backward(r.copy()).copy();
        java.util.List<Tensor> pgrads = new java.util.ArrayList<>();
        for (Parameter p : layer.parameters()) pgrads.add(p.grad().copy());

        double scale = 0;
        for (int i = 0; i < out.size(); i++) scale += Math.abs(out.getFlat(i) * r.getFlat(i));
        double atol = 1e-6 * Math.max(1, scale) / eps + 1e-3;

        SplittableRandom pick = new SplittableRandom(seed ^ 0x5DEECE66DL);
        compare("input", input, input, gin, layer, r, eps, rtol, atol, pick);
        int k = 0;
        for (Parameter p : layer.parameters()) compare(p.name(), input, p.value(), pgrads.get(k++), layer, r, eps, rtol, atol, pick);
    }

    private static void compare(String what, Tensor input, Tensor x, Tensor analytic, Layer layer, Tensor r, double eps, double rtol,
                                double atol, SplittableRandom pick) {
        int n = x.size();
        int probes = Math.min(n, 40);
        for (int t = 0; t < probes; t++) {
            int i = n <= 40 ? t : pick.nextInt(n);
            float old = x.getFlat(i);
            x.setFlat(i, (float) (old + eps));
            double lp = loss(layer.forward(input, true), r);
            x.setFlat(i, (float) (old - eps));
            double lm = loss(layer.forward(input, true), r);
            x.setFlat(i, old);
            double num = (lp - lm) / (2 * eps);
            double ana = analytic.getFlat(i);
            double tol = atol + rtol * Math.max(Math.abs(num), Math.abs(ana));
            assertTrue(Math.abs(num - ana) <= tol,
                    () -> layer.name() + " d/d" + what + "[" + i + "]: numeric " + num + " vs analytic " + ana + " (tol " + tol + ")");
        }
    }

    private static double loss(Tensor out, Tensor r) {
        double s = 0;
        for (int i = 0; i < out.size(); i++) s += (double) out.getFlat(i) * r.getFlat(i);
        return s;
    }
}
