package dev.secateur.bench.cli.demo;

import dev.secateur.nn.compiled.KernelChoice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which layers of the compressed model got faster, and why: per layer and batch size the kernel
 * the compiled model measured fastest on that layer's weights, its time against the dense
 * kernel on the same weights, and the reason that kernel wins (or why dense stayed); then per
 * batch size where the time goes, so the whole-model speed-up can be read off the layers.
 */
public final class LayerSpeed {
    /** Below this gain over dense a layer counts as "as fast as dense" (timing noise). */
    private static final double NOISE = 1.05;

    private LayerSpeed() {}

    /** One line per layer and batch size, then one summary line per batch size. */
    public static List<String> explain(List<KernelChoice> choices) {
        List<String> lines = new ArrayList<>();
        for (KernelChoice c : choices) {
            lines.add(String.format(Locale.ROOT, "  %-6s batch %-2d %5.1f%% of weights kept: %-10s %s", c.layer(), c.batch(), 100 * c.density(),
                    c.kernel(), why(c)));
        }
        Map<Integer, List<KernelChoice>> byBatch = new LinkedHashMap<>();
        for (KernelChoice c : choices) byBatch.computeIfAbsent(c.batch(), b -> new ArrayList<>()).add(c);
        for (var e : byBatch.entrySet()) lines.add(summary(e.getKey(), e.getValue()));
        return lines;
    }

    /**
     * The whole-model verdict: the measured speed-up over the dense model per batch size, set
     * against what the per-layer calibration predicted (dense-kernel time over chosen-kernel time
     * on the compressed weights), with a warning when the two disagree by more than 1.5× — then
     * the calibration was disturbed (load on the machine) and picked kernels on bad timings.
     *
     * @param measured speed-up of the compressed over the dense model, per batch size
     */
    public static List<String> verdict(List<KernelChoice> choices, Map<Integer, Double> measured) {
        List<String> lines = new ArrayList<>();
        for (var e : measured.entrySet()) {
            long chosen = 0, dense = 0;
            for (KernelChoice c : choices) {
                if (c.batch() != e.getKey()) continue;
                chosen += Math.max(0, c.nanos());
                dense += Math.max(0, c.denseNanos() > 0 ? c.denseNanos() : c.nanos());
            }
            double predicted = chosen == 0 ? 1.0 : (double) dense / chosen, m = e.getValue();
            String line = String.format(Locale.ROOT, "whole model, batch %d: %.2fx %s than dense (measured); the per-layer calibration predicted %.2fx",
                    e.getKey(), m >= 1 ? m : 1 / m, m >= 1 ? "faster" : "slower", predicted);
            if (Double.isFinite(m) && (predicted / m > 1.5 || m / predicted > 1.5)) {
                line += " - they disagree: the calibration timings were disturbed (other work on the machine or a cold JIT), so the kernel "
                        + "choices above are unreliable (and kept in the per-machine kernel-choice cache: rerun on an idle machine with "
                        + "SECATEUR_JAVA_OPTS=-Dsecateur.kernel.cache=off)";
            }
            lines.add(line);
        }
        return lines;
    }

    /** Where the time of one batch size goes: the layers' chosen times, their share, and the sum against dense kernels. */
    private static String summary(int batch, List<KernelChoice> layers) {
        long chosen = 0, dense = 0;
        for (KernelChoice c : layers) {
            chosen += Math.max(0, c.nanos());
            dense += Math.max(0, c.denseNanos() > 0 ? c.denseNanos() : c.nanos());
        }
        StringBuilder shares = new StringBuilder();
        List<String> faster = new ArrayList<>();
        for (KernelChoice c : layers) {
            if (!shares.isEmpty()) shares.append(", ");
            shares.append(String.format(Locale.ROOT, "%s %.0f%%", c.layer(), chosen == 0 ? 0 : 100.0 * c.nanos() / chosen));
            if (c.speedup() >= NOISE) faster.add(c.layer());
        }
        return String.format(Locale.ROOT, "  batch %d: layer time %.1f us with these kernels vs %.1f us with dense kernels on the same weights "
                        + "(%.2fx); %s; time share: %s", batch, chosen / 1e3, dense / 1e3, chosen == 0 ? 1.0 : (double) dense / chosen,
                faster.isEmpty() ? "no layer faster than dense" : "faster than dense: " + String.join(", ", faster), shares);
    }

    private static String why(KernelChoice c) {
        String k = c.kernel().toLowerCase(Locale.ROOT);
        boolean gain = c.speedup() >= NOISE;
        String vs = c.denseNanos() > 0 && c.nanos() > 0 ? String.format(Locale.ROOT, "%.2fx vs dense on these weights: ", c.speedup()) : "";
        if (k.equals("im2col")) {
            return vs + "im2col + packed GEMM over all weights (a dense kernel, no sparsity used), faster than the direct dense convolution "
                    + "for this shape";
        }
        if (k.equals("direct")) return vs + "direct sparse convolution, one multiply-add per kept weight, no im2col copy";
        if (k.contains("int8")) return vs + "sparse rows of int8 codes: reads only the kept weights, one byte each";
        if (k.equals("compact")) return vs + "rows and columns without a kept weight dropped, a smaller dense product";
        if (k.startsWith("dense")) {
            return c.density() > 0.4 ? "dense: too many weights kept for a sparse format to pay"
                    : "dense: no sparse format beat the dense kernel at this size (memory-bound, or too few rows)";
        }
        return vs + "sparse format " + c.kernel() + ", reads only the kept weights and their positions" + (gain ? "" : " (no faster than dense here)");
    }
}
