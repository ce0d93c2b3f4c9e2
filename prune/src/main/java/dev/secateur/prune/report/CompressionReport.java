package dev.secateur.prune.report;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.CompressionStep;
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
 * @param latencyMs1     median predict latency at batch 1 (NaN if not measured)
 * @param latencyMs64    median predict latency at batch 64 (NaN if not measured)
 * @param data           which data the accuracy was measured on
 * @param history        the compression history
 */
public record CompressionReport(String model, List<LayerFootprint> layers, long paramsTotal, long paramsNonZero,
                                long sizeBytes, long sizeBytesDense, double testAccuracy, double denseAccuracy,
                                double latencyMs1, double latencyMs64, String data, CompressionHistory history) {

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

    /** Kept fraction of dense/conv weights. */
    public double density() {
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
        m.put("latency_ms_batch1", num(latencyMs1));
        m.put("latency_ms_batch64", num(latencyMs64));
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
        sb.append(String.format("size on disk: %d bytes (dense float32 file: %d bytes, %.1fx smaller)%n", sizeBytes, sizeBytesDense,
                (double) sizeBytesDense / Math.max(1, sizeBytes)));
        if (Double.isFinite(testAccuracy)) {
            sb.append(String.format("test accuracy: %.2f%%", 100 * testAccuracy));
            if (Double.isFinite(denseAccuracy)) sb.append(String.format(" (dense %.2f%%, drop %.2f pp)", 100 * denseAccuracy, 100 * (denseAccuracy - testAccuracy)));
            sb.append(" on ").append(data).append('\n');
        }
        if (Double.isFinite(latencyMs1)) sb.append(String.format("latency: %.3f ms at batch 1, %.3f ms at batch 64%n", latencyMs1, latencyMs64));
        return sb.toString();
    }

    private static Object num(double d) { return Double.isFinite(d) ? d : null; }
}
