package dev.secateur.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * BENCHMARKS.md from a suite run: short prose with the commands, the machine, and the main
 * tables — SGEMM against OpenBLAS, the magnitude sums, SpMM speed-ups per shape, batch and
 * format against sparsity, convolution, whole models against their dense-only compilation and
 * ONNX Runtime, accuracy against compression — with links to the charts, then the run's notes
 * and a hand-kept appendix (what the suite does not measure) copied in as it is.
 *
 * <p>A ratio is "faster" or "slower" only when its interval (the operands' 99.9% errors
 * propagated) lies wholly on one side of 1; otherwise the verdict is "same within error".
 */
public final class BenchmarksMarkdown {
    private BenchmarksMarkdown() {}

    /**
     * @param charts   the charts drawn from {@code r} (file names without extension)
     * @param chartDir the charts' folder relative to the BENCHMARKS.md file
     * @param command  the command that wrote this file (quoted in the text)
     * @param appendix the hand-kept appendix (Markdown), or null
     */
    public static String markdown(SuiteResults r, List<SuiteCharts.Chart> charts, String chartDir, String command, String appendix) {
        StringBuilder sb = new StringBuilder();
        Machine m = r.machine();
        sb.append("# Secateur benchmarks\n\n");
        sb.append("Generated from one `").append(r.preset()).append("` suite run; do not edit the generated part by hand — rerun:\n\n```\n")
                .append(suiteCommand(r)).append('\n').append(command).append("\n```\n\n");
        sb.append("Run of ").append(m.date()).append(" at commit `").append(m.gitCommit()).append("`, vector width `")
                .append(r.width()).append("` (").append(m.vectorBits()).append(" bit), load average ").append(m.load())
                .append(" on ").append(m.cores()).append(" cores. Every speed figure is a JMH average with its 99.9% error (±); ")
                .append("a ratio compares two figures of this run and carries both errors. A verdict of *faster* or *slower* means ")
                .append("the ratio's whole interval lies on that side of 1. Accuracies are on the Fashion-MNIST test images with their ")
                .append("99.9% binomial interval. Every figure of the run, with its parameters: `report.md` beside the charts.\n");
        machine(sb, m);
        int section = 1;
        section = gemm(sb, r, charts, chartDir, section);
        section = magnitude(sb, r, section);
        section = spmm(sb, r, charts, chartDir, section);
        section = conv(sb, r, section);
        section = models(sb, r, section);
        accuracy(sb, r, charts, chartDir, section);
        if (!r.notes().isEmpty()) {
            sb.append("\n## Notes of the run\n\n");
            for (String n : r.notes()) sb.append("- ").append(n).append('\n');
        }
        if (appendix != null && !appendix.isBlank()) {
            sb.append("\n---\n\n# Appendix (hand-kept, not produced by the suite)\n\n")
                    .append("Measurements the suite does not make, each with its own command and date; kept by hand.\n\n")
                    .append(appendix.strip()).append('\n');
        }
        return sb.toString();
    }

    /** The suite command that produced {@code r}. */
    static String suiteCommand(SuiteResults r) {
        String env = r.machine().openblasCoretype().equals("auto") ? "" : "OPENBLAS_CORETYPE=" + r.machine().openblasCoretype() + " ";
        return env + "flock /tmp/bench.lock ./secateur suite --preset " + r.preset() + (r.width().equals("default") ? "" : " --width " + r.width())
                + " --out runs/suite-" + r.preset();
    }

    private static void machine(StringBuilder sb, Machine m) {
        sb.append("\n## Machine\n\n| | |\n|---|---|\n");
        sb.append("| CPU | ").append(m.cpu()).append(" |\n");
        sb.append("| cores | ").append(m.cores()).append(" |\n");
        sb.append("| vector width | ").append(m.vectorBits()).append(" bit |\n");
        sb.append("| caches | L1d ").append(m.l1d() >> 10).append(" KiB, L2 ").append(m.l2() >> 10).append(" KiB, L3 ")
                .append(m.l3() >> 10).append(" KiB |\n");
        sb.append("| OS | ").append(m.os()).append(" |\n");
        sb.append("| JDK | ").append(m.jdk()).append(" |\n");
        sb.append("| JVM flags | `").append(String.join(" ", m.jvmFlags())).append("` |\n");
        sb.append("| OpenBLAS kernel (`OPENBLAS_CORETYPE`) | ").append(m.openblasCoretype()).append(" |\n");
    }

    private static int gemm(StringBuilder sb, SuiteResults r, List<SuiteCharts.Chart> charts, String chartDir, int section) {
        List<Figure> sec = times(r, "gemm", f -> f.param("impl").equals("secateur"));
        if (sec.isEmpty()) return section;
        sb.append("\n## ").append(section).append(". Dense SGEMM against OpenBLAS\n\n");
        sb.append("Square n×n·n×n, row-major; GFLOPS = 2n³/t; speed = OpenBLAS time / Secateur time.\n\n");
        chartLinks(sb, charts, chartDir, "gemm-gflops");
        sb.append("| n | threads | Secateur ms | GFLOPS | OpenBLAS ms | GFLOPS | Secateur speed / OpenBLAS | verdict |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Figure s : sortedBy(sec, "size", "threads")) {
            Figure o = twin(r, s, "impl", "openblas");
            Figure gs = derived(r, s, "gflops"), go = o == null ? null : derived(r, o, "gflops");
            Ratio q = o == null ? null : Ratio.of(o, s);
            sb.append("| ").append(s.param("size")).append(" | ").append(s.param("threads")).append(" | ").append(pm(s)).append(" | ")
                    .append(gs == null ? "" : Format.number(gs.value())).append(" | ").append(o == null ? "—" : pm(o)).append(" | ")
                    .append(go == null ? "" : Format.number(go.value())).append(" | ").append(q == null ? "—" : q.text())
                    .append(" | ").append(q == null ? "" : q.verdict()).append(" |\n");
        }
        return section + 1;
    }

    private static int magnitude(StringBuilder sb, SuiteResults r, int section) {
        List<Figure> all = times(r, "magnitude", f -> true);
        if (all.isEmpty()) return section;
        List<String> methods = values(all, "method");
        sb.append("\n## ").append(section).append(". Magnitude sums (the pruning criteria's scoring)\n\n");
        sb.append("µs per call; `copy` is `System.arraycopy` of the same bytes, the bandwidth reference.\n\n| shape |");
        for (String mth : methods) sb.append(' ').append(mth).append(" |");
        boolean copy = methods.contains("copy") && methods.contains("vector");
        if (copy) sb.append(" vector / copy time |");
        sb.append("\n|---|").append("---:|".repeat(methods.size() + (copy ? 1 : 0))).append('\n');
        for (String shape : values(all, "shape")) {
            sb.append("| ").append(shape).append(" |");
            Map<String, Figure> byMethod = new LinkedHashMap<>();
            for (Figure f : all) if (f.param("shape").equals(shape)) byMethod.put(f.param("method"), f);
            for (String mth : methods) sb.append(' ').append(byMethod.containsKey(mth) ? pm(byMethod.get(mth)) : "—").append(" |");
            if (copy) {
                Figure v = byMethod.get("vector"), c = byMethod.get("copy");
                sb.append(' ').append(v == null || c == null ? "—" : Ratio.of(v, c).text()).append(" |");
            }
            sb.append('\n');
        }
        return section + 1;
    }

    private static int spmm(StringBuilder sb, SuiteResults r, List<SuiteCharts.Chart> charts, String chartDir, int section) {
        List<Figure> dense = times(r, "spmm", f -> f.param("format").equals("dense"));
        if (dense.isEmpty()) return section;
        sb.append("\n## ").append(section).append(". Sparse × dense products (SpMM) against our dense kernel\n\n");
        sb.append("y = W·X, W of `shape` (outputs × inputs) pruned to `sparsity`, X with `batch` columns, one thread. Each cell is the ")
                .append("speed-up over `dense` (our packed kernel on the same masked weight, same run) ± its error; **bold** is the ")
                .append("fastest format of the row. `auto` is the timed choice of the runtime. 1/(1−s) is what skipping the zeros alone would give.\n");
        Map<String, List<Figure>> panels = new LinkedHashMap<>();
        for (Figure d : dense) panels.computeIfAbsent(panel(d), k -> new ArrayList<>()).add(d);
        for (var p : panels.entrySet()) {
            Figure first = p.getValue().get(0);
            List<Figure> speedups = r.figures().stream().filter(f -> f.group().equals("spmm") && f.name().equals("speedup")
                    && panel(f).equals(p.getKey())).toList();
            List<String> formats = values(speedups, "format");
            sb.append("\n### ").append(first.param("shape")).append(", batch ").append(first.param("batch")).append(", ")
                    .append(first.param("mask")).append(" mask\n\n");
            chartLinks(sb, charts, chartDir, "spmm-speedup-" + p.getKey());
            sb.append("| sparsity | dense ").append(unit(first)).append(" |");
            for (String f : formats) sb.append(' ').append(f).append(" |");
            sb.append(" best | 1/(1−s) |\n|---:|---:|").append("---:|".repeat(formats.size())).append("---|---:|\n");
            for (Figure d : sortedBy(p.getValue(), "sparsity")) {
                Map<String, Figure> row = new LinkedHashMap<>();
                for (Figure f : speedups) if (f.param("sparsity").equals(d.param("sparsity"))) row.put(f.param("format"), f);
                String best = row.values().stream().max(java.util.Comparator.comparingDouble(Figure::value)).map(f -> f.param("format")).orElse("");
                sb.append("| ").append(d.param("sparsity")).append(" | ").append(pm(d)).append(" |");
                for (String f : formats) {
                    Figure s = row.get(f);
                    String cell = s == null ? "—" : speedup(s);
                    sb.append(' ').append(f.equals(best) ? "**" + cell + "**" : cell).append(" |");
                }
                Figure b = row.get(best);
                sb.append(' ').append(best.isEmpty() ? "—" : best + " (" + Ratio.verdict(b.value(), b.error()) + ")").append(" | ")
                        .append(bound(d.param("sparsity"))).append(" |\n");
            }
        }
        return section + 1;
    }

    private static int conv(StringBuilder sb, SuiteResults r, int section) {
        List<Figure> dense = times(r, "conv", f -> true);
        List<Figure> sparseBase = times(r, "conv-sparse", f -> f.param("format").equals("dense"));
        if (dense.isEmpty() && sparseBase.isEmpty()) return section;
        sb.append("\n## ").append(section).append(". Convolution\n");
        if (!dense.isEmpty()) {
            sb.append("\nDense layers (C×H×W → F filters k×k, stride, padding, batch), ").append(unit(dense.get(0))).append(":\n\n");
            sb.append("| layer | op | threads | time |\n|---|---|---:|---:|\n");
            for (Figure f : dense) {
                sb.append("| ").append(f.param("layer")).append(" | ").append(f.param("method")).append(" | ").append(f.param("threads"))
                        .append(" | ").append(pm(f)).append(" |\n");
            }
        }
        if (!sparseBase.isEmpty()) {
            List<Figure> speedups = r.figures().stream().filter(f -> f.group().equals("conv-sparse") && f.name().equals("speedup")).toList();
            List<String> formats = values(speedups, "format");
            sb.append("\nSparse convolution, one image, bias + ReLU fused: speed-up over the dense convolution on the same weights (`direct` ")
                    .append("multiplies kept weights by shifted input slices without im2col).\n\n");
            sb.append("| layer | sparsity | dense ").append(unit(sparseBase.get(0))).append(" |");
            for (String f : formats) sb.append(' ').append(f).append(" |");
            sb.append("\n|---|---:|---:|").append("---:|".repeat(formats.size())).append('\n');
            for (Figure d : sparseBase) {
                sb.append("| ").append(d.param("layer")).append(" | ").append(d.param("sparsity")).append(" | ").append(pm(d)).append(" |");
                for (String f : formats) {
                    Figure s = twinOf(speedups, d, "speedup", "format", f);
                    sb.append(' ').append(s == null ? "—" : speedup(s)).append(" |");
                }
                sb.append('\n');
            }
        }
        return section + 1;
    }

    private static int models(StringBuilder sb, SuiteResults r, int section) {
        List<Figure> base = times(r, "model", f -> f.param("impl").equals("compiled-dense"));
        List<Figure> ort = times(r, "ort-model", f -> f.param("impl").equals("onnxruntime"));
        if (base.isEmpty() && ort.isEmpty()) return section;
        sb.append("\n## ").append(section).append(". Whole models\n");
        if (!base.isEmpty()) {
            sb.append("\nThe shipped models magnitude-pruned (same density in every layer), one thread, µs per call of `batch` images. ")
                    .append("`model` = the training-time forward pass, `compiled-dense` = the compiled model restricted to dense kernels, ")
                    .append("`compiled` = the compiled model choosing per layer; speed-up = compiled-dense / compiled.\n\n");
            sb.append("| model | weights | batch | model | compiled-dense | compiled | speed-up | verdict |\n|---|---|---:|---:|---:|---:|---:|---|\n");
            for (Figure d : sortedBy(base, "model", "batch")) {
                Figure plain = twin(r, d, "impl", "model"), comp = twin(r, d, "impl", "compiled");
                Ratio q = comp == null ? null : Ratio.of(d, comp);
                sb.append("| ").append(d.param("model")).append(" | ").append(d.param("weights")).append(" | ").append(d.param("batch")).append(" | ")
                        .append(plain == null ? "—" : pm(plain)).append(" | ").append(pm(d)).append(" | ").append(comp == null ? "—" : pm(comp))
                        .append(" | ").append(q == null ? "—" : q.text()).append(" | ").append(q == null ? "" : q.verdict()).append(" |\n");
            }
        }
        if (!ort.isEmpty()) {
            sb.append("\nAgainst ONNX Runtime on identical weights (the model exported by Secateur's ONNX exporter), one thread each ")
                    .append("(intra-op threads 1), µs per call; speed = ONNX Runtime time / Secateur time.\n\n");
            sb.append("| model | weights | batch | Secateur | ONNX Runtime | Secateur speed / ORT | verdict |\n|---|---|---:|---:|---:|---:|---|\n");
            for (Figure o : sortedBy(ort, "model", "weights", "batch")) {
                Figure s = twin(r, o, "impl", "secateur");
                Ratio q = s == null ? null : Ratio.of(o, s);
                sb.append("| ").append(o.param("model")).append(" | ").append(o.param("weights")).append(" | ").append(o.param("batch")).append(" | ")
                        .append(s == null ? "—" : pm(s)).append(" | ").append(pm(o)).append(" | ").append(q == null ? "—" : q.text())
                        .append(" | ").append(q == null ? "" : q.verdict()).append(" |\n");
            }
        }
        return section + 1;
    }

    private static void accuracy(StringBuilder sb, SuiteResults r, List<SuiteCharts.Chart> charts, String chartDir, int section) {
        List<Figure> acc = r.figures().stream().filter(f -> f.group().equals("accuracy") && f.name().equals("accuracy")).toList();
        if (acc.isEmpty()) return;
        sb.append("\n## ").append(section).append(". Accuracy against compression\n\n");
        sb.append("Each shipped model pruned by the prune library (unstructured, same density per layer) with each criterion and schedule; ")
                .append("cells are test accuracy (%) and, in brackets, the compression of the compressed file (dense float32 bytes / file bytes).\n");
        for (String model : values(acc, "model")) {
            List<Figure> fs = acc.stream().filter(f -> f.param("model").equals(model)).toList();
            Figure dense = fs.stream().filter(f -> f.param("schedule").equals("dense")).findFirst().orElse(null);
            Set<String> targets = new TreeSet<>(java.util.Comparator.comparingDouble(BenchmarksMarkdown::parse).reversed());
            for (Figure f : fs) if (dense == null || f != dense) targets.add(f.param("target"));
            sb.append("\n### ").append(model).append("\n\n");
            chartLinks(sb, charts, chartDir, "accuracy-vs-compression-" + model, "size-vs-accuracy-" + model);
            if (dense != null) sb.append("Dense: ").append(percent(dense)).append(".\n\n");
            sb.append("| criterion | schedule |");
            for (String t : targets) sb.append(" density ").append(t).append(" |");
            sb.append("\n|---|---|").append("---:|".repeat(targets.size())).append('\n');
            Map<String, Map<String, Figure>> rows = new LinkedHashMap<>();
            for (Figure f : fs) {
                if (f == dense) continue;
                rows.computeIfAbsent(f.param("criterion") + " | " + f.param("schedule"), k -> new LinkedHashMap<>()).put(f.param("target"), f);
            }
            for (var row : rows.entrySet()) {
                sb.append("| ").append(row.getKey()).append(" |");
                for (String t : targets) {
                    Figure f = row.getValue().get(t);
                    Figure c = f == null ? null : twinOf(r.figures(), f, "compression");
                    sb.append(' ').append(f == null ? "—" : percent(f) + (c == null ? "" : " (" + Format.number(c.value()) + "×)")).append(" |");
                }
                sb.append('\n');
            }
        }
    }

    /** A ratio of two timings {@code a / b} with its propagated error. */
    record Ratio(double value, double error) {
        static Ratio of(Figure a, Figure b) {
            double v = a.value() / b.value();
            return new Ratio(v, v * Math.hypot(a.error() / a.value(), b.error() / b.value()));
        }

        String text() {
            return Format.number(value) + "× ± " + Format.number(error);
        }

        String verdict() {
            return verdict(value, error);
        }

        static String verdict(double value, double error) {
            if (value - error > 1) return "faster";
            if (value + error < 1) return "slower";
            return "same within error";
        }
    }

    private static String speedup(Figure s) {
        return Format.number(s.value()) + "× ± " + Format.number(s.error());
    }

    private static String pm(Figure f) {
        return Format.number(f.value()) + " ± " + Format.number(f.error());
    }

    private static String percent(Figure f) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * f.value(), 100 * f.error());
    }

    private static String unit(Figure f) {
        return f.unit().replace("/op", "").replace("us", "µs");
    }

    private static String bound(String sparsity) {
        double s = parse(sparsity);
        return s >= 1 || Double.isNaN(s) ? "—" : Format.number(1 / (1 - s)) + "×";
    }

    /** The chart key SuiteCharts uses for an SpMM figure. */
    private static String panel(Figure f) {
        String p = f.param("shape") + " batch " + f.param("batch") + " " + f.param("mask") + " mask"
                + (f.param("threads").isEmpty() || f.param("threads").equals("1") ? "" : " " + f.param("threads") + " threads");
        return p.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    private static void chartLinks(StringBuilder sb, List<SuiteCharts.Chart> charts, String chartDir, String... files) {
        boolean any = false;
        for (String file : files) {
            String name = file.replaceAll("[^A-Za-z0-9._-]+", "_");
            for (SuiteCharts.Chart c : charts) {
                if (!c.file().equals(name)) continue;
                sb.append("![").append(c.title()).append("](").append(chartDir).append('/').append(c.file()).append(".png) ([SVG](")
                        .append(chartDir).append('/').append(c.file()).append(".svg))\n");
                any = true;
            }
        }
        if (any) sb.append('\n');
    }

    private static List<Figure> times(SuiteResults r, String group, Predicate<Figure> keep) {
        return r.figures().stream().filter(f -> f.group().equals(group) && f.name().equals("time") && keep.test(f)).toList();
    }

    /** The time of {@code r} whose {@code key} is {@code value} and whose other parameters equal {@code f}'s. */
    private static Figure twin(SuiteResults r, Figure f, String key, String value) {
        return twinOf(r.figures(), f, "time", key, value);
    }

    /** The figure of {@code fs} named {@code name}, in f's group, with f's parameters but {@code key} = {@code value}. */
    private static Figure twinOf(List<Figure> fs, Figure f, String name, String key, String value) {
        Map<String, String> want = new LinkedHashMap<>(f.params());
        want.put(key, value);
        for (Figure g : fs) if (g.group().equals(f.group()) && g.name().equals(name) && g.params().equals(want)) return g;
        return null;
    }

    /** The figure named {@code name} with exactly {@code f}'s parameters. */
    private static Figure twinOf(List<Figure> fs, Figure f, String name) {
        for (Figure g : fs) if (g.group().equals(f.group()) && g.name().equals(name) && g.params().equals(f.params())) return g;
        return null;
    }

    private static Figure derived(SuiteResults r, Figure f, String name) {
        return twinOf(r.figures(), f, name);
    }

    private static List<String> values(List<Figure> fs, String key) {
        Set<String> s = new LinkedHashSet<>();
        for (Figure f : fs) s.add(f.param(key));
        return new ArrayList<>(s);
    }

    /** Sorted by the given parameters, numerically where they are numbers. */
    private static List<Figure> sortedBy(List<Figure> fs, String... keys) {
        List<Figure> out = new ArrayList<>(fs);
        java.util.Comparator<Figure> c = (a, b) -> 0;
        for (String k : keys) {
            c = c.thenComparing((a, b) -> {
                double x = parse(a.param(k)), y = parse(b.param(k));
                return Double.isNaN(x) || Double.isNaN(y) ? a.param(k).compareTo(b.param(k)) : Double.compare(x, y);
            });
        }
        out.sort(c);
        return out;
    }

    private static double parse(String s) {
        return SuiteCharts.parse(s);
    }
}
