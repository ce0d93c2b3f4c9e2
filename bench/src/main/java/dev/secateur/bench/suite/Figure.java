package dev.secateur.bench.suite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One measured or derived number of a suite run, with the half-width of its confidence interval
 * ({@code error}, same unit; JMH's 99.9% interval for timings). The {@code id} names the figure
 * across runs: the group followed by its parameters in name order, so two runs of the same
 * benchmark with the same parameters compare figure by figure.
 *
 * @param group         which suite made it ({@code gemm}, {@code spmm}, {@code accuracy}, ...)
 * @param name          what is measured ({@code time}, {@code gflops}, {@code speedup}, {@code accuracy}, ...)
 * @param params        the parameters that tell it apart from its neighbours
 * @param lowerIsBetter true for times and sizes, false for rates, speed-ups and accuracies
 * @param derived       computed from other figures (speed-ups, GFLOPS); not compared between runs
 */
public record Figure(String group, String name, Map<String, String> params, double value, double error, String unit,
                     boolean lowerIsBetter, boolean derived) {
    public Figure {
        if (group == null || group.isBlank() || name == null || name.isBlank()) throw new IllegalArgumentException("figure needs a group and a name");
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        if (!Double.isFinite(error) || error < 0) error = 0;
        if (unit == null) unit = "";
    }

    /** {@code group/name[k=v,...]} with the parameters sorted by name. */
    public String id() {
        StringBuilder sb = new StringBuilder(group).append('/').append(name);
        if (!params.isEmpty()) {
            sb.append('[');
            boolean first = true;
            for (var e : new TreeMap<>(params).entrySet()) {
                if (!first) sb.append(',');
                sb.append(e.getKey()).append('=').append(e.getValue());
                first = false;
            }
            sb.append(']');
        }
        return sb.toString();
    }

    /** The parameter {@code key}, or {@code ""}. */
    public String param(String key) {
        return params.getOrDefault(key, "");
    }

    /** The JSON object of this figure. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id());
        m.put("group", group);
        m.put("name", name);
        m.put("params", new LinkedHashMap<>(params));
        m.put("value", value);
        m.put("error", error);
        m.put("unit", unit);
        m.put("lowerIsBetter", lowerIsBetter);
        m.put("derived", derived);
        return m;
    }

    /** Reads what {@link #toJson()} wrote; IAE naming the missing or mistyped field. */
    static Figure fromJson(Map<?, ?> m, String where) {
        Map<String, String> params = new LinkedHashMap<>();
        Object p = m.get("params");
        if (p instanceof Map<?, ?> pm) for (var e : pm.entrySet()) params.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        else if (p != null) throw new IllegalArgumentException(where + ": 'params' is not an object");
        return new Figure(text(m, "group", where), text(m, "name", where), params, number(m, "value", where),
                number(m, "error", where), m.get("unit") == null ? "" : String.valueOf(m.get("unit")),
                flag(m, "lowerIsBetter", where), m.get("derived") != null && flag(m, "derived", where));
    }

    private static String text(Map<?, ?> m, String key, String where) {
        if (!(m.get(key) instanceof String s)) throw new IllegalArgumentException(where + ": '" + key + "' is missing or not a string");
        return s;
    }

    static double number(Map<?, ?> m, String key, String where) {
        Object v = m.get(key);
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException(where + ": '" + key + "' is missing or not a number");
    }

    private static boolean flag(Map<?, ?> m, String key, String where) {
        if (!(m.get(key) instanceof Boolean b)) throw new IllegalArgumentException(where + ": '" + key + "' is missing or not true/false");
        return b;
    }
}
