package dev.secateur.nn.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.io.TensorInfo;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State dicts written from PyTorch 1.13 ({@code bench/scripts/torch_state_dict_fixtures.py}) load
 * with the logits PyTorch computed, and export back to the same keys.
 */
class StateDictsTest {
    static final Path FIXTURES = Path.of("src/test/resources/dev/secateur/nn/torch");

    @TempDir
    Path dir;

    static Path fixture(String name) { return FIXTURES.resolve(name); }

    /** Max |logit difference| between the model and the logits PyTorch stored for {@code name}. */
    static double logitError(Model model, String name) throws IOException {
        SafetensorsFile expected = SafetensorsFile.read(fixture(name + ".expected.safetensors"));
        Tensor logits = model.predict(expected.tensor("inputs"));
        float[] want = expected.f32("logits");
        assertEquals(want.length, logits.size());
        double max = 0;
        for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(logits.data()[logits.offset() + i] - want[i]));
        return max;
    }

    @Test
    void sequentialLenet5PairsModulesByPosition() throws IOException {
        StateDicts.Imported in = StateDicts.read(fixture("lenet5_seq.safetensors"), "lenet5");
        assertEquals(Map.of("conv1", "0", "conv2", "3", "fc1", "7", "fc2", "9", "fc3", "11"), in.torchNames());
        assertTrue(logitError(in.model(), "lenet5_seq") <= 1e-4, "logits differ from PyTorch's");
    }

    @Test
    void float16MlpWithMatchingNamesLoads() throws IOException {
        StateDicts.Imported in = StateDicts.read(fixture("lenet300_f16.safetensors"), "lenet300");
        assertEquals(Map.of("fc1", "fc1", "fc2", "fc2", "fc3", "fc3"), in.torchNames());
        assertTrue(logitError(in.model(), "lenet300_f16") <= 1e-4, "logits differ from PyTorch's");
        assertEquals(Set.of(), in.biasFree());
    }

    @Test
    void jsonArchitectureWithBatchNormAndNoConvBias() throws IOException {
        StateDicts.Imported in = StateDicts.read(fixture("bn_cnn.safetensors"), fixture("bn_cnn.json").toString());
        assertEquals(Map.of("conv", "features.0", "bn", "features.1", "fc", "classifier"), in.torchNames());
        assertEquals("bn_cnn", in.model().architecture());
        for (float b : in.model().parameter("conv.bias").value().data()) assertEquals(0f, b);
        assertEquals(Set.of("conv"), in.biasFree());
        assertTrue(logitError(in.model(), "bn_cnn") <= 1e-4, "logits differ from PyTorch's");
    }

    @Test
    void torchvisionStyleResNetPairsByKindAndOrder() throws IOException {
        StateDicts.Imported in = StateDicts.read(fixture("resnet8_f16.safetensors"), "resnet8");
        Map<String, String> names = in.torchNames();
        assertEquals("conv1", names.get("stem"));
        assertEquals("bn1", names.get("stem_bn"));
        assertEquals("layer2.0.downsample.0", names.get("block2.down"));
        assertEquals("layer3.0.downsample.1", names.get("block3.down_bn"));
        assertEquals("fc", names.get("fc"));
        assertEquals(9, in.biasFree().size()); // every conv: stem, 2 per block, 2 projections
        assertTrue(logitError(in.model(), "resnet8_f16") <= 1e-4, "logits differ from PyTorch's");
    }

    @Test
    void exportWritesTheImportedKeysAndReloadsBitForBit() throws IOException {
        for (String[] c : new String[][] {{"lenet5_seq", "lenet5"}, {"lenet300_f16", "lenet300"},
                {"bn_cnn", fixture("bn_cnn.json").toString()}, {"resnet8_f16", "resnet8"}}) {
            Path original = fixture(c[0] + ".safetensors");
            StateDicts.Imported in = StateDicts.read(original, c[1]);
            Path out = dir.resolve(c[0] + ".safetensors");
            StateDicts.save(in.model(), out, in.torchNames(), in.biasFree());
            Set<String> keys = keys(SafetensorsFile.read(out)), want = keys(SafetensorsFile.read(original));
            assertEquals(want, keys, c[0]);
            Model back = StateDicts.read(out, c[1]).model();
            for (Parameter p : in.model().namedTensors().values()) {
                assertArrayEquals(p.value().data(), back.namedTensors().get(p.name()).value().data(), p.name());
            }
            assertTrue(logitError(back, c[0]) <= 1e-4);
        }
    }

    @Test
    void prunedModelExportsDenseWithZerosAndNoMasks() throws IOException {
        Model m = Models.lenet5(Models.FASHION_MNIST, 3);
        Parameter w = m.parameter("fc1.weight");
        boolean[] keep = new boolean[w.size()];
        for (int i = 0; i < keep.length; i++) keep[i] = i % 3 == 0;
        w.setMask(keep);
        w.applyMask();
        Path out = dir.resolve("pruned.safetensors");
        StateDicts.save(m, out);
        SafetensorsFile f = SafetensorsFile.read(out);
        assertEquals("pt", f.metadata().get("format"));
        assertFalse(keys(f).stream().anyMatch(k -> k.endsWith(".mask")));
        float[] saved = f.f32("fc1.weight");
        assertEquals(w.size(), saved.length);
        for (int i = 0; i < saved.length; i++) {
            if (!keep[i]) assertEquals(0f, saved[i]);
            else assertEquals(w.value().data()[i], saved[i]);
        }
        assertArrayEquals(w.value().data(), StateDicts.load(out, "lenet5").parameter("fc1.weight").value().data());
    }

    @Test
    void cifarShapedZooModelIsRecognised() throws IOException {
        Model m = Models.lenet5(Models.CIFAR10, 5);
        Path out = dir.resolve("cifar.safetensors");
        StateDicts.save(m, out);
        assertEquals(Models.CIFAR10, StateDicts.load(out, "lenet5").inputShape());
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path f = rewrite("bn_cnn", Set.of("features.1.running_var"), Map.of());
        var e = assertThrows(ModelFormatException.class, () -> StateDicts.load(f, fixture("bn_cnn.json").toString()));
        assertTrue(e.getMessage().contains("missing tensor \"features.1.running_var\" for bn.running_var: expected [4]"), e.getMessage());
    }

    @Test
    void misShapedTensorNamesBothShapes() throws IOException {
        Path f = rewrite("lenet300_f16", Set.of("fc2.weight"), Map.of("fc2.weight", new int[] {100, 301}));
        var e = assertThrows(ModelFormatException.class, () -> StateDicts.load(f, "lenet300"));
        assertTrue(e.getMessage().contains("tensor \"fc2.weight\" for fc2.weight has shape [100, 301], expected [100, 300]"), e.getMessage());
    }

    @Test
    void extraTensorIsNamed() throws IOException {
        Path f = rewrite("lenet300_f16", Set.of(), Map.of("fc1.weight_scale", new int[] {300}));
        var e = assertThrows(ModelFormatException.class, () -> StateDicts.load(f, "lenet300"));
        assertTrue(e.getMessage().contains("extra tensor \"fc1.weight_scale\" F32 [300]"), e.getMessage());
    }

    @Test
    void positionPairingNeedsMatchingCounts() throws IOException {
        Path f = rewrite("lenet5_seq", Set.of("11.weight", "11.bias"), Map.of());
        var e = assertThrows(ModelFormatException.class, () -> StateDicts.load(f, "lenet5"));
        assertTrue(e.getMessage().contains("cannot pair dense layers by position"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void unknownArchitectureAndBadDescription() throws IOException {
        var e = assertThrows(ModelFormatException.class, () -> StateDicts.load(fixture("bn_cnn.safetensors"), "alexnet"));
        assertTrue(e.getMessage().contains("neither a zoo model"), e.getMessage());
        Path json = dir.resolve("bad.json");
        Files.writeString(json, "{\"input\": [1, 28, 28], \"layers\": [{\"type\": \"conv2d\", \"in_channels\": 1}]}");
        e = assertThrows(ModelFormatException.class, () -> StateDicts.load(fixture("bn_cnn.safetensors"), json.toString()));
        assertTrue(e.getMessage().contains("out_channels"), e.getMessage());
        Files.writeString(json, "{\"input\": [1, 28, 28], \"layers\": [{\"type\": \"dense\", \"in\": 784, \"out\": 1000000}]}");
        e = assertThrows(ModelFormatException.class, () -> StateDicts.load(fixture("bn_cnn.safetensors"), json.toString()));
        assertTrue(e.getMessage().contains("tensor data can hold at most"), e.getMessage());
    }

    @Test
    void moduleNameOnALayerWithoutTensorsIsRefused() throws IOException {
        Path json = dir.resolve("relu-named.json");
        Files.writeString(json, Files.readString(fixture("bn_cnn.json")).replace("{\"type\": \"relu\"}",
                "{\"type\": \"relu\", \"name\": \"act\", \"torch\": \"features.2\"}"));
        assertTrue(Files.readString(json).contains("features.2"));
        var e = assertThrows(ModelFormatException.class, () -> StateDicts.load(fixture("bn_cnn.safetensors"), json.toString()));
        assertTrue(e.getMessage().contains("\"act\", which is not a dense, conv2d or batchnorm layer"), e.getMessage());
    }

    @Test
    void bfloat16AndFloat64TensorsAreReadAsFloat32() throws IOException {
        Path json = dir.resolve("tiny.json");
        Files.writeString(json, "{\"input\": [3], \"layers\": [{\"type\": \"dense\", \"name\": \"fc\", \"in\": 3, \"out\": 2}]}");
        float[] w = {1.5f, -0.25f, 3f, 0.125f, -2f, 1f}; // exact in bfloat16
        ByteBuffer wb = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : w) wb.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-7.5);
        String header = "{\"fc.bias\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"fc.weight\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[16,28]}}";
        byte[] h = (header + " ".repeat((8 - header.length() % 8) % 8)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer file = ByteBuffer.allocate(8 + h.length + 28).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(h.length).put(h).put(bb.array()).put(wb.array());
        Path f = dir.resolve("mixed.safetensors");
        Files.write(f, file.array());
        Model m = StateDicts.load(f, json.toString());
        assertEquals("tiny", m.architecture());
        assertArrayEquals(w, m.parameter("fc.weight").value().data());
        assertArrayEquals(new float[] {0.1f, -7.5f}, m.parameter("fc.bias").value().data());
    }

    @Test
    void nonFiniteWeightIsRefused() throws IOException {
        SafetensorsFile f = SafetensorsFile.read(fixture("lenet300_f16.safetensors"));
        SafetensorsWriter w = new SafetensorsWriter();
        for (TensorInfo t : f.tensors()) {
            float[] v = f.f16(t.name());
            if (t.name().equals("fc2.bias")) v[7] = Float.NaN;
            w.putF32(t.name(), t.shape(), v);
        }
        Path out = dir.resolve("nan.safetensors");
        w.write(out);
        var e = assertThrows(ModelFormatException.class, () -> StateDicts.load(out, "lenet300"));
        assertTrue(e.getMessage().contains("fc2.bias holds the non-finite value NaN at element 7"), e.getMessage());
    }

    @Test
    void naturalOrderComparesNumbersAsNumbers() {
        var sorted = new java.util.ArrayList<>(java.util.List.of("10", "9", "features.10", "features.2", "layer1.0.downsample.0", "layer1.0.conv2", "a"));
        sorted.sort(TorchNames.NATURAL);
        assertEquals(java.util.List.of("9", "10", "a", "features.2", "features.10", "layer1.0.conv2", "layer1.0.downsample.0"), sorted);
    }

    /** A copy of a fixture without {@code drop} and with random F32 tensors {@code add}. */
    private Path rewrite(String name, Set<String> drop, Map<String, int[]> add) throws IOException {
        SafetensorsFile f = SafetensorsFile.read(fixture(name + ".safetensors"));
        SafetensorsWriter w = new SafetensorsWriter();
        for (TensorInfo t : f.tensors()) {
            if (drop.contains(t.name())) continue;
            switch (t.dtype()) {
                case F32 -> w.putF32(t.name(), t.shape(), f.f32(t.name()));
                case F16 -> w.putF32(t.name(), t.shape(), f.f16(t.name()));
                case I64 -> w.putI64(t.name(), t.shape(), f.i64(t.name()));
                default -> throw new AssertionError(t);
            }
        }
        add.forEach((k, shape) -> {
            int n = 1;
            for (int d : shape) n *= d;
            w.putF32(k, shape, Tensor.randomUniform(9, -1, 1, n).data());
        });
        Path out = dir.resolve(name + "-edited.safetensors");
        w.write(out);
        return out;
    }

    private static Set<String> keys(SafetensorsFile f) {
        return f.names().stream().collect(Collectors.toCollection(TreeSet::new));
    }
}
