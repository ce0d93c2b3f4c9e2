package dev.secateur.nn.compressed;

import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.io.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpus of the nn fuzz tests: small valid files and one file per
 * known hostile case (forged sizes and counts, non-finite or impossible values, corrupted
 * streams). Run only on request, from the nn module directory:
 * {@code mvn -o -q verify -pl nn -am -Dtest=FuzzCorpusWriter -Dsurefire.failIfNoSpecifiedTests=false -Dsecateur.fuzz.writeCorpus=true}.
 */
@EnabledIfSystemProperty(named = "secateur.fuzz.writeCorpus", matches = "true")
class FuzzCorpusWriter {
    private static final Path ROOT = Path.of("src/test/resources/dev/secateur/nn");

    @Test
    void write() throws Exception {
        Model mlp = TestModels.mlp(5);
        Model conv = TestModels.convNet(3);
        byte[] plainMlp = ModelFile.toBytes(mlp, TrainingInfo.NONE, Map.of());
        byte[] plainConv = ModelFile.toBytes(conv, TrainingInfo.NONE, Map.of());
        Model sparse = TestModels.mlp(5);
        TestModels.keepLargest(sparse, 0.3);
        CompressionHistory history = new CompressionHistory(List.of(
                new CompressionStep("prune", "l1", "weight", "layer", "iterative:2 step 1/2", 0.55, 0.55, 0.9, 0.89),
                new CompressionStep("prune", "l1", "weight", "layer", "iterative:2 step 2/2", 0.3, 0.3, 0.89, 0.88)));
        byte[] sparseF32 = CompressedModelFile.toBytes(sparse, history, false);
        byte[] sparseI8 = CompressedModelFile.toBytes(sparse, history, true);
        Model convSparse = TestModels.convNet(3);
        TestModels.keepLargest(convSparse, 0.4);
        byte[] convI8 = CompressedModelFile.toBytes(convSparse, new CompressionHistory(), true);

        Path container = dir("io/SafetensorsFuzzTestInputs/container");
        write(container, "valid-model", plainMlp);
        write(container, "valid-compressed", sparseF32);
        write(container, "header-claims-95MB-metadata", withLength(95_000_000L, "{\"__metadata__\":{\"a\":\"b\"}}", new byte[0]));
        write(container, "header-length-2^62", withLength(1L << 62, "{}", new byte[0]));
        write(container, "offsets-past-end", raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,4398046511104]}}", new byte[8]));
        write(container, "overlapping", raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]));
        write(container, "shape-overflow", raw("{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", new byte[0]));
        write(container, "truncated", java.util.Arrays.copyOf(plainMlp, plainMlp.length / 2));

        Path json = dir("io/SafetensorsFuzzTestInputs/json");
        write(json, "architecture", Json.write(mlp.specTree()).getBytes(StandardCharsets.UTF_8));
        write(json, "numbers", "[0,-0,1e308,1e400,-1e-400,123456789012345678901234567890,0.1,true,false,null]".getBytes(StandardCharsets.UTF_8));
        write(json, "strings", "{\"a\\u0000\":\"\\ud83d\\ude00\",\"b\":\"\\ud800\",\"c\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}".getBytes(StandardCharsets.UTF_8));
        write(json, "deep", ("[".repeat(300) + "]".repeat(300)).getBytes(StandardCharsets.UTF_8));

        Path model = dir("ModelFileFuzzTestInputs/modelFile");
        write(model, "valid-mlp", plainMlp);
        write(model, "valid-convnet", plainConv);
        write(model, "nan-bias", ModelFile.toBytes(edited(TestModels.mlp(5), m -> set(m, "fc2.bias", 1, Float.NaN)), TrainingInfo.NONE, Map.of()));
        write(model, "negative-running-variance", ModelFile.toBytes(edited(TestModels.convNet(3), m -> set(m, "bn1.running_var", 2, -0.5f)), TrainingInfo.NONE, Map.of()));
        write(model, "mask-value-2", editTensor(plainMasked(), "fc1.weight.mask", 3, (byte) 2));
        write(model, "layer-of-2^20-units", withMeta(plainMlp, m -> { m.put("architecture", unitsBomb(m.get("architecture"), "architecture")); return m; }));
        write(model, "4097-layers", withMeta(plainMlp, m -> { m.put("architecture", manyLayers(m.get("architecture"), ModelFile.MAX_LAYERS + 1)); return m; }));
        write(model, "conv-padding-activation-bomb", withMeta(plainConv, m -> { m.put("architecture", paddingBomb(m.get("architecture"))); return m; }));
        write(model, "training-not-json", withMeta(plainMlp, m -> { m.put("training", "{\"epochs\":"); return m; }));

        Path arch = dir("ModelFileFuzzTestInputs/architecture");
        write(arch, "mlp", Json.write(mlp.specTree()).getBytes(StandardCharsets.UTF_8));
        write(arch, "convnet", Json.write(conv.specTree()).getBytes(StandardCharsets.UTF_8));
        write(arch, "layer-of-2^20-units", unitsBomb(Json.write(mlp.specTree()), null).getBytes(StandardCharsets.UTF_8));
        write(arch, "conv-padding-activation-bomb", paddingBomb(Json.write(conv.specTree())).getBytes(StandardCharsets.UTF_8));

        Path comp = dir("compressed/CompressedModelFileFuzzTestInputs/compressedFile");
        write(comp, "valid-sparse-f32", sparseF32);
        write(comp, "valid-sparse-int8", sparseI8);
        write(comp, "valid-convnet-int8", convI8);
        write(comp, "valid-plain-model", plainMlp);
        write(comp, "valid-sparse-f32-no-checksums", withMeta(sparseF32, m -> { m.remove(CompressedModelFile.CHECKSUMS_KEY); return m; }));
        write(comp, "valid-sparse-int8-no-checksums", withMeta(sparseI8, m -> { m.remove(CompressedModelFile.CHECKSUMS_KEY); return m; }));
        write(comp, "valid-convnet-int8-no-checksums", withMeta(convI8, m -> { m.remove(CompressedModelFile.CHECKSUMS_KEY); return m; }));
        write(comp, "positions-length-2^31-9", withMeta(sparseF32, m -> encodingField(m, "fc1.weight", "positions_bytes", Integer.MAX_VALUE - 8)));
        write(comp, "layer-of-2^20-units", withMeta(sparseF32, m -> { m.put(CompressedModelFile.MODEL_KEY, unitsBomb(m.get(CompressedModelFile.MODEL_KEY), null)); return m; }));
        write(comp, "4097-layers", withMeta(sparseF32, m -> { m.put(CompressedModelFile.MODEL_KEY, manyLayers(m.get(CompressedModelFile.MODEL_KEY), ModelFile.MAX_LAYERS + 1)); return m; }));
        byte[] corrupt = corruptTensor(sparseF32, "fc1.weight#positions");
        write(comp, "corrupt-positions-with-checksum", corrupt);
        write(comp, "corrupt-positions-no-checksums", withMeta(corrupt, m -> { m.remove(CompressedModelFile.CHECKSUMS_KEY); return m; }));
        write(comp, "encoding-entry-not-object", withMeta(sparseF32, m -> {
            Map<String, Object> enc = Json.parseObject(m.get(CompressedModelFile.ENCODING_KEY));
            enc.put("fc1.weight", 42);
            m.put(CompressedModelFile.ENCODING_KEY, Json.write(enc));
            return m;
        }));
        write(comp, "negative-scale", withScale(sparseI8, -0.01f));
        write(comp, "nan-scale", withScale(sparseI8, Float.NaN));
        write(comp, "zero-scale-nonzero-codes", withScale(sparseI8, 0f));
        write(comp, "history-density-7", withMeta(sparseF32, m -> { m.put(CompressionHistory.METADATA_KEY, historyJson(0.5, 7.0)); return m; }));
        write(comp, "history-negative-density", withMeta(sparseF32, m -> { m.put(CompressionHistory.METADATA_KEY, historyJson(0.5, -7.0)); return m; }));
        write(comp, "history-density-rises", withMeta(sparseF32, m -> { m.put(CompressionHistory.METADATA_KEY, historyJson(0.2, 0.6)); return m; }));
        write(comp, "training-not-json", withMeta(sparseF32, m -> { m.put("training", "[1,"); return m; }));

        Path pos = dir("compressed/CompressedModelFileFuzzTestInputs/positions");
        float[] keep = new float[600];
        for (int i = 0; i < keep.length; i += 7) keep[i] = 1;
        keep[599] = 1;
        int count = 0;
        for (float k : keep) if (k != 0) count++;
        byte[] gaps = SparsePositions.encode(keep);
        write(pos, "valid", positionsInput(keep.length, count, gaps.length, SparsePositions.deflate(gaps)));
        write(pos, "length-too-long", positionsInput(keep.length, count, gaps.length + 1000, SparsePositions.deflate(gaps)));
        byte[] bad = SparsePositions.deflate(gaps);
        for (int i = 2; i < Math.min(bad.length, 10); i++) bad[i] ^= (byte) 0x5A;
        write(pos, "corrupted-stream", positionsInput(keep.length, count, gaps.length, bad));

        Path hist = dir("compressed/CompressedModelFileFuzzTestInputs/history");
        write(hist, "valid", history.toJson().getBytes(StandardCharsets.UTF_8));
        write(hist, "density-7", historyJson(0.5, 7.0).getBytes(StandardCharsets.UTF_8));
        write(hist, "density-rises", historyJson(0.2, 0.6).getBytes(StandardCharsets.UTF_8));
        write(hist, "step-3-of-2", "[{\"kind\":\"prune\",\"schedule\":\"iterative:2 step 3/2\",\"density\":0.5}]".getBytes(StandardCharsets.UTF_8));
    }

    private static Path dir(String rel) throws Exception {
        Path d = ROOT.resolve(rel);
        Files.createDirectories(d);
        return d;
    }

    private static void write(Path dir, String name, byte[] bytes) throws Exception {
        Files.write(dir.resolve(name), bytes);
    }

    private static byte[] raw(String header, byte[] buffer) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return withLength(h.length, header, buffer);
    }

    private static byte[] withLength(long declared, String header, byte[] buffer) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + buffer.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(h).put(buffer);
        return b.array();
    }

    private static Model edited(Model m, java.util.function.Consumer<Model> edit) {
        edit.accept(m);
        return m;
    }

    private static void set(Model m, String tensor, int index, float value) {
        Parameter p = m.namedTensors().get(tensor);
        p.value().data()[p.value().offset() + index] = value;
    }

    private static byte[] plainMasked() {
        Model m = TestModels.mlp(5);
        TestModels.keepLargest(m, 0.5);
        return ModelFile.toBytes(m, TrainingInfo.NONE, Map.of());
    }

    /** The same tensors with {@code edit} applied to the metadata (tensor bytes, hence checksums, unchanged). */
    private static byte[] withMeta(byte[] file, UnaryOperator<Map<String, String>> edit) {
        SafetensorsFile f = SafetensorsFile.parse(file, "seed");
        SafetensorsWriter w = new SafetensorsWriter();
        for (TensorInfo t : f.tensors()) {
            switch (t.dtype()) {
                case F32 -> w.putF32(t.name(), t.shape(), f.f32(t.name()));
                case U8 -> w.putU8(t.name(), t.shape(), f.u8(t.name()));
                case I8 -> w.putI8(t.name(), t.shape(), f.i8(t.name()));
                default -> throw new AssertionError(t.dtype());
            }
        }
        w.metadata(edit.apply(new LinkedHashMap<>(f.metadata())));
        return w.toBytes();
    }

    private static byte[] editTensor(byte[] file, String tensor, int index, byte value) {
        SafetensorsFile f = SafetensorsFile.parse(file, "seed");
        byte[] out = file.clone();
        out[(int) f.fileOffset(f.info(tensor)) + index] = value;
        return out;
    }

    /** Flips 8 bytes in the middle of a tensor's stored bytes. */
    private static byte[] corruptTensor(byte[] file, String tensor) {
        SafetensorsFile f = SafetensorsFile.parse(file, "seed");
        TensorInfo t = f.info(tensor);
        byte[] out = file.clone();
        int at = (int) (f.fileOffset(t) + t.byteLength() / 2 - 4);
        for (int i = 0; i < 8; i++) out[at + i] ^= (byte) (0x35 + i);
        return out;
    }

    private static byte[] withScale(byte[] file, float scale) {
        SafetensorsFile f = SafetensorsFile.parse(file, "seed");
        TensorInfo t = f.info("fc1.weight#scales");
        byte[] out = withMeta(file, m -> { m.remove(CompressedModelFile.CHECKSUMS_KEY); return m; });
        SafetensorsFile g = SafetensorsFile.parse(out, "seed");
        int at = (int) g.fileOffset(g.info(t.name()));
        ByteBuffer.wrap(out, at, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(scale);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String unitsBomb(String spec, String unused) {
        Map<String, Object> tree = Json.parseObject(spec);
        List<Object> layers = new ArrayList<>((List<Object>) tree.get("layers"));
        Map<String, Object> fc1 = new LinkedHashMap<>((Map<String, Object>) layers.get(1));
        fc1.put("in", 1 << 20);
        fc1.put("out", 1 << 20);
        layers.set(1, fc1);
        tree.put("layers", layers);
        return Json.write(tree);
    }

    @SuppressWarnings("unchecked")
    private static String manyLayers(String spec, int n) {
        Map<String, Object> tree = Json.parseObject(spec);
        List<Object> layers = new ArrayList<>((List<Object>) tree.get("layers"));
        for (int i = layers.size(); i < n; i++) layers.add(Map.of("type", "relu", "name", "r" + i));
        tree.put("layers", layers);
        return Json.write(tree);
    }

    /**
     * The convnet's first convolution padded by 10,000 (an output of 4 x 20004 x 20004 per
     * example), pooled straight down to 4 x 1 x 1 and classified by a 4-input dense layer: few
     * parameters, a consistent chain, and a first prediction that would need 6.4 GB.
     */
    @SuppressWarnings("unchecked")
    private static String paddingBomb(String spec) {
        Map<String, Object> tree = Json.parseObject(spec);
        List<Object> layers = (List<Object>) tree.get("layers");
        Map<String, Object> c1 = new LinkedHashMap<>((Map<String, Object>) layers.get(0));
        c1.put("padding", 10_000);
        Map<String, Object> fc = new LinkedHashMap<>((Map<String, Object>) layers.get(layers.size() - 1));
        fc.put("in", 4);
        tree.put("layers", List.of(c1, Map.of("type", "maxpool2d", "name", "bigpool", "kernel", 20004, "stride", 20004),
                Map.of("type", "flatten", "name", "flat"), fc));
        return Json.write(tree);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> encodingField(Map<String, String> m, String weight, String field, long value) {
        Map<String, Object> enc = Json.parseObject(m.get(CompressedModelFile.ENCODING_KEY));
        Map<String, Object> e = new LinkedHashMap<>((Map<String, Object>) enc.get(weight));
        e.put(field, value);
        enc.put(weight, e);
        m.put(CompressedModelFile.ENCODING_KEY, Json.write(enc));
        return m;
    }

    private static String historyJson(double first, double second) {
        return new CompressionHistory(List.of(
                new CompressionStep("prune", "l1", "weight", "layer", "oneshot", first, first, 0.9, 0.89),
                new CompressionStep("prune", "l1", "weight", "layer", "oneshot", second, second, 0.89, 0.88))).toJson();
    }

    private static byte[] positionsInput(int size, int count, int length, byte[] packed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(size).putInt(count).putInt(length);
        out.writeBytes(b.array());
        out.writeBytes(packed);
        return out.toByteArray();
    }
}
