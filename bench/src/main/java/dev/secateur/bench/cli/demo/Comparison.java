package dev.secateur.bench.cli.demo;

import dev.secateur.prune.report.CompressionReport;

/**
 * The demo's closing table: the seed's three objectives (size, speed, accuracy) plus parameter
 * and FLOP counts, dense model beside compressed model, with the ratio of each.
 */
public final class Comparison {
    private Comparison() {}

    /**
     * @param kernel which inference path the latencies were measured with
     */
    public static String table(CompressionReport dense, CompressionReport comp, String kernel) {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-24s %16s %16s   %s%n";
        sb.append(String.format(fmt, "", "dense", "compressed", "change"));
        sb.append(String.format(fmt, "size on disk (bytes)", String.format("%,d", dense.sizeBytes()), String.format("%,d", comp.sizeBytes()),
                ratio(dense.sizeBytes(), comp.sizeBytes()) + " smaller"));
        sb.append(String.format(fmt, "test accuracy", pct(dense.testAccuracy()), pct(comp.testAccuracy()),
                String.format("%+.2f pp", 100 * (comp.testAccuracy() - dense.testAccuracy()))));
        sb.append(String.format(fmt, "latency batch 1 (ms)", ms(dense.latencyMs1()), ms(comp.latencyMs1()),
                speed(dense.latencyMs1(), comp.latencyMs1())));
        sb.append(String.format(fmt, "latency batch 64 (ms)", ms(dense.latencyMs64()), ms(comp.latencyMs64()),
                speed(dense.latencyMs64(), comp.latencyMs64())));
        sb.append(String.format(fmt, "params non-zero", String.format("%,d", dense.paramsNonZero()), String.format("%,d", comp.paramsNonZero()),
                ratio(dense.paramsNonZero(), comp.paramsNonZero()) + " fewer"));
        sb.append(String.format(fmt, "weight density", pct(dense.density()), pct(comp.density()),
                String.format("%.1fx compression", 1 / Math.max(comp.density(), 1e-12))));
        sb.append(String.format(fmt, "FLOPs / image", String.format("%,d", dense.flops()), String.format("%,d", comp.flops()),
                ratio(dense.flops(), comp.flops()) + " fewer (effective)"));
        sb.append("latency: ").append(kernel).append('\n');
        return sb.toString();
    }

    private static String ratio(long a, long b) {
        return b == 0 ? "inf" : String.format("%.1fx", (double) a / b);
    }

    private static String pct(double f) {
        return Double.isFinite(f) ? String.format("%.2f%%", 100 * f) : "-";
    }

    private static String ms(double v) {
        return Double.isFinite(v) ? String.format("%.3f", v) : "-";
    }

    private static String speed(double dense, double comp) {
        if (!Double.isFinite(dense) || !Double.isFinite(comp) || comp <= 0) return "-";
        return dense >= comp ? String.format("%.2fx faster", dense / comp) : String.format("%.2fx slower", comp / dense);
    }
}
