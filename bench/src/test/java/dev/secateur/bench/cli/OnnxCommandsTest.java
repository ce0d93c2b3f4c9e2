package dev.secateur.bench.cli;

import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code secateur import} / {@code export}, and other commands reading {@code .onnx} directly. */
class OnnxCommandsTest {
    @TempDir Path tmp;

    static Path fixture(String name) throws Exception {
        return Path.of(OnnxCommandsTest.class.getResource("/onnx/" + name).toURI());
    }

    @Test
    void importThenExportBothWays() throws Exception {
        Path st = tmp.resolve("mlp.safetensors");
        CliRun r = CliRun.of("import", fixture("mlp.onnx").toString(), "--out", st.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("input normalization kept"), r.out());
        SafetensorsFile f = SafetensorsFile.read(st);
        assertNotNull(InputNormalization.fromJson(f.metadata().get(InputNormalization.METADATA_KEY)));
        assertEquals(52650, ModelFile.load(st).parameterCount());

        Path onnx = tmp.resolve("back.onnx"), dense = tmp.resolve("dense.safetensors");
        r = CliRun.of("export", st.toString(), "--onnx", onnx.toString(), "--dense", dense.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(onnx) > 200_000);
        assertEquals(52650, ModelFile.load(dense).parameterCount());
    }

    @Test
    void denseExportOfAPrunedModelKeepsZerosWithoutMasks() throws Exception {
        Path dense = tmp.resolve("dense.safetensors");
        CliRun r = CliRun.of("export", Path.of("..", "models", "lenet5-12x.safetensors").toString(), "--dense", dense.toString());
        assertEquals(0, r.code(), r.err());
        SafetensorsFile f = SafetensorsFile.read(dense);
        assertTrue(f.names().stream().noneMatch(n -> n.contains("#") || n.endsWith(".mask")), f.names().toString());
        var m = ModelFile.load(dense);
        assertTrue(m.nonZeroCount() < m.parameterCount() / 5);
    }

    @Test
    void stateDictExportImportsBackToTheSameWeights() throws Exception {
        Path shipped = Path.of("..", "models", "lenet5.safetensors");
        Path sd = tmp.resolve("lenet5.state_dict.safetensors"), back = tmp.resolve("back.safetensors");
        CliRun r = CliRun.of("export", shipped.toString(), "--state-dict", sd.toString());
        assertEquals(0, r.code(), r.err());
        r = CliRun.of("import", sd.toString(), "--arch", "lenet5", "--out", back.toString());
        assertEquals(0, r.code(), r.err());
        var original = ModelFile.load(shipped).namedTensors();
        var imported = ModelFile.load(back).namedTensors();
        assertEquals(original.keySet(), imported.keySet());
        for (var e : original.entrySet()) {
            assertTrue(java.util.Arrays.equals(e.getValue().value().toArray(), imported.get(e.getKey()).value().toArray()), e.getKey());
        }
        r = CliRun.of("import", sd.toString(), "--arch", "lenet300", "--out", tmp.resolve("wrong.safetensors").toString());
        assertEquals(2, r.code(), r.out());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), r.err());
    }

    @Test
    void evalUsesTheNormalizationTheModelRecords() throws Exception {
        CliRun r = CliRun.of("eval", fixture("mlp.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("input normalization recorded in the model"), r.out());
    }

    @Test
    void inspectReadsOnnxDirectly() throws Exception {
        CliRun r = CliRun.of("inspect", fixture("resnet.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("block2"), r.out());
    }

    @Test
    void badOnnxFileIsOneErrorLineAndExitTwo() throws Exception {
        Path bad = tmp.resolve("bad.onnx");
        Files.write(bad, Arrays.copyOf(Files.readAllBytes(fixture("lenet5.onnx")), 5000));
        CliRun r = CliRun.of("eval", bad.toString());
        assertEquals(2, r.code());
        long errorLines = r.err().lines().filter(l -> l.startsWith("error: ")).count();
        assertEquals(1, errorLines, r.err());
        assertTrue(r.err().contains("bad.onnx"), r.err());
        assertEquals(2, CliRun.of("export", fixture("lenet5.onnx").toString()).code(), "nothing to write");
    }

    private static final class Arrays {
        static byte[] copyOf(byte[] b, int n) { return java.util.Arrays.copyOf(b, n); }
    }
}
