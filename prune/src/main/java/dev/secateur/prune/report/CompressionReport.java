package dev.secateur.prune.report;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionStep;
import dev.secateur.nn.compressed.OriginalModel;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's three objectives side by side for one model: size (parameters, non-zeros, bytes
 * dense / sparse / sparse+int8 and the real file size), speed (FLOPs dense and effective,
 * measured latency) and accuracy (test, and the dense model's from the history).
 *
 * @param model          architecture name
 * @param layers         per dense/conv layer footprints
 * @param paramsTotal    all parameters (BatchNorm included)
 * @param paramsNonZero  non-zero parameters
 * @param sizeBytes      bytes of the model file on disk (as saved, compressed encodings included)
 * @param sizeBytesDense bytes of the same model as a dense float32 file
 * @param testAccuracy   test accuracy (NaN if not measured)
 * @param denseAccuracy  the dense model's accuracy (from the history, else NaN)
 * @param latency1       predict latency at batch 1 ({@link Latency#NONE} if not measured)
 * @param latency64      predict latency at batch 64
 * @param data           which data the accuracy was measured on
 * @param history        the compression history; its {@link OriginalModel}, when recorded, is
 *                       the baseline of every ratio (not the model as it is now)
 */
public record CompressionReport(String model, List<LayerFootprint> layers, long paramsTotal, long paramsNonZero,
                                long sizeBytes, long sizeBytesDense, double testAccuracy, double denseAccuracy,
                                Latency latency1, Latency latency64, String data, CompressionHistory history) {

    public CompressionReport {
        latency1 = latency1 == null ? Latency.NONE : latency1;
        latency64 = latency64 == null ? Latency.NONE : latency64;
    }

    /**
     * The report of {@code m} as saved in a file of {@code fileBytes}; the dense baseline comes
     * from the history's original model when recorded, else from {@code m} itself.
     */
    public static CompressionReport of(Model m, long fileBytes, double accuracy, CompressionHistory history, String data,
                                       Latency latency1, Latency latency64) {
        OriginalModel o = history.original();
        long denseBytes = o != null && o.denseBytes() > 0 ? o.denseBytes() : CompressedModelFile.denseBytes(m);
        return new CompressionReport(m.architecture(), footprints(m), m.parameterCount(), m.nonZeroCount(), fileBytes, denseBytes,
                accuracy, history.denseAccuracy(), latency1, latency64, data, history);
    }

    /** Median latency at batch 1 in ms (NaN if not measured). */
    public double latencyMs1() { return latency1.medianMs(); }

    /** Median latency at batch 64 in ms (NaN if not measured). */
    public double latencyMs64() { return latency64.medianMs(); }

    /** Kept fraction of the original dense model's prunable weights (compaction counts as pruning). */
    public double densityVsOriginal() {
        OriginalModel o = history.original();
        long nz = layers.stream().mapToLong(LayerFootprint::weightsNonZero).sum();
        return o == null || o.prunableWeights() == 0 ? layerDensity() : (double) nz / o.prunableWeights();
    }

    /** Footprints of every dense and conv layer of {@code model} (residual blocks included). */
    public static List<LayerFootprint> footprints(Model model) {
        List<LayerFootprint> out = new ArrayList<>();
        walk(model.layers(), model.inputShape(), out);
        return out;
    }

    private static Shape walk(List<Layer> layers, Shape in, List<LayerFootprint> out) {
        Shape s = in;
        for (Layer l : layers) {
            switch (l) {
                case Dense d -> {
                    long nz = d.weight().nonZeros();
                    out.add(new LayerFootprint(d.name(), "dense", d.weight().size(), d.bias().size(), nz, 2L * d.weight().size(), 2L * nz));
                }
                case Conv2d c -> {
                    Shape o = c.outputShape(s);
                    long positions = (long) o.dim(1) * o.dim(2);
                    long nz = c.weight().nonZeros();
                    out.add(new LayerFootprint(c.name(), "conv2d", c.weight().size(), c.bias().size(), nz,
                            2L * c.weight().size() * positions, 2L * nz * positions));
                }
                case ResidualBlock r -> {
                    walk(r.mainPath(), s, out);
                    walk(r.shortcutPath(), s, out);
                }
                default -> { }
            }
            s = l.outputShape(s);
        }
        return s;
    }

    public long flopsDense() { return layers.stream().mapToLong(LayerFootprint::flopsDense).sum(); }

    public long flops() { return layers.stream().mapToLong(LayerFootprint::flopsEffective).sum(); }

    /** Kept fraction of the original dense model's prunable weights when recorded, else {@link #layerDensity()}. */
    public double density() {
        return densityVsOriginal();
    }

    /** Kept fraction of the dense/conv weights the model has now. */
    public double layerDensity() {
        long w = layers.stream().mapToLong(LayerFootprint::weights).sum();
        long nz = layers.stream().mapToLong(LayerFootprint::weightsNonZero).sum();
        return w == 0 ? 1.0 : (double) nz / w;
    }

    /** The JSON result (keys documented in docs/bench/prune.md). */
    public Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("data", data);
        m.put("test_accuracy", num(testAccuracy));
        m.put("accuracy_dense", num(denseAccuracy));
        m.put("accuracy_drop_pp", Double.isFinite(testAccuracy) && Double.isFinite(denseAccuracy) ? 100 * (denseAccuracy - testAccuracy) : null);
        m.put("density", density());
        m.put("compression", density() == 0 ? null : 1 / density());
        m.put("params_nonzero", paramsNonZero);
        m.put("params_total", paramsTotal);
        m.put("size_bytes", sizeBytes);
        m.put("size_bytes_dense", sizeBytesDense);
        m.put("size_ratio", sizeBytes == 0 ? null : (double) sizeBytesDense / sizeBytes);
        m.put("bytes_sparse_fp32", layers.stream().mapToLong(LayerFootprint::bytesSparse).sum());
        m.put("bytes_sparse_int8", layers.stream().mapToLong(LayerFootprint::bytesSparseInt8).sum());
        m.put("flops", flops());
        m.put("flops_dense", flopsDense());
        m.put("latency_ms_batch1", num(latencyMs1()));
        m.put("latency_ms_batch64", num(latencyMs64()));
        m.put("latency_batch1", latencyTree(latency1));
        m.put("latency_batch64", latencyTree(latency64));
        OriginalModel o = history.original();
        if (o != null) {
            Map<String, Object> orig = new LinkedHashMap<>();
            orig.put("architecture", o.architecture());
            orig.put("params", o.params());
            orig.put("prunable_weights", o.prunableWeights());
            orig.put("flops", o.flops());
            orig.put("dense_bytes", o.denseBytes());
            orig.put("accuracy", num(o.accuracy()));
            m.put("original", orig);
            m.put("compression_vs_original", densityVsOriginal() == 0 ? null : 1 / densityVsOriginal());
            m.put("flops_reduction_vs_original", o.flops() == 0 ? null : 1.0 - (double) flops() / o.flops());
        }
        List<Object> ls = new ArrayList<>();
        for (LayerFootprint f : layers) ls.add(f.toTree());
        m.put("layers", ls);
        List<Object> h = new ArrayList<>();
        for (CompressionStep s : history.steps()) h.add(s.toTree());
        m.put("history", h);
        return m;
    }

    /** A text table for the terminal. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %-7s %10s %10s %8s %12s %12s %11s %11s %11s%n", "layer", "type", "weights", "nonzero", "density",
                "FLOPs dense", "FLOPs eff.", "B fp32", "B sparse", "B sp+int8"));
        for (LayerFootprint f : layers) {
            sb.append(String.format("%-12s %-7s %10d %10d %7.2f%% %12d %12d %11d %11d %11d%n", f.name(), f.type(), f.weights(),
                    f.weightsNonZero(), 100 * f.density(), f.flopsDense(), f.flopsEffective(), f.bytesDense(), f.bytesSparse(), f.bytesSparseInt8()));
        }
        sb.append(String.format("total: params %d, non-zero %d, weight density %.2f%% (%.1fx), FLOPs %d of %d dense (%.1f%%)%n",
                paramsTotal, paramsNonZero, 100 * density(), 1 / Math.max(density(), 1e-12), flops(), flopsDense(),
                100.0 * flops() / Math.max(1, flopsDense())));
        OriginalModel o = history.original();
        sb.append(String.format("size on disk: %d bytes (%s dense float32 file: %d bytes, %.1fx smaller)%n", sizeBytes,
                o != null ? "the original" : "as a", sizeBytesDense, (double) sizeBytesDense / Math.max(1, sizeBytes)));
        if (o != null) {
            long nz = layers.stream().mapToLong(LayerFootprint::weightsNonZero).sum();
            sb.append(String.format("vs the original dense %s: weights %d -> %d non-zero (%.1fx compression), params %d -> %d, FLOPs %d -> %d (%.1f%% fewer)%n",
                    o.architecture(), o.prunableWeights(), nz, 1 / Math.max(densityVsOriginal(), 1e-12), o.params(), paramsTotal, o.flops(), flops(),
                    o.flops() == 0 ? 0.0 : 100.0 * (1.0 - (double) flops() / o.flops())));
        }
        List<CompressionStep> steps = history.steps();
        if (!steps.isEmpty()) {
            CompressionStep last = steps.getLast();
            double before = steps.size() > 1 && Double.isFinite(steps.get(steps.size() - 2).density()) ? steps.get(steps.size() - 2).density() : 1.0;
            sb.append(String.format("since the last step (%s%s): density %.2f%% -> %.2f%%, accuracy %s -> %s%n", last.kind(),
                    last.schedule().isEmpty() ? "" : " " + last.schedule(), 100 * before, 100 * last.density(),
                    pct(last.accuracyBefore()), pct(last.accuracyAfter())));
        }
        if (Double.isFinite(testAccuracy)) {
            sb.append(String.format("test accuracy: %.2f%%", 100 * testAccuracy));
            if (Double.isFinite(denseAccuracy)) sb.append(String.format(" (dense %.2f%%, drop %.2f pp)", 100 * denseAccuracy, 100 * (denseAccuracy - testAccuracy)));
            sb.append(" on ").append(data).append('\n');
        }
        if (latency1.measured()) sb.append("latency batch 1: ").append(latency1.describe()).append('\n');
        if (latency64.measured()) sb.append("latency batch 64: ").append(latency64.describe()).append('\n');
        return sb.toString();
    }

    private static String pct(double f) {
        return Double.isFinite(f) ? String.format("%.2f%%", 100 * f) : "-";
    }

    private static Object latencyTree(Latency l) {
        if (!l.measured()) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_ms", l.medianMs());
        m.put("q1_ms", l.q1Ms());
        m.put("q3_ms", l.q3Ms());
        m.put("calls", l.calls());
        return m;
    }

    private static Object num(double d) { return Double.isFinite(d) ? d : null; }
}
