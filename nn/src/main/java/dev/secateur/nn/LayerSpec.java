package dev.secateur.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serializable description of a layer: its type (e.g. {@code "conv2d"}), name, scalar
 * hyperparameters (numbers, booleans, strings) and, for composite layers, named lists of child
 * specs (a residual block's {@code main} and {@code shortcut} paths). Converts to and from a plain
 * JSON-like tree of maps, lists, strings, numbers and booleans.
 */
public record LayerSpec(String type, String name, Map<String, Object> attributes, Map<String, List<LayerSpec>> children) {
    public LayerSpec {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        children = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(children));
    }

    /** A leaf spec with attributes given as alternating key, value pairs. */
    public static LayerSpec of(String type, String name, Object... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("attributes need key/value pairs");
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) attrs.put((String) keyValues[i], keyValues[i + 1]);
        return new LayerSpec(type, name, attrs, Map.of());
    }

    public int intAttr(String key) {
        Object v = attributes.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("layer " + name + " (" + type + "): missing integer attribute '" + key + "'");
        double d = n.doubleValue();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("layer " + name + " (" + type + "): attribute '" + key + "' is not an integer: " + v);
        }
        return (int) d;
    }

    public double doubleAttr(String key) {
        Object v = attributes.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("layer " + name + " (" + type + "): missing numeric attribute '" + key + "'");
        return n.doubleValue();
    }

    public boolean boolAttr(String key) {
        Object v = attributes.get(key);
        if (!(v instanceof Boolean b)) throw new IllegalArgumentException("layer " + name + " (" + type + "): missing boolean attribute '" + key + "'");
        return b;
    }

    public List<LayerSpec> child(String key) {
        List<LayerSpec> c = children.get(key);
        if (c == null) throw new IllegalArgumentException("layer " + name + " (" + type + "): missing child list '" + key + "'");
        return c;
    }

    /** The spec as nested maps and lists (for a JSON writer). */
    public Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("name", name);
        for (var e : attributes.entrySet()) m.put(e.getKey(), e.getValue());
        for (var e : children.entrySet()) {
            List<Object> list = new ArrayList<>();
            for (LayerSpec c : e.getValue()) list.add(c.toTree());
            m.put(e.getKey(), list);
        }
        return m;
    }

    /** Inverse of {@link #toTree()}: list-valued entries are child lists, the rest attributes. */
    @SuppressWarnings("unchecked")
    public static LayerSpec fromTree(Object tree) {
        if (!(tree instanceof Map<?, ?> raw)) throw new IllegalArgumentException("layer spec must be a JSON object, got " + tree);
        Map<String, Object> m = (Map<String, Object>) raw;
        if (!(m.get("type") instanceof String type)) throw new IllegalArgumentException("layer spec without a string 'type': " + m);
        if (!(m.get("name") instanceof String name)) throw new IllegalArgumentException("layer spec without a string 'name': " + m);
        Map<String, Object> attrs = new LinkedHashMap<>();
        Map<String, List<LayerSpec>> children = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            if (e.getKey().equals("type") || e.getKey().equals("name")) continue;
            if (e.getValue() instanceof List<?> list) {
                List<LayerSpec> specs = new ArrayList<>();
                for (Object o : list) specs.add(fromTree(o));
                children.put(e.getKey(), specs);
            } else {
                attrs.put(e.getKey(), e.getValue());
            }
        }
        return new LayerSpec(type, name, attrs, children);
    }
}
