package dev.secateur.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small hand-made suite results for the report, chart and comparison tests. */
final class Synthetic {
    private Synthetic() {}

    static Machine machine() {
        return new Machine("Test CPU", 2, 512, 48 << 10, 2 << 20, 32L << 20, "Linux", "OpenJDK 25", List.of("-Xmx1g"), "abc123", "2026-01-01T00:00:00Z", "start 0.5, end 0.6", "Haswell");
    }

    static Map<String, String> p(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Figure time(String group, Map<String, String> params, double value, double error, String unit) {
        return new Figure(group, "time", params, value, error, unit, true, false);
    }

    /** GEMM: secateur and openblas at two sizes; SpMM: dense and csr at two sparsities; two accuracy points. */
    static List<Figure> measured(double csrFactor) {
        List<Figure> f = new ArrayList<>();
        f.add(time("gemm", p("method", "sgemm", "impl", "secateur", "size", "1024", "threads", "1"), 20, 1, "ms/op"));
        f.add(time("gemm", p("method", "sgemm", "impl", "openblas", "size", "1024", "threads", "1"), 16, 0.5, "ms/op"));
        f.add(time("gemm", p("method", "sgemm", "impl", "secateur", "size", "512", "threads", "1"), 2.5, 0.1, "ms/op"));
        f.add(time("gemm", p("method", "sgemm", "impl", "openblas", "size", "512", "threads", "1"), 2.0, 0.1, "ms/op"));
        for (String s : new String[] {"0.5", "0.9"}) {
            f.add(time("spmm", p("method", "multiply", "format", "dense", "sparsity", s, "batch", "1", "shape", "1024x1024", "mask", "random"), 100, 4, "us/op"));
            double csr = s.equals("0.5") ? 80 : 20;
            f.add(time("spmm", p("method", "multiply", "format", "csr", "sparsity", s, "batch", "1", "shape", "1024x1024", "mask", "random"), csr * csrFactor, 1, "us/op"));
        }
        for (String[] pt : new String[][] {{"1.000", "0.89", "1000"}, {"0.100", "0.85", "200"}}) {
            Map<String, String> params = p("model", "lenet300", "criterion", "l1", "schedule", "one-shot", "target", pt[0]);
            f.add(new Figure("accuracy", "accuracy", params, Double.parseDouble(pt[1]), 0.01, "", false, false));
            f.add(new Figure("accuracy", "bytes", params, Double.parseDouble(pt[2]), 0, "B", true, false));
            f.add(new Figure("accuracy", "compression", params, 1000 / Double.parseDouble(pt[2]), 0, "x", false, true));
        }
        return f;
    }

    static SuiteResults results(double csrFactor) {
        List<Figure> f = measured(csrFactor);
        f.addAll(Derived.of(f));
        return new SuiteResults(machine(), "quick", "default", f, List.of("a note"));
    }
}
