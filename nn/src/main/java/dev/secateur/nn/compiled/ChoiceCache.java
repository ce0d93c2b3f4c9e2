package dev.secateur.nn.compiled;

import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.JsonException;
import dev.secateur.tensor.platform.VectorPlatform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link CompiledModel#KERNEL_CHOICE_KEY} metadata entry: JSON
 * {@code {"version":1,"threads":T,"vector_bits":B,"choices":[{"layer":..,"batch":..,"kernel":..,"nanos":..,"dense_nanos":..}, ...]}}.
 * Choices apply only to a compile with the same thread count and vector width (kernel speed
 * depends on both; entries written before the width was recorded are taken as they are).
 */
final class ChoiceCache {
    static final int VERSION = 1;

    /** A stored choice: kernel name and the times measured when it was made. */
    record Entry(String kernel, long nanos, long denseNanos) {}

    private final Map<String, Entry> entries;

    private ChoiceCache(Map<String, Entry> entries) {
        this.entries = entries;
    }

    static ChoiceCache empty() { return new ChoiceCache(Map.of()); }

    /** Parses a stored entry; IAE naming the problem when it is malformed. Another thread count gives an empty cache. */
    static ChoiceCache parse(String json, int threads) {
        if (json == null) return empty();
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (JsonException e) {
            throw new IllegalArgumentException("kernel choice metadata is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root.get("version") instanceof Number v) || v.intValue() != VERSION) {
            throw new IllegalArgumentException("kernel choice metadata has version " + root.get("version") + ", expected " + VERSION);
        }
        if (!(root.get("threads") instanceof Number t)) throw new IllegalArgumentException("kernel choice metadata lacks \"threads\"");
        if (t.intValue() != threads) return empty();
        if (root.get("vector_bits") instanceof Number bits && bits.intValue() != VectorPlatform.BITS) return empty();
        if (!(root.get("choices") instanceof List<?> list)) throw new IllegalArgumentException("kernel choice metadata lacks a \"choices\" list");
        Map<String, Entry> m = new HashMap<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> c) || !(c.get("layer") instanceof String layer) || !(c.get("batch") instanceof Number b)
                    || !(c.get("kernel") instanceof String kernel) || !(c.get("nanos") instanceof Number ns)
                    || !(c.get("dense_nanos") instanceof Number dn)) {
                throw new IllegalArgumentException("malformed kernel choice entry: " + o);
            }
            if (!Kernels.ALL.contains(kernel)) throw new IllegalArgumentException("kernel choice for layer " + layer + " names unknown kernel '" + kernel + "'");
            m.put(key(layer, b.intValue()), new Entry(kernel, ns.longValue(), dn.longValue()));
        }
        return new ChoiceCache(m);
    }

    Entry get(String layer, int batch) { return entries.get(key(layer, batch)); }

    private static String key(String layer, int batch) { return layer + "@" + batch; }

    static String write(List<KernelChoice> choices, int threads) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", VERSION);
        root.put("threads", threads);
        root.put("vector_bits", VectorPlatform.BITS);
        List<Object> list = new ArrayList<>();
        for (KernelChoice c : choices) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("layer", c.layer());
            e.put("batch", c.batch());
            e.put("kernel", c.kernel());
            e.put("nanos", c.nanos());
            e.put("dense_nanos", c.denseNanos());
            list.add(e);
        }
        root.put("choices", list);
        return Json.write(root);
    }
}
