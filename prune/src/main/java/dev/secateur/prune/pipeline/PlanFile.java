package dev.secateur.prune.pipeline;

import dev.secateur.nn.io.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pruning plan on disk: per-layer target densities with the criterion and granularity they
 * were planned for ({@code secateur sensitivity --out plan.json}, read by
 * {@code secateur prune --plan plan.json}).
 *
 * <pre>{"format": "secateur-plan/1", "model": "...", "criterion": "l1", "granularity": "unstructured",
 *  "layer_densities": {"conv1": 0.8, "fc1": 0.05}}</pre>
 *
 * @param model          the model file it was planned on (informative)
 * @param criterion      criterion name
 * @param granularity    granularity name
 * @param layerDensities per-layer kept fractions in (0, 1]
 */
public record PlanFile(String model, String criterion, String granularity, Map<String, Double> layerDensities) {
    public static final String FORMAT = "secateur-plan/1";

    public PlanFile {
        layerDensities = Map.copyOf(layerDensities);
        if (layerDensities.isEmpty()) throw new IllegalArgumentException("a plan needs at least one layer density");
        for (var e : layerDensities.entrySet()) {
            if (!(e.getValue() > 0 && e.getValue() <= 1)) {
                throw new IllegalArgumentException("plan density of layer " + e.getKey() + " must be in (0, 1], got " + e.getValue());
            }
        }
    }

    public void write(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("model", model);
        m.put("criterion", criterion);
        m.put("granularity", granularity);
        m.put("layer_densities", new java.util.TreeMap<>(layerDensities));
        Json.writeFile(file, m);
    }

    /** Reads and checks a plan; errors name the file. */
    public static PlanFile read(Path file) throws IOException {
        Object tree = Json.read(file);
        if (!(tree instanceof Map<?, ?> m) || !FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException(file + " is not a pruning plan (expected a JSON object with \"format\": \"" + FORMAT + "\")");
        }
        if (!(m.get("layer_densities") instanceof Map<?, ?> d)) throw new IllegalArgumentException(file + ": \"layer_densities\" must be an object");
        Map<String, Double> densities = new LinkedHashMap<>();
        for (var e : d.entrySet()) {
            if (!(e.getValue() instanceof Number n)) throw new IllegalArgumentException(file + ": density of " + e.getKey() + " is not a number");
            densities.put(String.valueOf(e.getKey()), n.doubleValue());
        }
        try {
            return new PlanFile(str(m, "model"), str(m, "criterion"), str(m, "granularity"), densities);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static String str(Map<?, ?> m, String k) {
        return m.get(k) instanceof String s ? s : null;
    }
}
