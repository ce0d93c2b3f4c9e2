package dev.secateur.nn.torch;

import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.JsonException;
import dev.secateur.nn.io.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON description of a layer list, the architecture half of a PyTorch import:
 *
 * <pre>{@code
 * {"architecture": "mycnn", "input": [1, 28, 28], "layers": [
 *   {"type": "conv2d", "name": "conv1", "in_channels": 1, "out_channels": 8, "kernel": 3, "padding": 1, "torch": "features.0"},
 *   {"type": "batchnorm", "channels": 8, "torch": "features.1"},
 *   {"type": "relu"}, {"type": "maxpool2d", "kernel": 2},
 *   {"type": "flatten"},
 *   {"type": "dense", "name": "fc", "in": 1568, "out": 10, "torch": "classifier"}]}
 * }</pre>
 *
 * It is the {@code architecture} entry of a Secateur model file with defaults filled in:
 * {@code name} (type + position), conv {@code kernel} for {@code kernel_h}/{@code kernel_w},
 * {@code stride} 1 and {@code padding} 0, pooling {@code stride} = {@code kernel}, batchnorm
 * {@code eps} 1e-5 and {@code momentum} 0.1 (PyTorch's defaults), dropout {@code p} 0.5;
 * {@code architecture} defaults to the file name. The optional {@code torch} entry of a layer
 * names the PyTorch module that holds its tensors (see {@link TorchNames}). Residual blocks are
 * {@code {"type": "residual", "main": [...], "shortcut": [...]}}.
 */
public final class ArchitectureDescription {
    /** Largest description file read (a layer list is a few KiB). */
    public static final long MAX_BYTES = 4L << 20;

    private ArchitectureDescription() {}

    /** A built model and the PyTorch module names its description gave, by Secateur layer name. */
    public record Built(Model model, Map<String, String> torchNames) {}

    /**
     * Reads and builds the described model; {@code maxParameterBytes} bounds what its layers may
     * allocate (the state dict's tensor data), checked before any layer is built.
     */
    public static Built read(Path file, long maxParameterBytes) throws IOException {
        String src = file.toString();
        if (!Files.isRegularFile(file)) throw new ModelFormatException(src, -1, "architecture description is not a regular file");
        long size = Files.size(file);
        if (size > MAX_BYTES) throw new ModelFormatException(src, -1, "architecture description of " + size + " bytes (at most " + MAX_BYTES + ")");
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(Files.readString(file), stem, src, maxParameterBytes);
    }

    /** Like {@link #read}, from the JSON text; {@code defaultName} is used when it has no {@code architecture}. */
    public static Built parse(String json, String defaultName, String src, long maxParameterBytes) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (JsonException e) {
            throw new ModelFormatException(src, -1, "architecture description is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, String> torch = new LinkedHashMap<>();
        Map<String, Object> normalized = new LinkedHashMap<>();
        try {
            Object name = root.getOrDefault("architecture", defaultName);
            if (!(name instanceof String)) throw new IllegalArgumentException("\"architecture\" must be a string");
            normalized.put("architecture", name);
            normalized.put("input", root.get("input"));
            if (!(root.get("layers") instanceof List<?> layers)) throw new IllegalArgumentException("missing \"layers\" list");
            normalized.put("layers", layerList(layers, "", torch, new int[] {0}));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ModelFormatException(src, -1, "invalid architecture description: " + e.getMessage(), e);
        }
        Model model = ModelFile.buildArchitecture(src, Json.write(normalized), maxParameterBytes);
        return new Built(model, torch);
    }

    private static List<Object> layerList(List<?> layers, String prefix, Map<String, String> torch, int[] count) {
        if (layers.size() > ModelFile.MAX_LAYERS) throw new IllegalArgumentException(layers.size() + " layers (at most " + ModelFile.MAX_LAYERS + ")");
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (++count[0] > ModelFile.MAX_LAYERS) throw new IllegalArgumentException("more than " + ModelFile.MAX_LAYERS + " layers");
            out.add(layer(layers.get(i), prefix, i + 1, torch, count));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> layer(Object tree, String prefix, int position, Map<String, String> torch, int[] count) {
        if (!(tree instanceof Map<?, ?> raw)) throw new IllegalArgumentException("layer " + position + " is not a JSON object");
        Map<String, Object> in = (Map<String, Object>) raw;
        if (!(in.get("type") instanceof String type)) throw new IllegalArgumentException("layer " + position + " has no string \"type\"");
        Map<String, Object> m = new LinkedHashMap<>(in);
        Object name = m.getOrDefault("name", prefix + type + position);
        if (!(name instanceof String layerName) || layerName.isEmpty()) throw new IllegalArgumentException("layer " + position + ": \"name\" must be a non-empty string");
        m.put("name", layerName);
        Object t = m.remove("torch");
        if (t != null) {
            if (!(t instanceof String module)) throw new IllegalArgumentException("layer " + layerName + ": \"torch\" must be a string");
            torch.put(layerName, module);
        }
        switch (type) {
            case "conv2d" -> {
                Object k = m.remove("kernel");
                if (k != null) {
                    m.putIfAbsent("kernel_h", k);
                    m.putIfAbsent("kernel_w", k);
                }
                m.putIfAbsent("stride", 1);
                m.putIfAbsent("padding", 0);
            }
            case "maxpool2d", "avgpool2d" -> {
                if (m.get("kernel") != null) m.putIfAbsent("stride", m.get("kernel"));
            }
            case "batchnorm" -> {
                m.putIfAbsent("eps", 1e-5);
                m.putIfAbsent("momentum", 0.1);
            }
            case "dropout" -> m.putIfAbsent("p", 0.5);
            case "residual" -> {
                for (String path : List.of("main", "shortcut")) {
                    Object list = m.getOrDefault(path, List.of());
                    if (!(list instanceof List<?> l)) throw new IllegalArgumentException("residual " + layerName + ": \"" + path + "\" must be a list");
                    m.put(path, layerList(l, layerName + ".", torch, count));
                }
            }
            default -> { }
        }
        return m;
    }
}
