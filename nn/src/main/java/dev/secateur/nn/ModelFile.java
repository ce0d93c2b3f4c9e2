package dev.secateur.nn;

import dev.secateur.nn.io.Dtype;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.JsonException;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.io.TensorInfo;
import dev.secateur.nn.layers.Layers;
import dev.secateur.tensor.Shape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saving and loading whole models as safetensors files (readable by Python's {@code safetensors}).
 *
 * <p>Layout: every parameter and buffer is an F32 tensor under its name ({@code conv1.weight},
 * {@code bn1.running_mean}, ...); a masked parameter also has a U8 tensor {@code <name>.mask}
 * (1 = kept). {@code __metadata__} holds {@code format} = {@value #FORMAT},
 * {@code format_version}, {@code architecture} (JSON: input shape and layer specs, enough to
 * rebuild the model), {@code training} (JSON {@link TrainingInfo}) and any extra entries the
 * caller adds (e.g. the compression history). Files are written atomically by the nn.io writer.
 *
 * <p>Loading rebuilds the architecture, then checks that every parameter and buffer is present
 * with the right dtype and shape before copying it in; a loaded model predicts bit-for-bit what
 * the saved one did. Extra tensors (e.g. sparse encodings added by other tools) are ignored.
 */
public final class ModelFile {
    public static final String FORMAT = "secateur-model";
    public static final String FORMAT_VERSION = "1";
    public static final String MASK_SUFFIX = ".mask";

    private ModelFile() {}

    /** A model read from a file with everything else the file recorded. */
    public record Loaded(Model model, TrainingInfo training, Map<String, String> metadata, SafetensorsFile file) {}

    public static void save(Model model, Path file, TrainingInfo training) throws IOException {
        save(model, file, training, Map.of());
    }

    /** Writes the model; {@code extraMetadata} entries are stored beside the standard ones. */
    public static void save(Model model, Path file, TrainingInfo training, Map<String, String> extraMetadata) throws IOException {
        toWriter(model, training, extraMetadata).write(file);
    }

    /** The file's bytes, as {@link #save} would write them. */
    public static byte[] toBytes(Model model, TrainingInfo training, Map<String, String> extraMetadata) {
        return toWriter(model, training, extraMetadata).toBytes();
    }

    private static SafetensorsWriter toWriter(Model model, TrainingInfo training, Map<String, String> extraMetadata) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (Parameter p : model.namedTensors().values()) {
            w.put(p.name(), p.value());
            float[] mask = p.maskArray();
            if (mask != null) {
                byte[] bytes = new byte[mask.length];
                for (int i = 0; i < mask.length; i++) bytes[i] = (byte) (mask[i] != 0f ? 1 : 0);
                w.putU8(p.name() + MASK_SUFFIX, p.value().shape().toArray(), bytes);
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(extraMetadata);
        meta.put("format", FORMAT);
        meta.put("format_version", FORMAT_VERSION);
        meta.put("architecture", Json.write(model.specTree()));
        meta.put("training", Json.write((training == null ? TrainingInfo.NONE : training).toTree()));
        return w.metadata(meta);
    }

    /** Loads the model only. */
    public static Model load(Path file) throws IOException {
        return read(file).model();
    }

    /** Reads and validates a model file. */
    public static Loaded read(Path file) throws IOException {
        return fromFile(SafetensorsFile.read(file));
    }

    /** Builds the model held in an already-validated safetensors file. */
    public static Loaded fromFile(SafetensorsFile f) {
        String src = f.source();
        Map<String, String> meta = f.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new ModelFormatException(src, -1, "not a Secateur model: __metadata__ \"format\" is " + quoted(meta.get("format"))
                    + ", expected \"" + FORMAT + "\"");
        }
        if (!FORMAT_VERSION.equals(meta.get("format_version"))) {
            throw new ModelFormatException(src, -1, "unsupported model format_version " + quoted(meta.get("format_version"))
                    + " (this build reads " + FORMAT_VERSION + ")");
        }
        long available = 0;
        for (TensorInfo ti : f.tensors()) available += ti.byteLength();
        Model model = architecture(src, meta.get("architecture"), available);
        TrainingInfo training = TrainingInfo.NONE;
        String t = meta.get("training");
        if (t != null) {
            try {
                training = TrainingInfo.fromTree(Json.parseObject(t));
            } catch (JsonException e) {
                throw new ModelFormatException(src, -1, "metadata \"training\" is not valid JSON: " + e.getMessage(), e);
            }
        }
        for (Parameter p : model.namedTensors().values()) {
            expect(f, p.name(), Dtype.F32, p.value().shape());
            p.value().copyFrom(f.tensor(p.name()));
            String maskName = p.name() + MASK_SUFFIX;
            if (f.contains(maskName)) {
                expect(f, maskName, Dtype.U8, p.value().shape());
                byte[] m = f.u8(maskName);
                boolean[] keep = new boolean[m.length];
                for (int i = 0; i < m.length; i++) {
                    if (m[i] != 0 && m[i] != 1) throw new ModelFormatException(src, -1, "mask " + maskName + " holds " + m[i] + " at " + i + " (only 0/1 allowed)");
                    keep[i] = m[i] == 1;
                }
                p.setMask(keep);
            }
        }
        return new Loaded(model, training, meta, f);
    }

    private static void expect(SafetensorsFile f, String name, Dtype dtype, Shape shape) {
        if (!f.contains(name)) throw new ModelFormatException(f.source(), -1, "missing tensor \"" + name + "\" required by the architecture");
        TensorInfo info = f.info(name);
        if (info.dtype() != dtype || !Arrays.equals(info.shape(), shape.toArray())) {
            throw new ModelFormatException(f.source(), 8 + info.begin(), "tensor \"" + name + "\" is " + info.dtype() + " "
                    + Arrays.toString(info.shape()) + ", the architecture needs " + dtype + " " + shape);
        }
    }

    @SuppressWarnings("unchecked")
    private static Model architecture(String src, String json, long available) {
        if (json == null) throw new ModelFormatException(src, -1, "no __metadata__ \"architecture\" entry");
        try {
            Map<String, Object> spec = Json.parseObject(json);
            if (!(spec.get("architecture") instanceof String name)) throw new IllegalArgumentException("missing string \"architecture\"");
            if (!(spec.get("input") instanceof List<?> in) || in.isEmpty()) throw new IllegalArgumentException("missing \"input\" shape");
            int[] dims = new int[in.size()];
            for (int i = 0; i < dims.length; i++) {
                if (!(in.get(i) instanceof Number n) || n.longValue() <= 0 || n.longValue() > 1 << 20) {
                    throw new IllegalArgumentException("bad input dimension " + in.get(i));
                }
                dims[i] = n.intValue();
            }
            if (!(spec.get("layers") instanceof List<?> ls)) throw new IllegalArgumentException("missing \"layers\" list");
            List<LayerSpec> specs = new ArrayList<>();
            long declared = 0;
            for (Object o : ls) {
                LayerSpec s = LayerSpec.fromTree(o);
                specs.add(s);
                declared += declaredFloats(s);
            }
            // Refuse before allocating: the layers' tensors must fit in the data the file holds.
            if (declared * 4 > available) {
                throw new IllegalArgumentException("the layers declare " + declared + " floats of parameters but the file holds only "
                        + available + " bytes of tensor data");
            }
            List<Layer> layers = new ArrayList<>();
            for (LayerSpec s : specs) layers.add(Layers.fromSpec(s));
            return new Model(name, Shape.of(dims), layers);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(src, -1, "invalid architecture in __metadata__: " + e.getMessage(), e);
        }
    }

    /** Parameter + buffer floats a layer spec will allocate (checked against the file first). */
    private static long declaredFloats(LayerSpec s) {
        return switch (s.type()) {
            case "dense" -> positive(s, "in") * positive(s, "out") + positive(s, "out");
            case "conv2d" -> positive(s, "out_channels") * (positive(s, "in_channels") * positive(s, "kernel_h") * positive(s, "kernel_w") + 1);
            case "batchnorm" -> 4 * positive(s, "channels");
            case "residual" -> {
                long n = 0;
                for (LayerSpec c : s.child("main")) n += declaredFloats(c);
                for (LayerSpec c : s.child("shortcut")) n += declaredFloats(c);
                yield n;
            }
            default -> 0;
        };
    }

    private static long positive(LayerSpec s, String key) {
        int v = s.intAttr(key);
        if (v <= 0 || v > 1 << 20) throw new IllegalArgumentException("layer " + s.name() + ": attribute " + key + " = " + v + " out of range");
        return v;
    }

    private static String quoted(String s) { return s == null ? "absent" : "\"" + s + "\""; }
}
