package dev.secateur.nn.compressed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.io.TensorInfo;
import dev.secateur.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forged and corrupted compressed files: each ends in one ModelFormatException naming the problem. */
class CompressedLoadLimitsTest {
    @TempDir
    Path dir;
    Model model;
    Path file;

    @BeforeEach
    void save() throws Exception {
        model = TestModels.mlp(5);
        TestModels.keepLargest(model, 0.3);
        file = dir.resolve("m.safetensors");
        CompressedModelFile.save(model, new CompressionHistory(), false, file);
    }

    /** Rewrites {@code file} with the same tensors and {@code edit} applied to its metadata. */
    private Path withMetadata(UnaryOperator<Map<String, String>> edit) throws Exception {
        SafetensorsFile f = SafetensorsFile.read(file);
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
        Path out = dir.resolve("edited.safetensors");
        Files.write(out, w.toBytes());
        return out;
    }

    private static ModelFormatException refused(Path p) {
        return assertThrows(ModelFormatException.class, () -> CompressedModelFile.load(p));
    }

    @SuppressWarnings("unchecked")
    private static String editLayers(String spec, java.util.function.Consumer<List<Object>> edit) {
        Map<String, Object> tree = Json.parseObject(spec);
        List<Object> layers = new ArrayList<>((List<Object>) tree.get("layers"));
        edit.accept(layers);
        tree.put("layers", layers);
        return Json.write(tree);
    }

    @Test
    void layerOfAMillionUnitsIsRefusedBeforeAllocating() throws Exception {
        Path p = withMetadata(m -> {
            m.put(CompressedModelFile.MODEL_KEY, editLayers(m.get(CompressedModelFile.MODEL_KEY), layers -> {
                @SuppressWarnings("unchecked") Map<String, Object> fc1 = new LinkedHashMap<>((Map<String, Object>) layers.get(1));
                fc1.put("in", 1 << 20);
                fc1.put("out", 1 << 20);
                layers.set(1, fc1);
            }));
            return m;
        });
        ModelFormatException e = refused(p);
        assertTrue(e.getMessage().contains("declare") && e.getMessage().contains("edited.safetensors"), e.getMessage());
    }

    @Test
    void twoHundredThousandLayersAreRefused() throws Exception {
        Path p = withMetadata(m -> {
            m.put(CompressedModelFile.MODEL_KEY, editLayers(m.get(CompressedModelFile.MODEL_KEY), layers -> {
                for (int i = 0; i < 200_000; i++) layers.add(Map.of("type", "relu", "name", "r" + i));
            }));
            return m;
        });
        ModelFormatException e = refused(p);
        assertTrue(e.getMessage().contains("limit of " + ModelFile.MAX_LAYERS), e.getMessage());
    }

    @Test
    void positionsLengthNearTwoGigabytesIsRefused() throws Exception {
        Path p = withMetadata(m -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> enc = Json.parseObject(m.get(CompressedModelFile.ENCODING_KEY));
            @SuppressWarnings("unchecked") Map<String, Object> fc1 = new LinkedHashMap<>((Map<String, Object>) enc.get("fc1.weight"));
            fc1.put("positions_bytes", Integer.MAX_VALUE - 8);
            enc.put("fc1.weight", fc1);
            m.put(CompressedModelFile.ENCODING_KEY, Json.write(enc));
            return m;
        });
        ModelFormatException e = refused(p);
        assertTrue(e.getMessage().contains("fc1.weight") && e.getMessage().contains("positions_bytes"), e.getMessage());
    }

    @Test
    void corruptPositionsFailTheChecksumNamingTheTensor() throws Exception {
        SafetensorsFile f = SafetensorsFile.read(file);
        TensorInfo pos = f.info("fc1.weight#positions");
        byte[] bytes = Files.readAllBytes(file);
        long at = f.fileOffset(pos);
        for (int i = 0; i < Math.min(8, pos.byteLength()); i++) bytes[(int) at + i] ^= (byte) 0x5A;
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, bytes);
        ModelFormatException e = refused(bad);
        assertTrue(e.getMessage().contains("fc1.weight#positions") && e.getMessage().contains("CRC32C"), e.getMessage());
        assertEquals(at, e.offset());
    }

    @Test
    void filesWithoutChecksumsStillLoad() throws Exception {
        Path p = withMetadata(m -> {
            assertTrue(m.remove(CompressedModelFile.CHECKSUMS_KEY) != null);
            return m;
        });
        Model back = CompressedModelFile.load(p).model();
        Tensor x = Tensor.zeros(dev.secateur.tensor.Shape.of(2, 1, 4, 4));
        x.fill(0.25f);
        assertArrayEquals(model.predict(x).toArray(), back.predict(x).toArray());
    }

    @Test
    void checksumEntryForEveryTensorIsWritten() throws Exception {
        SafetensorsFile f = SafetensorsFile.read(file);
        Map<String, Object> sums = Json.parseObject(f.metadata(CompressedModelFile.CHECKSUMS_KEY));
        assertEquals(f.names().size(), sums.size());
        for (String n : f.names()) assertEquals(String.format("%08x", f.crc32c(n)), sums.get(n));
    }

    @Test
    void nanBiasIsRefusedNamingTheTensor() throws Exception {
        ((dev.secateur.nn.layers.Dense) model.layers().get(3)).bias().value().set(Float.NaN, 2);
        CompressedModelFile.save(model, new CompressionHistory(), true, file);
        ModelFormatException e = refused(file);
        assertTrue(e.getMessage().contains("fc2.bias") && e.getMessage().contains("non-finite"), e.getMessage());
    }

    @Test
    void infiniteQuantizationScaleIsRefusedNamingTheTensor() throws Exception {
        CompressedModelFile.save(model, new CompressionHistory(), true, file);
        SafetensorsFile f = SafetensorsFile.read(file);
        // Without checksums (an older file), so that the scale check itself is what refuses it.
        SafetensorsWriter w = new SafetensorsWriter();
        for (TensorInfo t : f.tensors()) {
            switch (t.dtype()) {
                case F32 -> {
                    float[] v = f.f32(t.name());
                    if (t.name().equals("fc3.weight#scales")) v[1] = Float.POSITIVE_INFINITY;
                    w.putF32(t.name(), t.shape(), v);
                }
                case U8 -> w.putU8(t.name(), t.shape(), f.u8(t.name()));
                case I8 -> w.putI8(t.name(), t.shape(), f.i8(t.name()));
                default -> throw new AssertionError(t.dtype());
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.remove(CompressedModelFile.CHECKSUMS_KEY);
        Files.write(file, w.metadata(meta).toBytes());
        ModelFormatException e = refused(file);
        assertTrue(e.getMessage().contains("fc3.weight#scales") && e.getMessage().contains("Infinity"), e.getMessage());
    }

    @Test
    void plainModelFileWithNanWeightIsRefused() throws Exception {
        Model m = TestModels.mlp(6);
        ((dev.secateur.nn.layers.Dense) m.layers().get(1)).weight().value().set(Float.NaN, 0, 0);
        Path p = dir.resolve("plain.safetensors");
        ModelFile.save(m, p, TrainingInfo.NONE);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(p));
        assertTrue(e.getMessage().contains("fc1.weight") && e.getMessage().contains("NaN"), e.getMessage());
    }
}
