package dev.secateur.bench.suite;

import dev.secateur.prune.scoring.Criterion;
import dev.secateur.tensor.sparse.SparseFormat;
import dev.secateur.tensor.sparse.SparseFormats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a preset runs: the JMH steps and the accuracy sweep.
 * <ul>
 *   <li>{@code tiny}: one or two configurations per suite with 50 ms iterations and a two-point
 *       sweep — seconds; it proves the pipeline end to end, its numbers mean nothing.</li>
 *   <li>{@code quick}: every suite on a few sizes with short iterations (one fork) and a short
 *       sweep — about ten minutes on two cores; ratios are indicative.</li>
 *   <li>{@code full}: the measurement behind BENCHMARKS.md — two forks, 1 s iterations, every
 *       format, sparsity and shape, the whole test set and all schedules; hours.</li>
 * </ul>
 * Layer shapes beside the square ones: ResNet-50's 3×3 and 1×1 convolutions of stages 2 and 4
 * as GEMM shapes ({@code outC × inC·k²} times {@code H·W} columns: 3136 and 196), a
 * transformer's 768↔3072 feed-forward projections, and LeNet-300-100's first layer with masks
 * from magnitude pruning of its trained weights.
 *
 * @param spmmFormats the formats of the square SpMM step (every format that runs at the width)
 * @param exclusive   whether the run takes JMH's machine-wide lock (refusing to run beside another
 *                    JMH run); only {@code tiny}, whose numbers mean nothing, runs without it
 */
public record SuitePlan(String preset, List<JmhStep> steps, AccuracySweep sweep, List<String> spmmFormats, boolean exclusive) {
    public SuitePlan {
        steps = List.copyOf(steps);
        spmmFormats = List.copyOf(spmmFormats);
    }

    /** The names of the presets. */
    public static final List<String> PRESETS = List.of("tiny", "quick", "full");

    /** Estimated seconds of the JMH steps (the sweep is not estimated in advance; it reports its own progress). */
    public double estimateSeconds() {
        return steps.stream().mapToDouble(JmhStep::estimateSeconds).sum();
    }

    /**
     * The plan of {@code preset} at a vector width of {@code widthBits}; {@code extraFormats}
     * (registered names) join every SpMM step. {@code tiny} runs in this JVM (no forks) unless
     * the width is not the default, which needs forks with the width flags.
     */
    public static SuitePlan of(String preset, int widthBits, boolean defaultWidth, List<String> extraFormats, Path dataDir) {
        List<String> here = formatsAt(widthBits);
        return switch (preset) {
            case "tiny" -> tiny(defaultWidth ? 0 : 1, extraFormats, dataDir);
            case "quick" -> quick(here, extraFormats, dataDir);
            case "full" -> full(here, extraFormats, dataDir);
            default -> throw new IllegalArgumentException("unknown preset '" + preset + "'; known: " + PRESETS);
        };
    }

    /**
     * Registered formats whose kernels are SIMD at {@code widthBits} (both N:M formats as the
     * benchmark's {@code nm24}), plus the timed choice {@code auto}.
     */
    static List<String> formatsAt(int widthBits) {
        List<String> out = new ArrayList<>();
        for (SparseFormat f : SparseFormats.all()) {
            if (!f.runsHere() || (f.lanes() != 0 && f.lanes() * 32 > widthBits)) continue;
            String name = f.name().startsWith("nm") ? "nm24" : f.name();
            if (!out.contains(name)) out.add(name);
        }
        return out;
    }

    private static List<String> with(List<String> formats, List<String> extra) {
        List<String> out = new ArrayList<>(formats);
        for (String e : extra) if (!out.contains(e)) out.add(e);
        return out;
    }

    private static Map<String, List<String>> params(String... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], List.of(kv[i + 1].split(" ")));
        return m;
    }

    private static Map<String, List<String>> spmm(List<String> formats, String sparsity, String batch, String shape, String mask) {
        Map<String, List<String>> m = params("sparsity", sparsity, "batch", batch, "shape", shape, "mask", mask, "threads", "1");
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("format", formats);
        out.putAll(m);
        return out;
    }

    private static SuitePlan tiny(int f, List<String> extra, Path data) {
        int wi = 1, wt = 50, it = 2, itt = 50;
        List<String> formats = with(List.of("dense", "csr"), extra);
        List<JmhStep> s = List.of(
                new JmhStep("gemm", "GemmBenchmark", List.of("sgemm"), params("impl", "secateur openblas", "size", "64", "threads", "1"), f, wi, wt, it, itt, false),
                new JmhStep("magnitude", "MagnitudeBenchmark", List.of("vector"), params("shape", "filters256x256x3x3"), f, wi, wt, it, itt, false),
                new JmhStep("spmm-square", "SpmmBenchmark", List.of("multiply"), spmm(formats, "0.5 0.9", "1", "64x64", "random"), f, wi, wt, it, itt, false),
                new JmhStep("conv", "ConvBenchmark", List.of("forward"), params("layer", "6x14x14-16k5s1p0-b64", "threads", "1"), f, wi, wt, it, itt, false),
                new JmhStep("model", "ModelBenchmark", List.of("infer"), params("model", "lenet300", "impl", "model", "batch", "1", "threads", "1"), f, wi, wt, it, itt, false));
        AccuracySweep sweep = new AccuracySweep(List.of("lenet300"), List.of(Criterion.L1, Criterion.RANDOM),
                List.of(AccuracySweep.Schedule.ONE_SHOT), List.of(0.5, 0.1), 500, 500, data);
        return new SuitePlan("tiny", s, sweep, formats, false);
    }

    private static SuitePlan quick(List<String> here, List<String> extra, Path data) {
        int f = 1, wi = 2, wt = 200, it = 3, itt = 200;
        List<String> all = with(here.stream().filter(n -> !n.equals("auto") && !n.equals("int8csr")).toList(), extra);
        List<String> few = with(List.of("dense", "csr", "pcsr", "bsr4x1", "wsell16").stream().filter(here::contains).toList(), extra);
        List<JmhStep> s = new ArrayList<>();
        s.add(new JmhStep("gemm", "GemmBenchmark", List.of("sgemm"), params("impl", "secateur openblas", "size", "128 256 512 1024", "threads", "1"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("magnitude", "MagnitudeBenchmark", List.of("vector", "scalar"), params("shape", "filters256x256x3x3 rows4096x4096"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-square", "SpmmBenchmark", List.of("multiply"), spmm(all, "0.7 0.9 0.95", "1 64", "1024x1024", "random"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-lenet300", "SpmmBenchmark", List.of("multiply"), spmm(few, "0.9 0.95", "1 64", "300x784", "magnitude"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-resnet50-56", "SpmmBenchmark", List.of("multiply"), spmm(few, "0.7 0.9", "3136", "64x576 256x64", "random"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-transformer", "SpmmBenchmark", List.of("multiply"), spmm(few, "0.9", "1 128", "3072x768", "random"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("conv", "ConvBenchmark", List.of("forward"), params("layer", "1x28x28-6k5s1p0-b64 6x14x14-16k5s1p0-b64 32x14x14-64k3s1p1-b64 64x7x7-128k3s1p1-b64", "threads", "1"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("conv-sparse", "ConvSparseBenchmark", List.of("conv"), params("format", "dense csr direct", "layer", "lenet5c2 vgg64", "sparsity", "0.9", "threads", "1"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("model", "ModelBenchmark", List.of("infer"), params("model", "lenet300 lenet5", "impl", "compiled-dense compiled", "batch", "1", "threads", "1"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("model-ort", "OrtModelBenchmark", List.of(), Map.of(), f, wi, wt, it, itt, true));
        AccuracySweep sweep = new AccuracySweep(List.of("lenet300", "lenet5"), List.of(Criterion.L1, Criterion.L1_PLUS_BIAS, Criterion.RANDOM),
                List.of(AccuracySweep.Schedule.ONE_SHOT, AccuracySweep.Schedule.ONE_SHOT_FT), List.of(0.3, 0.1, 0.05), 2000, 6000, data);
        return new SuitePlan("quick", s, sweep, all, true);
    }

    private static SuitePlan full(List<String> here, List<String> extra, Path data) {
        int f = 2, wi = 3, wt = 1000, it = 5, itt = 1000;
        List<String> all = with(here, extra);
        List<String> real = with(List.of("dense", "csr", "pcsr", "bsr4x1", "bitmap16", "wsell16", "auto").stream().filter(here::contains).toList(), extra);
        String sparsities = "0.0 0.5 0.7 0.8 0.9 0.95 0.98";
        List<JmhStep> s = new ArrayList<>();
        s.add(new JmhStep("gemm", "GemmBenchmark", List.of("sgemm"), params("impl", "secateur openblas", "size", "128 256 512 1024 2048", "threads", "1 2"), f, 4, 2000, 5, 2000, false));
        s.add(new JmhStep("magnitude", "MagnitudeBenchmark", List.of("vector", "vectorWithBias", "scalar", "copy"), params("shape", "filters256x256x3x3 rows4096x4096"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-square", "SpmmBenchmark", List.of("multiply"), spmm(all, sparsities, "1 64", "1024x1024 4096x4096", "random block"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-lenet300", "SpmmBenchmark", List.of("multiply"), spmm(real, "0.8 0.9 0.95 0.98", "1 64", "300x784", "magnitude"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-resnet50-56", "SpmmBenchmark", List.of("multiply"), spmm(real, "0.5 0.7 0.9 0.95", "3136", "64x576 256x64 64x256", "random magnitude"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-resnet50-14", "SpmmBenchmark", List.of("multiply"), spmm(real, "0.5 0.7 0.9 0.95", "196", "256x2304 1024x256 256x1024", "random magnitude"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("spmm-transformer", "SpmmBenchmark", List.of("multiply"), spmm(real, "0.5 0.7 0.9 0.95", "1 128", "3072x768 768x3072", "random magnitude"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("conv", "ConvBenchmark", List.of("forward", "backwardWeights", "backwardInput"), params("layer", "1x28x28-6k5s1p0-b64 6x14x14-16k5s1p0-b64 32x14x14-64k3s1p1-b64 64x7x7-128k3s1p1-b64", "threads", "1 2"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("conv-sparse", "ConvSparseBenchmark", List.of("conv"), params("format", "dense csr bsr4x1 bitmap16 sell16 auto direct", "layer", "lenet5c2 vgg64 vgg128", "sparsity", "0.9", "threads", "1"), f, wi, wt, it, itt, false));
        s.add(new JmhStep("model", "ModelBenchmark", List.of("infer"), params("model", "lenet300 lenet5", "impl", "model compiled-dense compiled", "batch", "1 64", "threads", "1"), f, 4, 2000, 5, 2000, false));
        s.add(new JmhStep("model-ort", "OrtModelBenchmark", List.of(), Map.of(), f, 4, 2000, 5, 2000, true));
        AccuracySweep sweep = new AccuracySweep(List.of("lenet300", "lenet5"), List.of(Criterion.L1, Criterion.L2, Criterion.L1_PLUS_BIAS, Criterion.MAX_PLUS_BIAS, Criterion.RANDOM),
                List.of(AccuracySweep.Schedule.values()), List.of(0.5, 0.3, 0.2, 0.1, 0.05, 0.02), 0, 0, data);
        return new SuitePlan("full", s, sweep, all, true);
    }
}
