package dev.secateur.nn.compressed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One recorded compression step of a model ("the history of pruning steps" the seed asks the
 * model file to keep). Unknown accuracies are {@code NaN} (written as JSON null).
 *
 * @param kind           {@code prune}, {@code quantize} or {@code compact}
 * @param criterion      the criterion's CLI name, or empty
 * @param granularity    the granularity's CLI form, or empty
 * @param scope          {@code layer} / {@code global}, or empty
 * @param schedule       e.g. {@code oneshot}, {@code iterative:5 step 2/5}, {@code agp}, or empty
 * @param targetDensity  the density the step aimed at (NaN when not a pruning step)
 * @param density        the kept fraction of prunable weights after the step
 * @param accuracyBefore test accuracy before the step
 * @param accuracyAfter  test accuracy after the step (after fine-tuning, if any)
 */
public record CompressionStep(String kind, String criterion, String granularity, String scope, String schedule,
                              double targetDensity, double density, double accuracyBefore, double accuracyAfter) {

    public CompressionStep {
        if (kind == null || kind.isEmpty()) throw new IllegalArgumentException("compression step without a kind");
        criterion = criterion == null ? "" : criterion;
        granularity = granularity == null ? "" : granularity;
        scope = scope == null ? "" : scope;
        schedule = schedule == null ? "" : schedule;
    }

    /** The step as a JSON-ready map. */
    public Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        if (!criterion.isEmpty()) m.put("criterion", criterion);
        if (!granularity.isEmpty()) m.put("granularity", granularity);
        if (!scope.isEmpty()) m.put("scope", scope);
        if (!schedule.isEmpty()) m.put("schedule", schedule);
        m.put("target_density", num(targetDensity));
        m.put("density", num(density));
        m.put("accuracy_before", num(accuracyBefore));
        m.put("accuracy_after", num(accuracyAfter));
        return m;
    }

    /** Inverse of {@link #toTree()}. */
    public static CompressionStep fromTree(Object tree) {
        if (!(tree instanceof Map<?, ?> m)) throw new IllegalArgumentException("compression step must be a JSON object, got " + tree);
        return new CompressionStep(str(m, "kind"), str(m, "criterion"), str(m, "granularity"), str(m, "scope"), str(m, "schedule"),
                dbl(m, "target_density"), dbl(m, "density"), dbl(m, "accuracy_before"), dbl(m, "accuracy_after"));
    }

    private static Object num(double d) {
        return Double.isFinite(d) ? d : null;
    }

    private static String str(Map<?, ?> m, String k) {
        Object v = m.get(k);
        if (v == null) return "";
        if (!(v instanceof String s)) throw new IllegalArgumentException("compression step field '" + k + "' must be a string, got " + v);
        return s;
    }

    private static double dbl(Map<?, ?> m, String k) {
        Object v = m.get(k);
        if (v == null) return Double.NaN;
        if (!(v instanceof Number n)) throw new IllegalArgumentException("compression step field '" + k + "' must be a number, got " + v);
        return n.doubleValue();
    }
}
