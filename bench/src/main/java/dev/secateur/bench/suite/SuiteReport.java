package dev.secateur.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code report.md} of a suite run: the machine, the charts, then one table per group with every
 * figure and its error (measured figures first, then the derived speed-ups and rates), then the
 * notes (formats refused by the product check, benchmarks skipped).
 */
public final class SuiteReport {
    private static final Map<String, String> TITLES = Map.of(
            "gemm", "SGEMM (square, vs OpenBLAS)",
            "magnitude", "Magnitude sums",
            "spmm", "Sparse × dense products (SpMM)",
            "conv", "Dense convolution",
            "conv-sparse", "Sparse convolution",
            "model", "Models (compiled dense vs pruned)",
            "ort-model", "Models against ONNX Runtime",
            "accuracy", "Accuracy vs compression");

    private SuiteReport() {}

    /** The Markdown text; {@code chartDir} is the charts' folder relative to the report. */
    public static String markdown(SuiteResults r, List<SuiteCharts.Chart> charts, String chartDir) {
        StringBuilder sb = new StringBuilder();
        Machine m = r.machine();
        sb.append("# Benchmark suite report\n\n");
        sb.append("Preset `").append(r.preset()).append("`, width `").append(r.width()).append("`, ")
                .append(m.date()).append(", commit `").append(m.gitCommit()).append("`.\n\n");
        sb.append("## Machine\n\n| | |\n|---|---|\n");
        row(sb, "CPU", m.cpu());
        row(sb, "cores", String.valueOf(m.cores()));
        row(sb, "vector width", m.vectorBits() + " bit");
        row(sb, "caches", "L1d " + (m.l1d() >> 10) + " KiB, L2 " + (m.l2() >> 10) + " KiB, L3 " + (m.l3() >> 10) + " KiB");
        row(sb, "OS", m.os());
        row(sb, "JDK", m.jdk());
        row(sb, "load average (1 min)", m.load() + " on " + m.cores() + " cores");
        row(sb, "JVM flags", "`" + String.join(" ", m.jvmFlags()) + "`");
        sb.append("\nEvery figure is `value ± error`: for timings the 99.9% confidence half-width JMH reports ")
                .append("(0 where a run had too few iterations to give one); for accuracies the 99.9% binomial interval ")
                .append("over the test images. Ratios are only meaningful between figures of one run.\n");
        if (!charts.isEmpty()) {
            sb.append("\n## Charts\n\n");
            for (SuiteCharts.Chart c : charts) {
                sb.append("![").append(c.title()).append("](").append(chartDir).append('/').append(c.file()).append(".png) ")
                        .append("([SVG](").append(chartDir).append('/').append(c.file()).append(".svg))\n\n");
            }
        }
        Map<String, List<Figure>> groups = new LinkedHashMap<>();
        for (Figure f : r.figures()) groups.computeIfAbsent(f.group(), k -> new ArrayList<>()).add(f);
        for (var g : groups.entrySet()) {
            sb.append("\n## ").append(TITLES.getOrDefault(g.getKey(), g.getKey())).append("\n\n");
            List<Figure> ordered = new ArrayList<>(g.getValue().stream().filter(f -> !f.derived()).toList());
            ordered.addAll(g.getValue().stream().filter(Figure::derived).toList());
            table(sb, ordered);
        }
        if (!r.notes().isEmpty()) {
            sb.append("\n## Notes\n\n");
            for (String n : r.notes()) sb.append("- ").append(n).append('\n');
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
    }

    /** One column per parameter that varies in the group (a constant one is stated above the table). */
    private static void table(StringBuilder sb, List<Figure> fs) {
        Set<String> keys = new LinkedHashSet<>();
        for (Figure f : fs) keys.addAll(f.params().keySet());
        List<String> varying = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        for (String k : keys) {
            Set<String> values = new LinkedHashSet<>();
            for (Figure f : fs) values.add(f.param(k));
            if (values.size() > 1) varying.add(k);
            else fixed.add(k + "=" + values.iterator().next());
        }
        if (!fixed.isEmpty()) sb.append("All with ").append(String.join(", ", fixed)).append(".\n\n");
        sb.append("| figure |");
        for (String k : varying) sb.append(' ').append(k).append(" |");
        sb.append(" value |\n|---|");
        sb.append("---|".repeat(varying.size())).append("---:|\n");
        for (Figure f : fs) {
            sb.append("| ").append(f.name()).append(" |");
            for (String k : varying) sb.append(' ').append(f.param(k)).append(" |");
            sb.append(' ').append(Format.valueWithError(f)).append(" |\n");
        }
    }
}
