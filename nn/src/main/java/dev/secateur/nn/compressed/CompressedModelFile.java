package dev.secateur.nn.compressed;

import dev.secateur.nn.Layer;
import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.io.TensorInfo;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors model file that stores pruned weights compactly: for each prunable weight with
 * at most half of its entries kept, only the kept values (float32, or int8 codes plus
 * per-output-channel float32 scales) and their positions ({@link SparsePositions}: gap bytes,
 * Deflate-compressed) are written. Dense weights are float32 (or int8 + scales). Biases,
 * BatchNorm tensors and masks of other parameters are written as they are.
 *
 * <p>{@code __metadata__} keys: {@value #FORMAT_KEY} = {@value #FORMAT}; {@value #MODEL_KEY} = the
 * architecture ({@link Model#specTree()} as JSON); {@value #ENCODING_KEY} = per encoded weight,
 * how to read it back; {@value CompressionHistory#METADATA_KEY} = the compression history;
 * {@value #CHECKSUMS_KEY} = the CRC32C of every tensor (absent from older files, which load
 * unchecked). Tensor
 * names: {@code W} (dense f32), {@code W#codes} + {@code W#scales} (dense int8),
 * {@code W#values} + {@code W#positions} (+ {@code W#scales}) (sparse), {@code P#mask} (a mask
 * bitmap of another parameter). Every position, count and length is validated on load, against
 * the bytes present before anything sized by it is allocated, and every loaded value must be finite.
 */
public final class CompressedModelFile {
    public static final String FORMAT_KEY = "secateur.format";
    public static final String FORMAT = "secateur-compressed/1";
    public static final String MODEL_KEY = "secateur.model";
    public static final String ENCODING_KEY = "secateur.encoding";
    /**
     * Metadata key of the per-tensor checksums: a JSON object mapping every tensor name to the
     * CRC32C of its stored bytes as 8 lowercase hex digits. Files written before it existed have
     * no such key and load unchecked.
     */
    public static final String CHECKSUMS_KEY = "secateur.crc32c";
    /**
     * How many dense parameter bytes the architecture may declare per byte of tensor data in the
     * file: int8 at 99.9% sparsity stores ~2 bytes per 1000 weights (ratio ~2000). A forged
     * architecture claiming more is refused before any layer is allocated.
     */
    static final long MAX_EXPANSION = 4096;
    /** Deflate's largest possible expansion (zlib: 1032:1), plus slack for stream framing. */
    static final long MAX_INFLATE_RATIO = 1032;

    /**
     * A model read back with its compression state.
     *
     * @param training the file's {@code training} metadata (JSON, as the nn {@code ModelFile}
     *                 writes it) or null; carried over when the model is saved again
     * @param normalization the input normalization the file records (an imported model's own), or
     *                      null; carried over when the model is saved again
     */
    public record Loaded(Model model, CompressionHistory history, boolean int8, Path file, long fileBytes, String training,
                         InputNormalization normalization) {
        /** A model with no recorded input normalization. */
        public Loaded(Model model, CompressionHistory history, boolean int8, Path file, long fileBytes, String training) {
            this(model, history, int8, file, fileBytes, training, null);
        }
    }

    private CompressedModelFile() {}

    /**
     * Writes {@code model} (masks included) with its {@code history}; with {@code int8}, every
     * prunable weight is stored as symmetric per-channel int8.
     */
    public static void save(Model model, CompressionHistory history, boolean int8, Path file) throws IOException {
        save(model, history, int8, null, file);
    }

    /** As {@link #save(Model, CompressionHistory, boolean, Path)}, keeping the {@code training} metadata. */
    public static void save(Model model, CompressionHistory history, boolean int8, String training, Path file) throws IOException {
        save(model, history, int8, training, null, file);
    }

    /** As {@link #save(Model, CompressionHistory, boolean, String, Path)}, also keeping the input normalization (null: none). */
    public static void save(Model model, CompressionHistory history, boolean int8, String training, InputNormalization normalization,
                            Path file) throws IOException {
        SafetensorsWriter w = writer(model, history, int8, training);
        if (normalization != null) w.putMetadata(InputNormalization.METADATA_KEY, normalization.toJson());
        w.write(file);
    }

    /** The bytes {@link #save} would write. */
    public static byte[] toBytes(Model model, CompressionHistory history, boolean int8) {
        return writer(model, history, int8, null).toBytes();
    }

    private static SafetensorsWriter writer(Model model, CompressionHistory history, boolean int8, String training) {
        SafetensorsWriter w = new SafetensorsWriter();
        Map<String, Object> encoding = new LinkedHashMap<>();
        Set<String> prunable = new HashSet<>();
        Int8Quantizer quantizer = new Int8Quantizer();
        for (Parameter p : encodedWeights(model)) {
            prunable.add(p.name());
            float[] v = p.value().toArray();
            Shape shape = p.value().shape();
            float[] keep = keepMask(p);
            int nnz = 0;
            for (float k : keep) if (k != 0f) nnz++;
            boolean sparse = nnz <= v.length / 2;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("encoding", sparse ? "sparse" : "dense");
            e.put("dtype", int8 ? "i8" : "f32");
            e.put("shape", shape.toArray());
            QuantizedWeights q = int8 ? quantizer.quantize(v, shape) : null;
            if (q != null) w.putF32(p.name() + "#scales", new int[]{q.scales().length}, q.scales());
            if (!sparse) {
                if (q != null) w.putI8(p.name() + "#codes", shape.toArray(), q.values());
                else w.putF32(p.name(), shape.toArray(), v);
                if (p.hasMask()) putMask(w, p);
            } else {
                byte[] gaps = SparsePositions.encode(keep);
                byte[] packed = SparsePositions.deflate(gaps);
                w.putU8(p.name() + "#positions", new int[]{packed.length}, packed);
                e.put("nnz", nnz);
                e.put("positions_bytes", gaps.length);
                byte[] values = q != null ? new byte[nnz] : new byte[4 * nnz];
                int k = 0;
                for (int i = 0; i < v.length; i++) {
                    if (keep[i] == 0f) continue;
                    if (q != null) values[k++] = q.values()[i];
                    else {
                        int bits = Float.floatToRawIntBits(v[i]);
                        for (int b = 0; b < 4; b++) values[4 * k + b] = (byte) (bits >>> (8 * b));
                        k++;
                    }
                }
                byte[] vpacked = SparsePositions.deflate(values);
                e.put("values_bytes", values.length);
                e.put("values_deflated", vpacked.length < values.length);
                byte[] stored = vpacked.length < values.length ? vpacked : values;
                w.putU8(p.name() + "#values", new int[]{stored.length}, stored);
            }
            encoding.put(p.name(), e);
        }
        for (Map.Entry<String, Parameter> t : model.namedTensors().entrySet()) {
            if (prunable.contains(t.getKey())) continue;
            w.put(t.getKey(), t.getValue().value());
            if (t.getValue().hasMask()) putMask(w, t.getValue());
        }
        w.putMetadata(FORMAT_KEY, FORMAT);
        w.putMetadata(MODEL_KEY, Json.write(model.specTree()));
        w.putMetadata(ENCODING_KEY, Json.write(encoding));
        w.putMetadata(CompressionHistory.METADATA_KEY, history.toJson());
        if (training != null) w.putMetadata("training", training);
        Map<String, Object> sums = new LinkedHashMap<>();
        w.crc32c().forEach((name, crc) -> sums.put(name, hex(crc)));
        w.putMetadata(CHECKSUMS_KEY, Json.write(sums));
        return w;
    }

    /** Bytes of {@code model} as a plain dense float32 safetensors file (every tensor f32, no masks). */
    public static long denseBytes(Model model) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, Parameter> t : model.namedTensors().entrySet()) w.put(t.getKey(), t.getValue().value());
        w.putMetadata("format", ModelFile.FORMAT);
        w.putMetadata("architecture", Json.write(model.specTree()));
        return w.toBytes().length;
    }

    /** Whether {@code file}'s metadata says it was written by this class. */
    public static boolean isCompressedFile(SafetensorsFile f) {
        return FORMAT.equals(f.metadata().get(FORMAT_KEY));
    }

    /**
     * Reads a file written by {@link #save}, or a plain nn {@link ModelFile} (dense or masked; its
     * compression history, if any, is read from the same metadata key).
     */
    public static Loaded load(Path file) throws IOException {
        return fromFile(SafetensorsFile.read(file), file, Files.size(file));
    }

    /**
     * Builds the model held in an already-parsed file ({@link #load} after reading it);
     * {@code file} and {@code fileBytes} are only recorded in the result.
     */
    public static Loaded fromFile(SafetensorsFile f, Path file, long fileBytes) {
        String src = f.source();
        if (!isCompressedFile(f)) {
            if (!ModelFile.FORMAT.equals(f.metadata().get("format"))) {
                throw new ModelFormatException(src, -1, "neither a Secateur compressed model (" + FORMAT_KEY + " = " + FORMAT
                        + ") nor a Secateur model file (format = " + ModelFile.FORMAT + ")");
            }
            ModelFile.Loaded plain = ModelFile.fromFile(f);
            return new Loaded(plain.model(), history(f), false, file, fileBytes, f.metadata().get("training"), normalization(f));
        }
        verifyChecksums(f, src);
        long available = 0;
        for (TensorInfo ti : f.tensors()) available += ti.byteLength();
        Model model = ModelFile.buildArchitecture(src, f.metadata(MODEL_KEY), available * MAX_EXPANSION + (1 << 20));
        Map<String, Object> encoding;
        try {
            encoding = Json.parseObject(f.metadata(ENCODING_KEY));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(src, -1, "metadata " + ENCODING_KEY + " is not valid JSON: " + e.getMessage(), e);
        }
        boolean int8 = false;
        for (Map.Entry<String, Parameter> t : model.namedTensors().entrySet()) {
            String name = t.getKey();
            Parameter p = t.getValue();
            Object e = encoding.get(name);
            if (e == null) {
                copy(f, name, p, src);
            } else if (e instanceof Map<?, ?> m) {
                int8 |= readEncoded(f, name, p, m, src);
            } else {
                throw new ModelFormatException(src, -1, ENCODING_KEY + " entry of " + name + " is not an object");
            }
            if (f.contains(name + "#mask")) {
                byte[] bits = f.u8(name + "#mask");
                if (bits.length != (p.size() + 7) / 8) throw new ModelFormatException(src, -1, "mask of " + name + " has " + bits.length + " bytes");
                boolean[] keep = new boolean[p.size()];
                for (int i = 0; i < keep.length; i++) keep[i] = (bits[i >>> 3] >>> (i & 7) & 1) != 0;
                p.setMask(keep);
            }
        }
        ModelFile.requireValidValues(model, src);
        return new Loaded(model, history(f), int8, file, fileBytes, training(f), normalization(f));
    }

    /** The recorded input normalization, or null; a malformed entry is refused naming the file. */
    private static InputNormalization normalization(SafetensorsFile f) {
        try {
            return InputNormalization.fromJson(f.metadata().get(InputNormalization.METADATA_KEY));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(f.source(), -1, "metadata " + InputNormalization.METADATA_KEY + ": " + e.getMessage(), e);
        }
    }

    /** The file's compression history, refused (naming the file) when inconsistent. */
    private static CompressionHistory history(SafetensorsFile f) {
        try {
            return CompressionHistory.fromJson(f.metadata().get(CompressionHistory.METADATA_KEY));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(f.source(), -1, "metadata " + CompressionHistory.METADATA_KEY + ": " + e.getMessage(), e);
        }
    }

    /** The {@code training} metadata, which must be a JSON object when present. */
    private static String training(SafetensorsFile f) {
        String t = f.metadata().get("training");
        if (t == null) return null;
        try {
            Json.parseObject(t);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(f.source(), -1, "metadata \"training\" is not a JSON object: " + e.getMessage(), e);
        }
        return t;
    }

    private static boolean readEncoded(SafetensorsFile f, String name, Parameter p, Map<?, ?> e, String src) {
        Shape shape = p.value().shape();
        if (!(e.get("shape") instanceof List<?> dims) || !sameShape(dims, shape)) {
            throw new ModelFormatException(src, -1, "encoded weight " + name + " has shape " + e.get("shape") + ", the architecture says " + shape);
        }
        boolean int8 = "i8".equals(e.get("dtype"));
        float[] scales = null;
        if (int8) {
            scales = f.f32(name + "#scales");
            if (scales.length != shape.dim(0)) throw new ModelFormatException(src, -1, name + ": " + scales.length + " scales for " + shape.dim(0) + " channels");
            for (int i = 0; i < scales.length; i++) {
                if (!Float.isFinite(scales[i]) || scales[i] < 0f || Float.floatToRawIntBits(scales[i]) == Integer.MIN_VALUE) {
                    throw new ModelFormatException(src, f.fileOffset(f.info(name + "#scales")) + 4L * i, "tensor " + name
                            + "#scales holds the quantization scale " + scales[i] + " at channel " + i
                            + " (a scale must be finite and >= 0)");
                }
            }
        }
        float[] out = p.value().data();
        int row = shape.dim(0) == 0 ? 0 : shape.size() / shape.dim(0);
        if ("dense".equals(e.get("encoding"))) {
            if (int8) {
                if (!f.contains(name + "#codes")) throw new ModelFormatException(src, -1, "missing tensor " + name + "#codes");
                byte[] codes = f.i8(name + "#codes");
                if (codes.length != shape.size()) throw new ModelFormatException(src, -1, name + ": " + codes.length + " codes for shape " + shape);
                for (int i = 0; i < codes.length; i++) checkCode(codes[i], scales[row == 0 ? 0 : i / row], i, name, src);
                float[] dq = new QuantizedWeights(shape, codes, scales).dequantize();
                System.arraycopy(dq, 0, out, p.value().offset(), dq.length);
            } else {
                copy(f, name, p, src);
            }
            return int8;
        }
        if (!"sparse".equals(e.get("encoding"))) throw new ModelFormatException(src, -1, name + ": unknown encoding " + e.get("encoding"));
        int nnz = intField(e, "nnz", shape.size(), src, name);
        int posBytes = intField(e, "positions_bytes", Integer.MAX_VALUE - 8, src, name);
        int valBytes = intField(e, "values_bytes", Integer.MAX_VALUE - 8, src, name);
        if (valBytes != (long) nnz * (int8 ? 1 : 4)) throw new ModelFormatException(src, -1, name + ": " + valBytes + " value bytes for " + nnz + " entries");
        if (posBytes < nnz) throw new ModelFormatException(src, -1, name + ": " + posBytes + " position bytes for " + nnz + " entries");
        // Each gap byte is one kept entry or an escape skipping 255 unkept positions.
        long maxPosBytes = nnz + (shape.size() - (long) nnz) / 255;
        if (posBytes > maxPosBytes) {
            throw new ModelFormatException(src, -1, name + ": positions_bytes " + posBytes + " exceeds the " + maxPosBytes
                    + " that " + nnz + " entries among " + shape.size() + " positions can take");
        }
        checkInflatable(f, name + "#positions", posBytes, src);
        if (Boolean.TRUE.equals(e.get("values_deflated"))) checkInflatable(f, name + "#values", valBytes, src);
        if (!f.contains(name + "#values")) throw new ModelFormatException(src, -1, "missing tensor " + name + "#values");
        byte[] values;
        int[] pos;
        try {
            byte[] gaps = SparsePositions.inflate(f.u8(name + "#positions"), posBytes, "tensor " + name + "#positions");
            pos = SparsePositions.decode(gaps, nnz, shape.size(), "tensor " + name + "#positions");
            byte[] stored = f.u8(name + "#values");
            values = Boolean.TRUE.equals(e.get("values_deflated"))
                    ? SparsePositions.inflate(stored, valBytes, "tensor " + name + "#values") : stored;
        } catch (ModelFormatException ex) {
            throw ex;
        } catch (IllegalArgumentException ex) {
            throw new ModelFormatException(src, -1, ex.getMessage(), ex);
        }
        if (values.length != valBytes) throw new ModelFormatException(src, -1, name + ": " + values.length + " value bytes, expected " + valBytes);
        java.util.Arrays.fill(out, p.value().offset(), p.value().offset() + shape.size(), 0f);
        boolean[] keep = new boolean[shape.size()];
        for (int k = 0; k < nnz; k++) {
            int i = pos[k];
            float v;
            if (int8) {
                checkCode(values[k], scales[row == 0 ? 0 : i / row], k, name, src);
                v = values[k] * scales[row == 0 ? 0 : i / row];
            } else {
                int bits = (values[4 * k] & 0xFF) | (values[4 * k + 1] & 0xFF) << 8 | (values[4 * k + 2] & 0xFF) << 16 | (values[4 * k + 3] & 0xFF) << 24;
                v = Float.intBitsToFloat(bits);
            }
            out[p.value().offset() + i] = v;
            keep[i] = true;
        }
        p.setMask(keep);
        return int8;
    }

    /**
     * An int8 code the quantizer can have written: never -128 (the range is symmetric), and
     * non-zero only in a channel with a positive scale (a zero scale marks an all-zero channel).
     */
    private static void checkCode(byte code, float scale, int entry, String name, String src) {
        if (code == Byte.MIN_VALUE) throw new ModelFormatException(src, -1, name + ": int8 code -128 at entry " + entry);
        if (code != 0 && scale == 0f) {
            throw new ModelFormatException(src, -1, name + ": int8 code " + code + " at entry " + entry
                    + " in a channel whose quantization scale is 0");
        }
    }

    /** Refuses an inflated length no Deflate stream of the stored size can produce, before allocating it. */
    private static void checkInflatable(SafetensorsFile f, String tensor, int inflated, String src) {
        if (!f.contains(tensor)) throw new ModelFormatException(src, -1, "missing tensor " + tensor);
        TensorInfo t = f.info(tensor);
        if (inflated > t.byteLength() * MAX_INFLATE_RATIO + 64) {
            throw new ModelFormatException(src, f.fileOffset(t), "tensor " + tensor + ": " + t.byteLength()
                    + " compressed bytes cannot inflate to the declared " + inflated + " bytes");
        }
    }

    /**
     * Checks every tensor against {@link #CHECKSUMS_KEY} when the file has it: each tensor must
     * have an entry and match it, and no entry may name a missing tensor.
     */
    private static void verifyChecksums(SafetensorsFile f, String src) {
        String json = f.metadata().get(CHECKSUMS_KEY);
        if (json == null) return;
        Map<String, Object> sums;
        try {
            sums = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(src, -1, "metadata " + CHECKSUMS_KEY + " is not valid JSON: " + e.getMessage(), e);
        }
        for (TensorInfo t : f.tensors()) {
            Object want = sums.get(t.name());
            if (!(want instanceof String hex) || !hex.matches("[0-9a-f]{8}")) {
                throw new ModelFormatException(src, f.fileOffset(t), "tensor " + t.name() + " has no valid CRC32C in "
                        + CHECKSUMS_KEY + " (found " + want + ")");
            }
            String got = hex(f.crc32c(t.name()));
            if (!got.equals(hex)) {
                throw new ModelFormatException(src, f.fileOffset(t), "tensor " + t.name() + " is corrupt: CRC32C of its "
                        + t.byteLength() + " bytes is " + got + ", the file recorded " + hex);
            }
        }
        for (String name : sums.keySet()) {
            if (!f.contains(name)) throw new ModelFormatException(src, -1, CHECKSUMS_KEY + " lists tensor " + name + ", which the file lacks");
        }
    }

    private static String hex(long crc) {
        return String.format("%08x", crc);
    }

    private static int intField(Map<?, ?> e, String key, int max, String src, String name) {
        if (!(e.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0 || n.longValue() > max) {
            throw new ModelFormatException(src, -1, name + ": field " + key + " is " + e.get(key) + ", expected an integer in [0, " + max + "]");
        }
        return n.intValue();
    }

    private static void copy(SafetensorsFile f, String name, Parameter p, String src) {
        if (!f.contains(name)) throw new ModelFormatException(src, -1, "missing tensor " + name);
        TensorInfo info = f.info(name);
        if (!info.shapeObject().equals(p.value().shape())) {
            throw new ModelFormatException(src, info.begin(), "tensor " + name + " has shape " + info.shapeObject() + ", the architecture says " + p.value().shape());
        }
        p.value().copyFrom(f.tensor(name));
    }

    /** Whether a JSON shape list is exactly {@code shape}. */
    private static boolean sameShape(List<?> dims, Shape shape) {
        int[] want = shape.toArray();
        if (dims.size() != want.length) return false;
        for (int i = 0; i < want.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d != want[i]) return false;
        }
        return true;
    }

    /**
     * The weights written with an encoding: every dense and convolution weight in forward order,
     * residual blocks included (the weights the prune module can prune).
     */
    private static List<Parameter> encodedWeights(Model model) {
        List<Parameter> out = new ArrayList<>();
        collectWeights(model.layers(), out);
        return out;
    }

    private static void collectWeights(List<Layer> layers, List<Parameter> out) {
        for (Layer l : layers) {
            switch (l) {
                case Dense d -> out.add(d.weight());
                case Conv2d c -> out.add(c.weight());
                case ResidualBlock r -> {
                    collectWeights(r.mainPath(), out);
                    collectWeights(r.shortcutPath(), out);
                }
                default -> { }
            }
        }
    }

    private static float[] keepMask(Parameter p) {
        if (p.hasMask()) return p.maskArray().clone();
        float[] v = p.value().toArray();
        float[] keep = new float[v.length];
        for (int i = 0; i < v.length; i++) keep[i] = v[i] != 0f ? 1f : 0f;
        return keep;
    }

    /** Writes the mask bitmap of {@code p}, unless it keeps everything (then it carries no information). */
    private static void putMask(SafetensorsWriter w, Parameter p) {
        float[] m = p.maskArray();
        boolean anyPruned = false;
        for (float x : m) anyPruned |= x == 0f;
        if (!anyPruned) return;
        byte[] bits = new byte[(m.length + 7) / 8];
        for (int i = 0; i < m.length; i++) if (m[i] != 0f) bits[i >>> 3] |= (byte) (1 << (i & 7));
        w.putU8(p.name() + "#mask", new int[]{bits.length}, bits);
    }

}
