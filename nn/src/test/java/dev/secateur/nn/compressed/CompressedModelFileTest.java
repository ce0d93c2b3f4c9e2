package dev.secateur.nn.compressed;

import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.layers.Dense;
import dev.secateur.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressedModelFileTest {

    @Test
    void int8SparseRoundTripKeepsZerosAndStaysWithinHalfAScale(@TempDir Path dir) throws Exception {
        Model m = TestModels.convNet(1);
        TestModels.keepLargest(m, 0.2);
        Map<String, float[]> original = new java.util.HashMap<>();
        for (Parameter p : TestModels.weights(m)) original.put(p.name(), p.value().toArray());
        CompressionHistory h = new CompressionHistory();
        h.add(new CompressionStep("quantize", "", "", "", "", Double.NaN, 0.2, 0.5, 0.49));
        Path file = dir.resolve("q.safetensors");
        CompressedModelFile.save(m, h, true, file);
        CompressedModelFile.Loaded back = CompressedModelFile.load(file);
        assertTrue(back.int8());
        assertTrue(back.history().isQuantized());
        for (Parameter p : TestModels.weights(back.model())) {
            float[] w0 = original.get(p.name());
            float[] w1 = p.value().toArray();
            QuantizedWeights q = new Int8Quantizer().quantize(w0, p.value().shape());
            int row = w0.length / q.scales().length;
            for (int i = 0; i < w0.length; i++) {
                if (w0[i] == 0f) assertEquals(0f, w1[i]);
                assertTrue(Math.abs(w0[i] - w1[i]) <= q.scales()[i / row] / 2 * (1 + 1e-5), p.name() + " " + i);
            }
        }
        // Buffers and biases survive exactly.
        for (var e : m.namedTensors().entrySet()) {
            if (e.getKey().endsWith(".weight") && TestModels.weights(m).stream().anyMatch(p -> p == e.getValue())) continue;
            assertArrayEquals(e.getValue().value().toArray(), back.model().namedTensors().get(e.getKey()).value().toArray(), e.getKey());
        }
    }

    @Test
    void sparseFileIsMuchSmallerThanDense(@TempDir Path dir) throws Exception {
        Model m = new Model("big", Shape.of(400), List.of(new Dense("fc", 400, 300))).initialize(1);
        Path dense = dir.resolve("d.safetensors");
        CompressedModelFile.save(m, new CompressionHistory(), false, dense);
        TestModels.keepLargest(m, 1 / 12.0);
        Path sparse = dir.resolve("s.safetensors");
        CompressedModelFile.save(m, new CompressionHistory(), true, sparse);
        double ratio = (double) Files.size(dense) / Files.size(sparse);
        assertTrue(ratio >= 25, "dense/sparse+int8 size ratio " + ratio);
    }

    @Test
    void corruptFilesAreRejectedWithAMessage(@TempDir Path dir) throws Exception {
        Model m = TestModels.mlp(2);
        TestModels.keepLargest(m, 0.3);
        Path file = dir.resolve("m.safetensors");
        CompressedModelFile.save(m, new CompressionHistory(), true, file);
        byte[] bytes = Files.readAllBytes(file);
        SplittableRandom r = new SplittableRandom(3);
        int rejected = 0;
        for (int t = 0; t < 40; t++) {
            byte[] bad = bytes.clone();
            int at = r.nextInt(bytes.length);
            bad[at] ^= (byte) (1 + r.nextInt(255));
            Path p = dir.resolve("bad" + t + ".safetensors");
            Files.write(p, bad);
            try {
                CompressedModelFile.load(p);
            } catch (IllegalArgumentException e) {
                rejected++;
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            }
        }
        assertTrue(rejected > 0);
        Path notOurs = dir.resolve("x.safetensors");
        new dev.secateur.nn.io.SafetensorsWriter().putF32("a", new int[]{1}, new float[]{1}).write(notOurs);
        assertThrows(IllegalArgumentException.class, () -> CompressedModelFile.load(notOurs));
    }
}
