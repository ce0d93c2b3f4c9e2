package dev.secateur.nn;

import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InputNormalizationTest {
    @TempDir Path tmp;

    @Test
    void perChannelApplyAndJsonRoundTrip() {
        InputNormalization n = new InputNormalization(new float[] {0.5f, 0.25f}, new float[] {0.5f, 2f});
        float[] raw = {1f, 0f, 0.25f, 0.75f, /* second sample */ 0.5f, 0.5f, 0.25f, 4.25f};
        float[] got = n.apply(raw, 2, Shape.of(2, 1, 2));
        assertArrayEquals(new float[] {1f, -1f, 0f, 0.25f, 0f, 0f, 0f, 2f}, got);
        assertEquals(n, InputNormalization.fromJson(n.toJson()));
        assertNull(InputNormalization.fromJson(null));
        assertThrows(IllegalArgumentException.class, () -> new InputNormalization(new float[] {0f}, new float[] {0f}));
        assertThrows(IllegalArgumentException.class, () -> InputNormalization.fromJson("{\"mean\": [0.1], \"std\": []}"));
        assertThrows(IllegalArgumentException.class, () -> n.apply(raw, 2, Shape.of(3, 1, 1)));
    }

    @Test
    void predictorAppliesTheNormalizationStoredInTheFile() throws Exception {
        Model m = Models.lenet5(Models.FASHION_MNIST, 3);
        InputNormalization n = new InputNormalization(new float[] {0.2860f}, new float[] {0.3530f});
        Path f = tmp.resolve("m.safetensors");
        ModelFile.save(m, f, TrainingInfo.NONE, Map.of(InputNormalization.METADATA_KEY, n.toJson()));
        Predictor p = Predictor.load(f);
        assertEquals(n, p.normalization());
        float[] raw = new float[3 * 784];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < raw.length; i++) raw[i] = rng.nextInt(256) / 255f;
        float[] normalized = new float[raw.length];
        for (int i = 0; i < raw.length; i++) normalized[i] = (raw[i] - 0.2860f) / 0.3530f;
        assertArrayEquals(p.predict(normalized, 3), p.predictRaw(raw, 3));
        assertArrayEquals(p.classify(dev.secateur.tensor.Tensor.wrap(normalized, 3, 1, 28, 28)), p.classifyRaw(raw, 3));
        assertThrows(IllegalStateException.class, () -> Predictor.of(m).predictRaw(raw, 3));
    }

    @Test
    void compressedFilesCarryTheNormalizationThroughASave() throws Exception {
        Model m = Models.lenet5(Models.FASHION_MNIST, 3);
        InputNormalization n = new InputNormalization(new float[] {0.5f}, new float[] {0.25f});
        Path plain = tmp.resolve("plain.safetensors"), compressed = tmp.resolve("c.safetensors");
        ModelFile.save(m, plain, TrainingInfo.NONE, Map.of(InputNormalization.METADATA_KEY, n.toJson()));
        var loaded = dev.secateur.nn.compressed.CompressedModelFile.load(plain);
        assertEquals(n, loaded.normalization());
        dev.secateur.nn.compressed.CompressedModelFile.save(loaded.model(), loaded.history(), true, loaded.training(),
                loaded.normalization(), compressed);
        assertEquals(n, dev.secateur.nn.compressed.CompressedModelFile.load(compressed).normalization());
        assertEquals(n, Predictor.load(compressed).normalization());
    }
}
