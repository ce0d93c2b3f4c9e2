package dev.secateur.nn.compressed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dense model a compression history started from, so every later report compares against
 * it (compaction shrinks the parameter count, int8 the file: neither is the baseline).
 *
 * @param architecture    the model's architecture name
 * @param params          all parameters
 * @param prunableWeights weights of the dense and conv layers
 * @param flops           dense FLOPs per example of the dense and conv layers
 * @param denseBytes      bytes of the model as a dense float32 file
 * @param accuracy        its test accuracy (NaN when unknown)
 */
public record OriginalModel(String architecture, long params, long prunableWeights, long flops, long denseBytes, double accuracy) {
    /** The {@code kind} of the history entry that carries it. */
    static final String KIND = "original";

    public OriginalModel {
        if (architecture == null) architecture = "";
        if (params < 0 || prunableWeights < 0 || flops < 0 || denseBytes < 0) {
            throw new IllegalArgumentException("original model counts must be >= 0, got params " + params + ", weights " + prunableWeights
                    + ", flops " + flops + ", bytes " + denseBytes);
        }
    }

    Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", KIND);
        m.put("architecture", architecture);
        m.put("params", params);
        m.put("prunable_weights", prunableWeights);
        m.put("flops", flops);
        m.put("dense_bytes", denseBytes);
        m.put("accuracy", Double.isFinite(accuracy) ? accuracy : null);
        return m;
    }

    static OriginalModel fromTree(Map<?, ?> m) {
        return new OriginalModel(m.get("architecture") instanceof String s ? s : "", count(m, "params"), count(m, "prunable_weights"),
                count(m, "flops"), count(m, "dense_bytes"), m.get("accuracy") instanceof Number n ? n.doubleValue() : Double.NaN);
    }

    private static long count(Map<?, ?> m, String k) {
        if (!(m.get(k) instanceof Number n)) throw new IllegalArgumentException("original model field '" + k + "' must be a number, got " + m.get(k));
        double d = n.doubleValue();
        if (!(d >= 0 && d <= Long.MAX_VALUE / 2.0)) throw new IllegalArgumentException("original model field '" + k + "' out of range: " + d);
        return n.longValue();
    }
}
