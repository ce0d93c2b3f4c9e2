package dev.secateur.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two suite runs figure by figure: the ratio new/old of every measured figure both hold, and a
 * verdict. A figure changed only when the two confidence intervals do not overlap
 * ({@code |new − old| > error(old) + error(new)}), and by more than {@code minChange} (relative);
 * whether the change is a regression follows the figure's direction (a longer time, a lower
 * accuracy). Derived figures (speed-ups, GFLOPS) repeat what their operands say and are not judged.
 */
public final class RunComparison {
    /** What became of one figure. */
    public enum Verdict { REGRESSION, IMPROVEMENT, UNCHANGED }

    /** One figure in both runs. */
    public record Row(String id, Figure before, Figure after, double ratio, Verdict verdict) {}

    private final String header;
    private final List<Row> rows;
    private final List<String> onlyBefore;
    private final List<String> onlyAfter;

    private RunComparison(String header, List<Row> rows, List<String> onlyBefore, List<String> onlyAfter) {
        this.header = header;
        this.rows = rows;
        this.onlyBefore = onlyBefore;
        this.onlyAfter = onlyAfter;
    }

    /** Compares {@code after} against {@code before}; {@code minChange} ≥ 0 is a relative floor (0.05 = 5%). */
    public static RunComparison of(SuiteResults before, SuiteResults after, double minChange) {
        if (!(minChange >= 0)) throw new IllegalArgumentException("minimum change must be ≥ 0, got " + minChange);
        Map<String, Figure> old = index(before);
        Map<String, Figure> now = index(after);
        List<Row> rows = new ArrayList<>();
        List<String> onlyBefore = new ArrayList<>();
        for (var e : old.entrySet()) {
            Figure b = e.getValue(), a = now.get(e.getKey());
            if (a == null || !a.unit().equals(b.unit())) { // another unit: another measurement
                onlyBefore.add(e.getKey());
                continue;
            }
            rows.add(new Row(e.getKey(), b, a, b.value() == 0 ? Double.NaN : a.value() / b.value(), verdict(b, a, minChange)));
        }
        List<String> onlyAfter = now.entrySet().stream()
                .filter(e -> !old.containsKey(e.getKey()) || !old.get(e.getKey()).unit().equals(e.getValue().unit())).map(Map.Entry::getKey).toList();
        return new RunComparison(header(before, after), List.copyOf(rows), List.copyOf(onlyBefore), onlyAfter);
    }

    /** Which runs are compared, and a warning when they ran on different machines or widths. */
    private static String header(SuiteResults a, SuiteResults b) {
        StringBuilder sb = new StringBuilder();
        for (SuiteResults r : List.of(a, b)) {
            sb.append(r == a ? "first:  " : "second: ").append(r.preset()).append(" preset, width ").append(r.width())
                    .append(", commit ").append(r.machine().gitCommit()).append(", ").append(r.machine().date())
                    .append(", ").append(r.machine().summary()).append('\n');
        }
        if (!a.machine().cpu().equals(b.machine().cpu()) || a.machine().vectorBits() != b.machine().vectorBits()
                || a.machine().cores() != b.machine().cores()) {
            sb.append("warning: the runs used different machines or vector widths; their ratios measure that too\n");
        }
        return sb.toString();
    }

    static Verdict verdict(Figure before, Figure after, double minChange) {
        double diff = after.value() - before.value();
        if (Math.abs(diff) <= before.error() + after.error()) return Verdict.UNCHANGED;
        double scale = Math.max(Math.abs(before.value()), Double.MIN_NORMAL);
        if (Math.abs(diff) / scale <= minChange) return Verdict.UNCHANGED;
        boolean worse = before.lowerIsBetter() ? diff > 0 : diff < 0;
        return worse ? Verdict.REGRESSION : Verdict.IMPROVEMENT;
    }

    private static Map<String, Figure> index(SuiteResults r) {
        Map<String, Figure> m = new LinkedHashMap<>();
        for (Figure f : r.figures()) if (!f.derived()) m.put(f.id(), f);
        return m;
    }

    public List<Row> rows() { return rows; }

    public List<String> onlyBefore() { return onlyBefore; }

    public List<String> onlyAfter() { return onlyAfter; }

    public long count(Verdict v) {
        return rows.stream().filter(r -> r.verdict() == v).count();
    }

    /** A Markdown table of every compared figure, regressions first, then a summary line. */
    public String table() {
        StringBuilder sb = new StringBuilder(header).append('\n');
        sb.append("| figure | before | after | after/before | verdict |\n|---|---:|---:|---:|---|\n");
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(java.util.Comparator.comparing(Row::verdict));
        for (Row r : sorted) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %s |%n", r.id(), Format.valueWithError(r.before()),
                    Format.valueWithError(r.after()), r.ratio(), r.verdict().name().toLowerCase(Locale.ROOT)));
        }
        sb.append(String.format(Locale.ROOT, "%n%d figures compared: %d regressions, %d improvements, %d unchanged within the errors of both runs",
                rows.size(), count(Verdict.REGRESSION), count(Verdict.IMPROVEMENT), count(Verdict.UNCHANGED)));
        if (!onlyBefore.isEmpty()) sb.append("; ").append(onlyBefore.size()).append(" only in the first run");
        if (!onlyAfter.isEmpty()) sb.append("; ").append(onlyAfter.size()).append(" only in the second run");
        return sb.append('\n').toString();
    }
}
