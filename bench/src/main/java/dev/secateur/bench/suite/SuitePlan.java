package dev.secateur.bench.suite;

import dev.secateur.prune.scoring.Criterion;
import dev.secateur.tensor.sparse.SparseFormat;
import dev.secateur.tensor.sparse.SparseFormats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a preset runs: the JMH steps and the accuracy sweep, each with an estimate of its time
 * ({@link #describe()} is what {@code secateur suite --dry-run} prints; the ETA starts from the
 * same estimate and is then scaled by how fast the run actually goes).
 * <ul>
 *   <li>{@code tiny}: one or two configurations per suite with 50 ms iterations and a two-point
 *       sweep — seconds; it proves the pipeline end to end, its numbers mean nothing.</li>
 *   <li>{@code quick}: every suite on a few sizes with short iterations (one fork) and a short
 *       sweep — about ten minutes on two cores; ratios are indicative.</li>
 *   <li>{@code full}: the measurement behind BENCHMARKS.md, sized to about 45 minutes on two
 *       cores. Every configuration gets a fresh JVM; most run in one fork with 2 × 0.5 s of
 *       warm-up (the SpMM benchmark first runs its product until the JIT is quiet: a 4096² batch-64
 *       call can start in C1 code for seconds) and 5 × 0.5 s of measurement (1 s iterations for
 *       SGEMM and whole models): five
 *       iterations, because JMH's 99.9% error uses Student's t, which is 31.6 standard errors
 *       with three iterations and 8.6 with five. Two forks only where one JVM's code layout can differ from the next's: the
 *       batch-1 dense GEMV of the 4096² SpMM sweep, every speed-up's denominator. Choices:
 *       SGEMM against OpenBLAS at 256–2048, one and two threads; the magnitude sums against a
 *       copy of the same bytes; SpMM at 4096² (random masks, batch 1 and 64)
 *       at 70–95% with every format that runs at the width (N:M at 50%, its only sparsity); real layer shapes with six
 *       formats (dense, CSR, panel CSR, 4×1 blocks, the widest windowed SELL, the timed
 *       choice): LeNet-300-100's first layer with magnitude masks of its trained weights,
 *       ResNet-50's 3×3 and 1×1 convolutions as GEMM shapes, a transformer's 768↔3072
 *       projections; dense convolution forward and backward (forward also on two threads);
 *       sparse convolution at 90%; whole models compiled vs dense-only vs the training-time
 *       path, and against ONNX Runtime when its jar is on the class path (LeNet-300-100 and LeNet-5
 *       dense and pruned; the small VGG dense, pruned and filter-pruned + compacted); the accuracy sweep on
 *       the whole test set with fine-tuning on 12,000 training images (three criteria, four
 *       schedules, five densities: minutes, not hours).</li>
 * </ul>
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

    /** Estimated seconds of the JMH steps and the accuracy sweep: what the dry run prints and the ETA starts from. */
    public double estimateSeconds() {
        return steps.stream().mapToDouble(JmhStep::estimateSeconds).sum() + sweep.estimateSeconds();
    }

    /** Benchmark configurations of the JMH steps (one per configuration, not per fork). */
    public int configurations() {
        return steps.stream().mapToInt(JmhStep::configurations).sum();
    }

    /** The dry run's text: every step with its parameters, forks and estimate, the sweep, the total. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "preset %s: %d JMH steps, %d benchmark configurations, %d accuracy points%n",
                preset, steps.size(), configurations(), sweep.points()));
        for (JmhStep s : steps) {
            sb.append("  ").append(s.describe()).append('\n');
            sb.append("      methods ").append(s.methods().isEmpty() ? "all" : String.join(",", s.methods()));
            for (var e : s.params().entrySet()) sb.append("; ").append(e.getKey()).append('=').append(String.join(",", e.getValue()));
            if (s.requires() != null) sb.append("; needs ").append(s.requires());
            sb.append('\n');
        }
        sb.append(String.format(Locale.ROOT, "  %-20s %d models x %d criteria x %d schedules x %d densities (+ dense), %s test images, %s training images = %s%n",
                "accuracy sweep", sweep.models().size(), sweep.criteria().size(), sweep.schedules().size(), sweep.densities().size(),
                sweep.testImages() <= 0 ? "all" : String.valueOf(sweep.testImages()), sweep.trainImages() <= 0 ? "all" : String.valueOf(sweep.trainImages()),
                SuiteProgress.duration(sweep.estimateSeconds())));
        sb.append(String.format(Locale.ROOT, "estimated total: %s (JMH %s + accuracy sweep %s)%n", SuiteProgress.duration(estimateSeconds()),
                SuiteProgress.duration(estimateSeconds() - sweep.estimateSeconds()), SuiteProgress.duration(sweep.estimateSeconds())));
        return sb.toString();
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
     * benchmark's {@code nm24}); the benchmark adds {@code auto}, the timed choice.
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
                new JmhStep("model", "ModelBenchmark", List.of("infer"), params("model", "lenet300", "impl", "model", "batch", "1", "threads", "1"), f, wi, wt, it, itt, false),
                ort(f, wi, wt, it, itt).withParams(params("model", "lenet300", "impl", "secateur onnxruntime", "batch", "1", "weights", "dense")));
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
        s.add(new JmhStep("model", "ModelBenchmark", List.of("infer"), params("model", "lenet300 lenet5", "impl", "compiled-dense compiled", "batch", "1", "threads", "1"), f, wi, wt, it, itt, false).withSetup(5));
        s.add(ort(f, wi, wt, it, itt).withSetup(4));
        AccuracySweep sweep = new AccuracySweep(List.of("lenet300", "lenet5"), List.of(Criterion.L1, Criterion.L1_PLUS_BIAS, Criterion.RANDOM),
                List.of(AccuracySweep.Schedule.ONE_SHOT, AccuracySweep.Schedule.ONE_SHOT_FT), List.of(0.3, 0.1, 0.05), 2000, 6000, data);
        return new SuitePlan("quick", s, sweep, all, true);
    }

    private static SuitePlan full(List<String> here, List<String> extra, Path data) {
        int wi = 2, wt = 500, it = 5, itt = 500;
        List<String> square = with(Stream.concat(here.stream().filter(n -> !n.equals("dense") && !n.equals("nm24")), Stream.of("auto")).distinct().toList(), extra);
        List<String> real = with(Stream.concat(Stream.of("dense", "csr", "pcsr", "bsr4x1", widestWsell(here)).filter(here::contains), Stream.of("auto")).toList(), extra);
        List<String> all = with(here, extra);
        String sparsities = "0.7 0.9 0.95";
        String denseSparsities = "0.5 " + sparsities; // 50% for N:M
        double big = 5.5; // seconds to build a 4096² weight and its format in a fork (the timed choice calibrates too)
        List<JmhStep> s = new ArrayList<>();
        s.add(new JmhStep("gemm", "GemmBenchmark", List.of("sgemm"), params("impl", "secateur openblas", "size", "256 512 1024 2048", "threads", "1 2"), 1, 2, 1000, 5, 1000, false).withSetup(0.5));
        s.add(new JmhStep("magnitude", "MagnitudeBenchmark", List.of("vector", "scalar", "copy"), params("shape", "filters256x256x3x3 rows4096x4096"), 1, wi, wt, it, itt, false).withSetup(0.5));
        s.add(new JmhStep("spmm-square-dense1", "SpmmBenchmark", List.of("multiply"), spmm(List.of("dense"), denseSparsities, "1", "4096x4096", "random"), 2, wi, wt, it, itt, false).withSetup(big));
        s.add(new JmhStep("spmm-square-dense64", "SpmmBenchmark", List.of("multiply"), spmm(List.of("dense"), denseSparsities, "64", "4096x4096", "random"), 1, wi, wt, it, itt, false).withSetup(big));
        s.add(new JmhStep("spmm-square", "SpmmBenchmark", List.of("multiply"), spmm(square, sparsities, "1 64", "4096x4096", "random"), 1, wi, wt, it, itt, false).withSetup(big));
        if (here.contains("nm24")) {
            s.add(new JmhStep("spmm-square-nm24", "SpmmBenchmark", List.of("multiply"), spmm(List.of("nm24"), "0.5", "1 64", "4096x4096", "random"), 1, wi, wt, it, itt, false).withSetup(big));
        }
        s.add(new JmhStep("spmm-lenet300", "SpmmBenchmark", List.of("multiply"), spmm(real, "0.8 0.9 0.95", "1 64", "300x784", "magnitude"), 1, wi, wt, it, itt, false).withSetup(0.5));
        s.add(new JmhStep("spmm-resnet50-56", "SpmmBenchmark", List.of("multiply"), spmm(real, "0.7 0.9", "3136", "64x576 256x64", "random"), 1, wi, wt, it, itt, false).withSetup(0.5));
        s.add(new JmhStep("spmm-resnet50-14", "SpmmBenchmark", List.of("multiply"), spmm(real, "0.7 0.9", "196", "256x2304 1024x256", "random"), 1, wi, wt, it, itt, false).withSetup(0.5));
        s.add(new JmhStep("spmm-transformer", "SpmmBenchmark", List.of("multiply"), spmm(real, "0.7 0.9", "1 128", "3072x768 768x3072", "random"), 1, wi, wt, it, itt, false).withSetup(0.5));
        s.add(new JmhStep("conv", "ConvBenchmark", List.of("forward", "backwardWeights", "backwardInput"), params("layer", CONV_LAYERS, "threads", "1"), 1, wi, wt, it, itt, false).withSetup(0.5));
        s.add(new JmhStep("conv-2t", "ConvBenchmark", List.of("forward"), params("layer", CONV_LAYERS, "threads", "2"), 1, wi, wt, it, itt, false).withSetup(0.5));
        s.add(new JmhStep("conv-sparse", "ConvSparseBenchmark", List.of("conv"), params("format", "dense csr bsr4x1 auto direct", "layer", "lenet5c2 vgg64 vgg128", "sparsity", "0.9", "threads", "1"), 1, wi, wt, it, itt, false).withSetup(1));
        s.add(new JmhStep("model", "ModelBenchmark", List.of("infer"), params("model", "lenet300 lenet5", "impl", "model compiled-dense compiled", "batch", "1 64", "threads", "1"), 1, wi, 1000, it, 1000, false).withSetup(5));
        s.add(ort(1, wi, 1000, it, 1000).withSetup(4));
        s.add(new JmhStep("model-ort-vgg", "OrtModelBenchmark", List.of("infer"),
                params("model", "vgg", "impl", "secateur onnxruntime", "batch", "1 64", "weights", "dense pruned filtered"),
                1, wi, 1000, it, 1000, true, 0, ORT_CLASS).withSetup(6));
        AccuracySweep sweep = new AccuracySweep(List.of("lenet300", "lenet5"), List.of(Criterion.L1, Criterion.L1_PLUS_BIAS, Criterion.RANDOM),
                List.of(AccuracySweep.Schedule.values()), List.of(0.5, 0.2, 0.1, 0.05, 0.02), 0, 12_000, data);
        return new SuitePlan("full", s, sweep, all, true);
    }

    private static final String CONV_LAYERS = "1x28x28-6k5s1p0-b64 6x14x14-16k5s1p0-b64 32x14x14-64k3s1p1-b64 64x7x7-128k3s1p1-b64";

    /** The widest of the windowed SELL formats that runs at this width. */
    private static String widestWsell(List<String> here) {
        for (String w : List.of("wsell16", "wsell8", "wsell4")) if (here.contains(w)) return w;
        return "csr";
    }

    /** Compiled models against ONNX Runtime on the same weights; run only when ONNX Runtime is on the class path. */
    private static JmhStep ort(int forks, int wi, int wt, int it, int itt) {
        return new JmhStep("model-ort", "OrtModelBenchmark", List.of("infer"),
                params("model", "lenet300 lenet5", "impl", "secateur onnxruntime", "batch", "1 64", "weights", "dense pruned blocked"),
                forks, wi, wt, it, itt, true, 0, ORT_CLASS);
    }

    /** A class of ONNX Runtime's Java API: its presence means the runtime's jar is on the class path. */
    static final String ORT_CLASS = "ai.onnxruntime.OrtEnvironment";
}
