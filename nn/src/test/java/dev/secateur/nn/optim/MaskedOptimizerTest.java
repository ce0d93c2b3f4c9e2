package dev.secateur.nn.optim;

import dev.secateur.nn.Parameter;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class MaskedOptimizerTest {
    private static void maskedWeightsStayZero(Optimizer opt) {
        Parameter p = new Parameter("w", Tensor.randomUniform(1, -1, 1, 6, 5));
        boolean[] keep = new boolean[30];
        for (int i = 0; i < 30; i++) keep[i] = i % 3 != 0;
        p.setMask(keep);
        SplittableRandom r = new SplittableRandom(7);
        for (int step = 0; step < 25; step++) {
            float[] g = p.grad().data();
            for (int i = 0; i < g.length; i++) g[i] = (float) (r.nextDouble() * 2 - 1); // pruned entries get gradient too
            opt.step(List.of(p));
            for (int i = 0; i < 30; i++) {
                if (!keep[i]) assertEquals(0f, p.value().getFlat(i), "pruned weight " + i + " moved at step " + step);
            }
        }
        assertNotEquals(0f, p.value().getFlat(1));
        // Removing the mask later must not resurrect pruned weights from stale momentum.
        p.clearMask();
        java.util.Arrays.fill(p.grad().data(), 0f);
        opt.step(List.of(p));
        for (int i = 0; i < 30; i++) if (!keep[i]) assertEquals(0f, p.value().getFlat(i));
    }

    @Test void sgdWithMomentumKeepsMaskedWeightsExactlyZero() { maskedWeightsStayZero(new Sgd(0.1, 0.9, 1e-3, false)); }

    @Test void nesterovKeepsMaskedWeightsExactlyZero() { maskedWeightsStayZero(new Sgd(0.1, 0.9, 1e-3, true)); }

    @Test void plainSgdKeepsMaskedWeightsExactlyZero() { maskedWeightsStayZero(new Sgd(0.1)); }

    @Test void adamKeepsMaskedWeightsExactlyZero() { maskedWeightsStayZero(new Adam(0.01, 0.9, 0.999, 1e-8, 1e-2, true)); }

    @Test void adamL2KeepsMaskedWeightsExactlyZero() { maskedWeightsStayZero(new Adam(0.01, 0.9, 0.999, 1e-8, 1e-2, false)); }

    @Test void sgdMatchesPyTorchMomentumRule() {
        Parameter p = new Parameter("w", Tensor.of(new float[] {1f}, 1));
        Sgd sgd = new Sgd(0.1, 0.9, 0, false);
        p.grad().setFlat(0, 1f);
        sgd.step(List.of(p)); // v = 1, w = 0.9
        assertEquals(0.9f, p.value().getFlat(0), 1e-6f);
        sgd.step(List.of(p)); // v = 1.9, w = 0.71
        assertEquals(0.71f, p.value().getFlat(0), 1e-6f);
    }
}
