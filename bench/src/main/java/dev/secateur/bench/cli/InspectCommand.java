package dev.secateur.bench.cli;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code secateur inspect}: per-layer table of a model file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model file's layers: output shape, parameters, non-zeros, FLOPs per image, bytes.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "model file (.safetensors)") Path file;
    @Option(names = "--json", description = "write the table as JSON to this file") Path json;
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    private final List<Map<String, Object>> rows = new ArrayList<>();

    @Override public Integer call() {
        return CliErrors.run(verbose, this::inspect);
    }

    private Integer inspect() throws Exception {
        // Reads plain model files and pruned/int8 compressed ones alike.
        CompressedModelFile.Loaded loaded = ModelInputs.load(file);
        Model m = loaded.model();
        TrainingInfo t = loaded.training() == null ? TrainingInfo.NONE
                : TrainingInfo.fromTree(Json.parseObject(loaded.training()));
        System.out.printf("%s: %s, input %s, %,d bytes on disk%n", file, Printable.of(m.architecture()), m.inputShape(), Files.size(file));
        if (!t.dataset().isEmpty()) {
            System.out.printf("trained on %s, %d epochs, batch %d, %s; test accuracy %.2f%%%n", Printable.of(t.dataset()), t.epochs(),
                    t.batchSize(), Printable.of(t.optimizer()), 100 * t.testAccuracy());
            System.out.println("command: " + Printable.of(t.command()));
        }
        System.out.printf("%-22s %-10s %-14s %10s %10s %8s %14s %12s%n", "layer", "type", "output", "params", "nonzero", "sparsity",
                "FLOPs", "bytes");
        Shape s = m.inputShape();
        for (Layer l : m.layers()) s = row(l, s, "");
        long p = m.parameterCount(), nz = m.nonZeroCount(), flops = 0, bytes = 0;
        for (Map<String, Object> r : rows) {
            if (r.get("depth").equals(0)) { flops += (Long) r.get("flops"); bytes += (Long) r.get("bytes"); }
        }
        System.out.printf("%-22s %-10s %-14s %,10d %,10d %7.1f%% %,14d %,12d%n", "total", "", s, p, nz, sparsity(p, nz), flops, bytes);
        if (json != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", m.architecture());
            j.put("file", file.toString());
            j.put("params", p);
            j.put("nonzero_params", nz);
            j.put("flops", flops);
            j.put("bytes", bytes);
            j.put("test_accuracy", Double.isNaN(t.testAccuracy()) ? null : t.testAccuracy());
            j.put("dataset", t.dataset());
            j.put("layers", rows);
            Json.writeFile(json, j);
        }
        return 0;
    }

    /** Prints one layer (and, indented, a residual block's children); returns its output shape. */
    private Shape row(Layer l, Shape in, String indent) {
        Shape out = l.outputShape(in);
        long p = 0, nz = 0, bytes = 0;
        for (Parameter q : l.parameters()) {
            p += q.size();
            nz += q.nonZeros();
            bytes += 4L * q.size() + (q.hasMask() ? q.size() : 0);
        }
        for (Parameter q : l.buffers()) bytes += 4L * q.size();
        long flops = 2 * l.macs(in);
        String name = indent + Printable.of(l.name());
        System.out.printf("%-22s %-10s %-14s %,10d %,10d %7.1f%% %,14d %,12d%n", name, l.spec().type(), out, p, nz, sparsity(p, nz), flops, bytes);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", l.name());
        r.put("type", l.spec().type());
        r.put("depth", indent.length() / 2);
        r.put("output", out.toArray());
        r.put("params", p);
        r.put("nonzero", nz);
        r.put("flops", flops);
        r.put("bytes", bytes);
        rows.add(r);
        if (l instanceof ResidualBlock b) {
            Shape x = in;
            for (Layer c : b.mainPath()) x = row(c, x, indent + "  ");
            x = in;
            for (Layer c : b.shortcutPath()) x = row(c, x, indent + "  ");
        }
        return out;
    }

    private static double sparsity(long p, long nz) { return p == 0 ? 0 : 100.0 * (p - nz) / p; }
}
