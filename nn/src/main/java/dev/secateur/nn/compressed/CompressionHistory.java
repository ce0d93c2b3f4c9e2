package dev.secateur.nn.compressed;

import dev.secateur.nn.io.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Parses {@link #toJson()} output; null or empty text is an empty history. The history must
     * be consistent ({@link #requireConsistent()}); anything else is an
     * {@link IllegalArgumentException} naming the step.
     */
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
        h.requireConsistent();
        return h;
    }

    /** How much a later pruning density may exceed an earlier one (densities are measured, then rounded). */
    static final double DENSITY_SLACK = 1e-4;
    private static final Pattern STEP_OF = Pattern.compile(".* step (\\d{1,9})/(\\d{1,9})");

    /**
     * Checks what every history this library writes satisfies: densities (target and reached) in
     * (0, 1], accuracies in [0, 1] (or unknown), a schedule's "step k/n" with 1 <= k <= n, and
     * pruning that never gives weights back: each pruning step's density is at most the previous
     * pruning step's, unless a {@code compact} step between them rebased densities on the smaller
     * model.
     *
     * @throws IllegalArgumentException naming the first inconsistent step (counted from 1)
     */
    public void requireConsistent() {
        double lastPruned = Double.NaN;
        for (int i = 0; i < steps.size(); i++) {
            CompressionStep s = steps.get(i);
            String at = "step " + (i + 1) + " (" + s.kind() + ")";
            requireIn(at, "density", s.density(), false);
            requireIn(at, "target_density", s.targetDensity(), false);
            requireIn(at, "accuracy_before", s.accuracyBefore(), true);
            requireIn(at, "accuracy_after", s.accuracyAfter(), true);
            Matcher m = STEP_OF.matcher(s.schedule());
            if (m.matches()) {
                long k = Long.parseLong(m.group(1)), n = Long.parseLong(m.group(2));
                if (k < 1 || k > n) throw new IllegalArgumentException(at + ": schedule \"" + s.schedule() + "\" counts step " + k + " of " + n);
            }
            switch (s.kind()) {
                case "compact" -> lastPruned = Double.NaN;
                case "prune" -> {
                    if (!Double.isNaN(s.density())) {
                        if (s.density() > lastPruned + DENSITY_SLACK) {
                            throw new IllegalArgumentException(at + ": density " + s.density() + " is above the " + lastPruned
                                    + " an earlier pruning step reached (pruning never restores weights)");
                        }
                        lastPruned = s.density();
                    }
                }
                default -> { }
            }
        }
    }

    /** A known value must lie in (0, 1] ({@code zeroAllowed}: [0, 1]); NaN means unknown. */
    private static void requireIn(String at, String field, double v, boolean zeroAllowed) {
        if (Double.isNaN(v)) return;
        if (!(v <= 1 && (zeroAllowed ? v >= 0 : v > 0))) {
            throw new IllegalArgumentException(at + ": " + field + " " + v + " is outside " + (zeroAllowed ? "[0, 1]" : "(0, 1]"));
        }
    }
}
