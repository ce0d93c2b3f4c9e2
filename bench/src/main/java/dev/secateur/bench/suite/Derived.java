package dev.secateur.bench.suite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figures computed from measured ones, each with its propagated error: GEMM GFLOPS, speed-ups of
 * sparse formats over the dense kernel on the same weights (SpMM and sparse convolution), and of
 * compiled pruned models over the compiled dense ones, and of Secateur's compiled models over
 * ONNX Runtime on the same weights. A ratio's relative error is the root sum
 * of squares of its operands' relative errors.
 */
public final class Derived {
    private Derived() {}

    /** Every derived figure the measured {@code figures} allow. */
    public static List<Figure> of(List<Figure> figures) {
        List<Figure> out = new ArrayList<>();
        for (Figure f : figures) if (f.group().equals("gemm") && f.name().equals("time")) gflops(f, out);
        speedups(figures, "spmm", "format", "dense", out);
        speedups(figures, "conv-sparse", "format", "dense", out);
        speedups(figures, "model", "impl", "compiled-dense", out);
        speedups(figures, "ort-model", "impl", "onnxruntime", out);
        return out;
    }

    /** GFLOPS of a square SGEMM: 2·n³ / time. */
    private static void gflops(Figure f, List<Figure> out) {
        double n;
        try {
            n = Double.parseDouble(f.param("size"));
        } catch (NumberFormatException e) {
            return;
        }
        double seconds = f.value() * secondsPer(f.unit());
        if (!(seconds > 0)) return;
        double g = 2 * n * n * n / seconds / 1e9;
        Map<String, String> p = new LinkedHashMap<>(f.params());
        out.add(new Figure("gemm", "gflops", p, g, g * f.error() / f.value(), "GFLOPS", false, true));
    }

    /** Seconds per unit of a JMH time unit such as {@code ms/op}; NaN for other units. */
    static double secondsPer(String unit) {
        return switch (unit) {
            case "s/op" -> 1;
            case "ms/op" -> 1e-3;
            case "us/op" -> 1e-6;
            case "ns/op" -> 1e-9;
            default -> Double.NaN;
        };
    }

    /**
     * {@code time(base) / time(other)} for every figure of {@code group} whose {@code key} is not
     * {@code base}, against the base figure with the same other parameters.
     */
    private static void speedups(List<Figure> figures, String group, String key, String base, List<Figure> out) {
        Map<Map<String, String>, Figure> bases = new HashMap<>();
        for (Figure f : figures) {
            if (f.group().equals(group) && f.name().equals("time") && f.param(key).equals(base)) bases.put(without(f.params(), key), f);
        }
        for (Figure f : figures) {
            if (!f.group().equals(group) || !f.name().equals("time") || f.param(key).equals(base)) continue;
            Figure b = bases.get(without(f.params(), key));
            if (b == null || !(f.value() > 0) || !b.unit().equals(f.unit())) continue;
            double r = b.value() / f.value();
            double rel = Math.hypot(b.error() / b.value(), f.error() / f.value());
            Map<String, String> p = new LinkedHashMap<>(f.params());
            out.add(new Figure(group, "speedup", p, r, r * rel, "x", false, true));
        }
    }

    private static Map<String, String> without(Map<String, String> params, String key) {
        Map<String, String> m = new HashMap<>(params);
        m.remove(key);
        return m;
    }
}
