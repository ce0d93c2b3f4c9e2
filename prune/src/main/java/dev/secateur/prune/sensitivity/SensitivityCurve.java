package dev.secateur.prune.sensitivity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test accuracy of a model when only one layer is pruned, at several sparsities.
 *
 * @param layer        layer name
 * @param weights      weight count of the layer
 * @param flopsPerWeight FLOPs per sample each weight of the layer costs (2 for dense, 2·H·W for conv)
 * @param sparsities   the sparsities tried (ascending)
 * @param accuracies   accuracy at each sparsity
 */
public record SensitivityCurve(String layer, long weights, long flopsPerWeight, double[] sparsities, double[] accuracies) {

    public SensitivityCurve {
        if (sparsities.length != accuracies.length) throw new IllegalArgumentException("curve of " + layer + ": " + sparsities.length + " sparsities, " + accuracies.length + " accuracies");
        for (int i = 1; i < sparsities.length; i++) {
            if (!(sparsities[i] > sparsities[i - 1])) throw new IllegalArgumentException("curve of " + layer + ": sparsities must ascend");
        }
    }

    public Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", layer);
        m.put("weights", weights);
        m.put("sparsity", sparsities);
        m.put("accuracy", accuracies);
        return m;
    }

    /** Curves as a JSON-ready list. */
    public static List<Object> toTree(List<SensitivityCurve> curves) {
        return curves.stream().map(c -> (Object) c.toTree()).toList();
    }
}
