package dev.secateur.nn;

import dev.secateur.nn.io.Dtype;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.JsonException;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.io.TensorInfo;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Layers;
import dev.secateur.nn.layers.ResidualBlock;
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
        Model model = buildArchitecture(src, meta.get("architecture"), available);
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
        requireValidValues(model, src);
        return new Loaded(model, training, meta, f);
    }

    /**
     * Refuses a model holding NaN or infinity in any parameter or buffer (weights, biases,
     * BatchNorm statistics): such a model loads and then predicts garbage, so it is treated as a
     * corrupt file. The error names the tensor and the element.
     */
    public static void requireFinite(Model model, String src) {
        for (Parameter p : model.namedTensors().values()) {
            float[] d = p.value().data();
            int off = p.value().offset();
            for (int i = 0, n = p.size(); i < n; i++) {
                if (!Float.isFinite(d[off + i])) {
                    throw new ModelFormatException(src, -1, "tensor " + p.name() + " holds the non-finite value " + d[off + i]
                            + " at element " + i);
                }
            }
        }
    }

    /**
     * {@link #requireFinite}, and every BatchNorm running variance {@code >= 0}: training never
     * produces a negative variance, and one would make {@code sqrt(var + eps)} NaN for that channel
     * at inference. A zero variance is legitimate (a constant channel; eps keeps it defined).
     */
    public static void requireValidValues(Model model, String src) {
        requireFinite(model, src);
        requireNonNegativeVariance(model.layers(), src);
    }

    private static void requireNonNegativeVariance(List<Layer> layers, String src) {
        for (Layer l : layers) {
            if (l instanceof BatchNorm bn) {
                Parameter v = bn.runningVar();
                float[] d = v.value().data();
                int off = v.value().offset();
                for (int i = 0, n = v.size(); i < n; i++) {
                    if (d[off + i] < 0f) {
                        throw new ModelFormatException(src, -1, "tensor " + v.name() + " holds the negative running variance "
                                + d[off + i] + " at channel " + i);
                    }
                }
            } else if (l instanceof ResidualBlock r) {
                requireNonNegativeVariance(r.mainPath(), src);
                requireNonNegativeVariance(r.shortcutPath(), src);
            }
        }
    }

    private static void expect(SafetensorsFile f, String name, Dtype dtype, Shape shape) {
        if (!f.contains(name)) throw new ModelFormatException(f.source(), -1, "missing tensor \"" + name + "\" required by the architecture");
        TensorInfo info = f.info(name);
        if (info.dtype() != dtype || !Arrays.equals(info.shape(), shape.toArray())) {
            throw new ModelFormatException(f.source(), 8 + info.begin(), "tensor \"" + name + "\" is " + info.dtype() + " "
                    + Arrays.toString(info.shape()) + ", the architecture needs " + dtype + " " + shape);
        }
    }

    /**
     * Most layers in one architecture, residual branches included: ResNet-152 has ~500; far more
     * is a forged file, refused before any layer is built.
     */
    public static final int MAX_LAYERS = 4096;
    /**
     * Largest value of a size attribute (units, channels, kernel side) and of an input dimension:
     * 2^20 units already make a dense layer of 4 TiB from any two of them.
     */
    public static final int MAX_UNITS = 1 << 20;
    /** Largest input (elements of one example): a 4096 x 4096 RGB image is 2^25.6, far beyond what is trained here. */
    public static final long MAX_INPUT_ELEMENTS = 1L << 26;

    /**
     * Rebuilds the model an architecture JSON describes, after checking it against the file: at
     * most {@link #MAX_LAYERS} layers and {@link #MAX_UNITS} per size attribute, and parameters
     * that fit both in {@code maxParameterBytes} (what the file's tensor data can account for)
     * and in this JVM's heap. Everything is checked before the first layer is allocated; a
     * failure is a {@link ModelFormatException} naming {@code src}.
     */
    @SuppressWarnings("unchecked")
    public static Model buildArchitecture(String src, String json, long maxParameterBytes) {
        if (json == null) throw new ModelFormatException(src, -1, "no __metadata__ \"architecture\" entry");
        try {
            Map<String, Object> spec;
            try {
                spec = Json.parseObject(json);
            } catch (JsonException e) {
                throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
            }
            if (!(spec.get("architecture") instanceof String name)) throw new IllegalArgumentException("missing string \"architecture\"");
            if (!(spec.get("input") instanceof List<?> in) || in.isEmpty()) throw new IllegalArgumentException("missing \"input\" shape");
            if (in.size() > 8) throw new IllegalArgumentException("input shape of " + in.size() + " dimensions (at most 8)");
            int[] dims = new int[in.size()];
            long inputElements = 1;
            for (int i = 0; i < dims.length; i++) {
                if (!(in.get(i) instanceof Long n) || n <= 0 || n > MAX_UNITS) {
                    throw new IllegalArgumentException("bad input dimension " + in.get(i) + " (expected an integer in 1.." + MAX_UNITS + ")");
                }
                dims[i] = (int) (long) n;
                inputElements *= n;
                if (inputElements > MAX_INPUT_ELEMENTS) {
                    throw new IllegalArgumentException("input shape " + in + " exceeds " + MAX_INPUT_ELEMENTS + " elements");
                }
            }
            if (!(spec.get("layers") instanceof List<?> ls)) throw new IllegalArgumentException("missing \"layers\" list");
            if (ls.size() > MAX_LAYERS) {
                throw new IllegalArgumentException(ls.size() + " layers, more than the limit of " + MAX_LAYERS);
            }
            List<LayerSpec> specs = new ArrayList<>();
            long declared = 0;
            int[] layerCount = {0};
            for (Object o : ls) {
                LayerSpec s = LayerSpec.fromTree(o);
                specs.add(s);
                countLayers(s, layerCount);
                declared = Math.addExact(declared, declaredFloats(s));
            }
            long declaredBytes = Math.multiplyExact(4L, declared);
            // Refuse before allocating: the layers' tensors must fit in the data the file holds.
            if (declaredBytes > maxParameterBytes) {
                throw new IllegalArgumentException("the layers declare " + declared + " floats of parameters (" + declaredBytes
                        + " bytes) but the file's tensor data can hold at most " + maxParameterBytes + " bytes");
            }
            long heap = Runtime.getRuntime().maxMemory();
            if (declaredBytes > heap / 2) {
                throw new IllegalArgumentException("the layers declare " + declaredBytes + " bytes of parameters, more than half"
                        + " of this JVM's maximum heap of " + heap + " bytes (raise -Xmx)");
            }
            List<Layer> layers = new ArrayList<>();
            for (LayerSpec s : specs) layers.add(Layers.fromSpec(s));
            Model model = new Model(name, Shape.of(dims), layers);
            requireBoundedActivations(model);
            return model;
        } catch (ModelFormatException e) {
            throw e;
        } catch (IllegalArgumentException | ClassCastException | ArithmeticException e) {
            throw new ModelFormatException(src, -1, "invalid architecture in __metadata__: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a layer whose output for one example exceeds {@link #MAX_INPUT_ELEMENTS} elements or
     * 1/16 of the maximum heap: a forged padding or upsampling attribute makes a few-byte file
     * whose first prediction would exhaust memory.
     */
    private static void requireBoundedActivations(Model model) {
        long limit = Math.min(MAX_INPUT_ELEMENTS, Runtime.getRuntime().maxMemory() / 16 / Float.BYTES);
        Shape s = model.inputShape();
        for (Layer l : model.layers()) {
            s = l.outputShape(s);
            if (s.size() > limit || s.size() <= 0) {
                throw new IllegalArgumentException("layer " + l.name() + " outputs " + s + " = " + s.size() + " elements per example,"
                        + " more than the " + limit + " accepted (the smaller of " + MAX_INPUT_ELEMENTS
                        + " and 1/16 of this JVM's maximum heap in floats)");
            }
        }
    }

    private static void countLayers(LayerSpec s, int[] count) {
        if (++count[0] > MAX_LAYERS) {
            throw new IllegalArgumentException("more than " + MAX_LAYERS + " layers (residual branches included)");
        }
        if (s.type().equals("residual")) {
            for (LayerSpec c : s.child("main")) countLayers(c, count);
            for (LayerSpec c : s.child("shortcut")) countLayers(c, count);
        }
    }

    /** Parameter + buffer floats a layer spec will allocate (checked against the file first). */
    private static long declaredFloats(LayerSpec s) {
        try {
            return switch (s.type()) {
                case "dense" -> Math.addExact(Math.multiplyExact(positive(s, "in"), positive(s, "out")), positive(s, "out"));
                case "conv2d" -> Math.multiplyExact(positive(s, "out_channels"), Math.addExact(Math.multiplyExact(
                        Math.multiplyExact(positive(s, "in_channels"), positive(s, "kernel_h")), positive(s, "kernel_w")), 1));
                case "batchnorm" -> 4 * positive(s, "channels");
                case "residual" -> {
                    long n = 0;
                    for (LayerSpec c : s.child("main")) n = Math.addExact(n, declaredFloats(c));
                    for (LayerSpec c : s.child("shortcut")) n = Math.addExact(n, declaredFloats(c));
                    yield n;
                }
                default -> 0;
            };
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("layer " + s.name() + ": parameter count overflows 64 bits");
        }
    }

    private static long positive(LayerSpec s, String key) {
        int v = s.intAttr(key);
        if (v <= 0 || v > MAX_UNITS) throw new IllegalArgumentException("layer " + s.name() + ": attribute " + key + " = " + v + " out of range");
        return v;
    }

    private static String quoted(String s) { return s == null ? "absent" : "\"" + s + "\""; }
}
