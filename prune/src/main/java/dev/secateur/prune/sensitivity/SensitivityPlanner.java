package dev.secateur.prune.sensitivity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns sensitivity curves and a budget into per-layer target densities: starting from dense,
 * it repeatedly moves the one layer to its next sparsity level whose accuracy loss per removed
 * unit of budget (weights, or FLOPs) is smallest, until the model fits the budget; the last
 * move stops part-way between two levels so the budget is met exactly. Accuracy
 * losses of different layers are assumed to add up (the usual first-order reading of the
 * curves); the fine-tuning schedule recovers most of the rest.
 */
public final class SensitivityPlanner {
    /** What the budget counts. */
    public enum Budget { PARAMS, FLOPS }

    private SensitivityPlanner() {}

    /**
     * @param baseAccuracy the unpruned accuracy (the curves' reference)
     * @param budget       what {@code target} counts
     * @param target       the most weights (PARAMS) or FLOPs per sample (FLOPS) to keep, over the curves' layers
     * @return density per layer (1.0 for layers left dense)
     * @throws IllegalArgumentException if even the sparsest levels miss the target
     */
    public static Map<String, Double> plan(List<SensitivityCurve> curves, double baseAccuracy, Budget budget, double target) {
        int n = curves.size();
        int[] level = new int[n]; // 0 = dense, k = sparsities[k-1]
        double[] partial = new double[n]; // exact sparsity of a layer whose last move stopped part-way; NaN otherwise
        java.util.Arrays.fill(partial, Double.NaN);
        double kept = 0;
        for (SensitivityCurve c : curves) kept += cost(c, budget) * c.weights();
        while (kept > target + 1e-9) {
            int best = -1;
            double bestRate = Double.POSITIVE_INFINITY, bestSaving = 0;
            for (int i = 0; i < n; i++) {
                SensitivityCurve c = curves.get(i);
                if (level[i] >= c.sparsities().length) continue;
                double s0 = level[i] == 0 ? 0 : c.sparsities()[level[i] - 1];
                double a0 = level[i] == 0 ? baseAccuracy : c.accuracies()[level[i] - 1];
                double s1 = c.sparsities()[level[i]], a1 = c.accuracies()[level[i]];
                double saving = (s1 - s0) * c.weights() * cost(c, budget);
                if (saving <= 0) continue;
                double rate = Math.max(0, a0 - a1) / saving;
                if (rate < bestRate || (rate == bestRate && saving > bestSaving)) {
                    best = i;
                    bestRate = rate;
                    bestSaving = saving;
                }
            }
            if (best < 0) throw new IllegalArgumentException(String.format("budget %.0f %s is out of reach: the sparsest levels of the curves keep %.0f",
                    target, budget.name().toLowerCase(), kept));
            SensitivityCurve c = curves.get(best);
            if (kept - bestSaving < target) {
                double s0 = level[best] == 0 ? 0 : c.sparsities()[level[best] - 1];
                partial[best] = s0 + (kept - target) / (c.weights() * cost(c, budget));
                break;
            }
            level[best]++;
            kept -= bestSaving;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            SensitivityCurve c = curves.get(i);
            double sparsity = !Double.isNaN(partial[i]) ? partial[i] : level[i] == 0 ? 0 : c.sparsities()[level[i] - 1];
            out.put(c.layer(), Math.round((1 - sparsity) * 1e6) / 1e6);
        }
        return out;
    }

    private static double cost(SensitivityCurve c, Budget b) {
        return b == Budget.PARAMS ? 1.0 : c.flopsPerWeight();
    }
}
