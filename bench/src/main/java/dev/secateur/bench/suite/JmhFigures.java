package dev.secateur.bench.suite;

import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.JsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON result file (a list of runs, each with its benchmark, parameters and primary
 * metric with score and 99.9% error) into {@link Figure}s. The group is the benchmark class
 * without {@code Benchmark}, in lower case with dashes ({@code ConvSparseBenchmark} →
 * {@code conv-sparse}); the method is a parameter.
 */
public final class JmhFigures {
    private JmhFigures() {}

    /** The figures of one JMH JSON file; IAE naming the file and entry when it is not JMH's layout. */
    public static List<Figure> read(Path file) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new IllegalArgumentException(file + ": not JMH JSON: " + e.getMessage());
        }
        return parse(parsed, file.toString());
    }

    /** The figures of parsed JMH JSON. */
    static List<Figure> parse(Object parsed, String where) {
        if (!(parsed instanceof List<?> runs)) throw new IllegalArgumentException(where + ": not JMH JSON (expected a list of runs)");
        List<Figure> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            String at = where + ": run " + i;
            if (!(runs.get(i) instanceof Map<?, ?> run)) throw new IllegalArgumentException(at + " is not an object");
            if (!(run.get("benchmark") instanceof String benchmark)) throw new IllegalArgumentException(at + ": 'benchmark' is missing");
            if (!(run.get("primaryMetric") instanceof Map<?, ?> metric)) throw new IllegalArgumentException(at + ": 'primaryMetric' is missing");
            int dot = benchmark.lastIndexOf('.');
            String cls = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
            Map<String, String> params = new LinkedHashMap<>();
            params.put("method", benchmark.substring(dot + 1));
            if (run.get("params") instanceof Map<?, ?> p) for (var e : p.entrySet()) params.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            double score = Figure.number(metric, "score", at);
            double error = metric.get("scoreError") instanceof Number n ? n.doubleValue() : 0; // "NaN" with one iteration
            String unit = metric.get("scoreUnit") instanceof String s ? s : "";
            boolean rate = "thrpt".equals(run.get("mode"));
            out.add(new Figure(group(cls), rate ? "rate" : "time", params, score, error, unit, !rate, false));
        }
        return out;
    }

    /** {@code ConvSparseBenchmark} → {@code conv-sparse}. */
    static String group(String className) {
        String base = className.endsWith("Benchmark") ? className.substring(0, className.length() - "Benchmark".length()) : className;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
