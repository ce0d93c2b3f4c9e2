package dev.secateur.bench.cli;

import dev.secateur.prune.pipeline.Target;
import picocli.CommandLine.Option;

/** The target options of {@code prune}: at most one of them (a plan or N:M granularity may stand alone). */
final class TargetOptions {
    @Option(names = "--compression", description = "prunable weights of the original model / kept weights, e.g. 12") Double compression;
    @Option(names = "--sparsity", description = "fraction of the prunable weights removed, in [0, 1), e.g. 0.9") Double sparsity;
    @Option(names = "--flops-reduction", description = "fraction of the original dense/conv FLOPs removed, in [0, 1), e.g. 0.4") Double flopsReduction;
    @Option(names = "--size-bytes", description = "the saved file at most this many bytes") Long sizeBytes;

    /** The target given, or null; more than one is an error. */
    Target target() {
        int given = (compression != null ? 1 : 0) + (sparsity != null ? 1 : 0) + (flopsReduction != null ? 1 : 0) + (sizeBytes != null ? 1 : 0);
        if (given > 1) throw new IllegalArgumentException("give only one of --compression, --sparsity, --flops-reduction and --size-bytes");
        if (compression != null) return new Target.Compression(compression);
        if (sparsity != null) return new Target.Sparsity(sparsity);
        if (flopsReduction != null) return new Target.FlopsReduction(flopsReduction);
        if (sizeBytes != null) return new Target.SizeBytes(sizeBytes);
        return null;
    }

    /** {@code none} lifts the budget (NaN), else percentage points. */
    static double budget(String s) {
        if (s.equalsIgnoreCase("none")) return Double.NaN;
        try {
            double v = Double.parseDouble(s);
            if (v >= 0 && v <= 100) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--accuracy-budget must be percentage points in [0, 100] or 'none', got '" + s + "'");
    }
}
