package dev.secateur.bench.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.TensorInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The independent decoder {@code scripts/decode_secateur.py}, written from docs/file-format.md,
 * reproduces bit for bit the weights the Java loader reads from the shipped models and from their
 * int8 (sparse and dense) re-encodings. Skipped where no {@code python3} runs.
 */
class DecodeSecateurScriptTest {
    static final Path MODELS = Path.of("..", "models");
    static Optional<String> python;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() {
        python = Python.with();
    }

    @Test
    void shippedSparseFloatModel() throws Exception {
        check(MODELS.resolve("lenet5-12x.safetensors"));
    }

    @Test
    void shippedPlainModelWithBatchNorm() throws Exception {
        check(MODELS.resolve("vgg.safetensors"));
    }

    @Test
    void sparseInt8AndFloatWithChecksums() throws Exception {
        CompressedModelFile.Loaded pruned = CompressedModelFile.load(MODELS.resolve("lenet5-12x.safetensors"));
        Path int8 = dir.resolve("sparse-int8.safetensors"), f32 = dir.resolve("sparse-f32.safetensors");
        CompressedModelFile.save(pruned.model(), pruned.history(), true, int8);
        CompressedModelFile.save(pruned.model(), pruned.history(), false, f32);
        check(int8);
        check(f32);
    }

    @Test
    void denseInt8() throws Exception {
        Model dense = CompressedModelFile.load(MODELS.resolve("lenet5.safetensors")).model();
        Path int8 = dir.resolve("dense-int8.safetensors");
        CompressedModelFile.save(dense, new CompressionHistory(), true, int8);
        check(int8);
    }

    @Test
    void corruptTensorFailsItsChecksum() throws Exception {
        assumeTrue(python.isPresent(), "no python3");
        Model dense = CompressedModelFile.load(MODELS.resolve("lenet5-12x.safetensors")).model();
        Path file = dir.resolve("corrupt.safetensors");
        CompressedModelFile.save(dense, new CompressionHistory(), true, file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(file, bytes);
        Python.Result r = Python.run(python.get(), Python.script("decode_secateur.py"), file.toString());
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("CRC32C"), r.output());
    }

    /** Decodes {@code file} with the script and compares every tensor with the Java loader's. */
    private void check(Path file) throws Exception {
        assumeTrue(python.isPresent(), "no python3");
        Path out = dir.resolve("decoded-" + file.getFileName());
        Python.Result r = Python.run(python.get(), Python.script("decode_secateur.py"), file.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.output());
        Map<String, Parameter> want = CompressedModelFile.load(file).model().namedTensors();
        SafetensorsFile got = SafetensorsFile.read(out);
        assertEquals(new TreeSet<>(want.keySet()), new TreeSet<>(got.names()), file.toString());
        for (TensorInfo t : got.tensors()) {
            Parameter p = want.get(t.name());
            assertArrayEquals(p.value().shape().toArray(), t.shape(), t.name());
            assertArrayEquals(p.value().toArray(), got.f32(t.name()), file + ": " + t.name());
        }
    }
}
