package dev.secateur.nn.compressed;

import dev.secateur.nn.io.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * The ordered compression steps of a model, stored in the model file's metadata under
 * {@link #METADATA_KEY} as a JSON array. It answers the seed's pre-check: "was this model
 * already compressed, and how far?".
 */
public final class CompressionHistory {
    /** The {@code __metadata__} key holding the JSON array of steps. */
    public static final String METADATA_KEY = "secateur.compression";

    private final List<CompressionStep> steps = new ArrayList<>();
    private OriginalModel original;

    public CompressionHistory() {}

    public CompressionHistory(List<CompressionStep> steps) {
        this.steps.addAll(steps);
    }

    public List<CompressionStep> steps() { return List.copyOf(steps); }

    /** The dense model the steps started from, or null when not recorded (older files). */
    public OriginalModel original() { return original; }

    /** Records the dense model the steps start from (kept when one is already recorded). */
    public void recordOriginal(OriginalModel o) {
        if (original == null) original = o;
    }

    /** A copy (steps and original). */
    public CompressionHistory copy() {
        CompressionHistory h = new CompressionHistory(steps);
        h.original = original;
        return h;
    }

    public void add(CompressionStep s) { steps.add(s); }

    public boolean isEmpty() { return steps.isEmpty(); }

    /** Whether any pruning step was recorded. */
    public boolean isPruned() { return steps.stream().anyMatch(s -> s.kind().equals("prune")); }

    /** Whether a quantization step was recorded. */
    public boolean isQuantized() { return steps.stream().anyMatch(s -> s.kind().equals("quantize")); }

    /** Density after the last pruning step, or 1 when never pruned. */
    public double lastDensity() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).kind().equals("prune") && Double.isFinite(steps.get(i).density())) return steps.get(i).density();
        }
        return 1.0;
    }

    /** Test accuracy before the first step (the dense model's), or NaN. */
    public double denseAccuracy() {
        if (!steps.isEmpty() && Double.isFinite(steps.get(0).accuracyBefore())) return steps.get(0).accuracyBefore();
        return original == null ? Double.NaN : original.accuracy();
    }

    public String toJson() {
        List<Object> list = new ArrayList<>();
        if (original != null) list.add(original.toTree());
        for (CompressionStep s : steps) list.add(s.toTree());
        return Json.write(list);
    }

    /** Parses {@link #toJson()} output; null or empty text is an empty history. */
    public static CompressionHistory fromJson(String json) {
        CompressionHistory h = new CompressionHistory();
        if (json == null || json.isBlank()) return h;
        Object tree = Json.parse(json);
        if (!(tree instanceof List<?> list)) throw new IllegalArgumentException("compression history must be a JSON array");
        for (Object o : list) {
            if (o instanceof java.util.Map<?, ?> m && OriginalModel.KIND.equals(m.get("kind"))) {
                if (h.original != null || !h.steps.isEmpty()) throw new IllegalArgumentException("compression history: the original model entry must come first, once");
                h.original = OriginalModel.fromTree(m);
            } else {
                h.add(CompressionStep.fromTree(o));
            }
        }
        return h;
    }
}
