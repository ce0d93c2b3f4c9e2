package dev.secateur.bench.cli.demo;

import dev.secateur.nn.compiled.KernelChoice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which layers of the compressed model got faster, and why: per layer and batch size the kernel
 * the compiled model measured fastest on that layer's weights, its time against the dense
 * kernel on the same weights, and the reason that kernel wins (or why dense stayed).
 */
public final class LayerSpeed {
    private LayerSpeed() {}

    /** One line per layer and batch size. */
    public static List<String> explain(List<KernelChoice> choices) {
        List<String> lines = new ArrayList<>();
        for (KernelChoice c : choices) {
            lines.add(String.format(Locale.ROOT, "  %-6s batch %-2d %5.1f%% of weights kept: %-10s %s", c.layer(), c.batch(), 100 * c.density(),
                    c.kernel(), why(c)));
        }
        return lines;
    }

    private static String why(KernelChoice c) {
        String k = c.kernel().toLowerCase(Locale.ROOT);
        String vs = c.denseNanos() > 0 && c.nanos() > 0 ? String.format(Locale.ROOT, "%.2fx vs dense on these weights: ", c.speedup()) : "";
        if (k.contains("direct")) return vs + "direct sparse convolution, one multiply-add per kept weight, no im2col copy";
        if (k.contains("int8")) return vs + "int8 codes, a quarter of the weight bytes to read";
        if (k.contains("compact")) return vs + "pruned filters/channels removed, a smaller dense product";
        if (k.equals("dense") || k.startsWith("dense")) {
            return c.density() > 0.4 ? "dense: too many weights kept for a sparse format to pay"
                    : "dense: no sparse format beat the dense kernel at this size (memory-bound, or too few rows)";
        }
        return vs + "sparse format, reads only the kept weights and their positions";
    }
}
