package dev.secateur.nn;

import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFileTest {
    @TempDir Path dir;

    private static void train(Model m, long seed) {
        // A few training-mode passes so BatchNorm running statistics are not the defaults.
        for (int i = 0; i < 3; i++) m.forward(Tensor.randomUniform(seed + i, -1, 1, 4, m.inputShape().dim(0), m.inputShape().dim(1), m.inputShape().dim(2)), true);
    }

    @Test void everyZooModelRoundTripsWithBitIdenticalPredictions() throws Exception {
        for (String name : Models.names()) {
            Model m = Models.byName(name, Models.FASHION_MNIST, 5);
            train(m, 9);
            Parameter first = m.parameters().getFirst();
            boolean[] keep = new boolean[first.size()];
            for (int i = 0; i < keep.length; i++) keep[i] = i % 4 != 0;
            first.setMask(keep);
            TrainingInfo info = new TrainingInfo("Fashion-MNIST sample", 3, 64, 7, "sgd", 0.875, 0.4, 12.5, "secateur train --model " + name);
            Path f = dir.resolve(name + ".safetensors");
            ModelFile.save(m, f, info, Map.of("note", "hello"));

            ModelFile.Loaded loaded = ModelFile.read(f);
            Model back = loaded.model();
            assertEquals(info, loaded.training());
            assertEquals("hello", loaded.metadata().get("note"));
            assertEquals(m.specTree(), back.specTree());
            assertTrue(back.parameters().getFirst().hasMask());
            assertArrayEquals(first.maskArray(), back.parameters().getFirst().maskArray());
            Tensor x = Tensor.randomUniform(3, -1, 1, 5, 1, 28, 28);
            assertArrayEquals(m.predict(x).toArray(), back.predict(x).toArray(), name);
            // Saving the loaded model gives the same bytes: nothing is lost or reordered.
            assertArrayEquals(Files.readAllBytes(f), ModelFile.toBytes(back, loaded.training(), Map.of("note", "hello")));
        }
    }

    @Test void missingTensorIsNamed() {
        Model m = Models.lenet300100(Models.FASHION_MNIST, 1);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Parameter p : m.parameters()) w.put(p.name().equals("fc2.bias") ? "fc2.bias_renamed" : p.name(), p.value());
        byte[] good = ModelFile.toBytes(m, TrainingInfo.NONE, Map.of());
        w.metadata(SafetensorsFile.parse(good, "x").metadata());
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.fromFile(SafetensorsFile.parse(w.toBytes(), "m.safetensors")));
        assertTrue(e.getMessage().contains("fc2.bias") && e.getMessage().contains("m.safetensors"), e.getMessage());
    }

    @Test void wrongShapeIsNamed() {
        Model m = Models.lenet300100(Models.FASHION_MNIST, 1);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Parameter p : m.parameters()) {
            if (p.name().equals("fc3.bias")) w.put(p.name(), Tensor.zeros(11));
            else w.put(p.name(), p.value());
        }
        w.metadata(SafetensorsFile.parse(ModelFile.toBytes(m, TrainingInfo.NONE, Map.of()), "x").metadata());
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.fromFile(SafetensorsFile.parse(w.toBytes(), "m")));
        assertTrue(e.getMessage().contains("fc3.bias") && e.getMessage().contains("[11]"), e.getMessage());
    }

    @Test void hugeDeclaredLayerIsRefusedBeforeAllocating() {
        SafetensorsWriter w = new SafetensorsWriter().putF32("fc.weight", new int[] {1}, new float[1]);
        w.metadata(Map.of("format", "secateur-model", "format_version", "1", "architecture",
                "{\"architecture\":\"x\",\"input\":[40000],\"layers\":[{\"type\":\"dense\",\"name\":\"fc\",\"in\":40000,\"out\":40000}]}"));
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.fromFile(SafetensorsFile.parse(w.toBytes(), "big")));
        assertTrue(e.getMessage().contains("declare"), e.getMessage());
    }

    @Test void badArchitectureJsonAndForeignFilesFailClearly() {
        SafetensorsWriter w = new SafetensorsWriter().putF32("a", new int[] {1}, new float[1]);
        var e1 = assertThrows(ModelFormatException.class, () -> ModelFile.fromFile(SafetensorsFile.parse(w.toBytes(), "plain")));
        assertTrue(e1.getMessage().contains("not a Secateur model"), e1.getMessage());
        w.metadata(Map.of("format", "secateur-model", "format_version", "1", "architecture", "{\"layers\": [}"));
        var e2 = assertThrows(ModelFormatException.class, () -> ModelFile.fromFile(SafetensorsFile.parse(w.toBytes(), "bad")));
        assertTrue(e2.getMessage().contains("architecture"), e2.getMessage());
        w.metadata(Map.of("architecture", "{\"architecture\":\"x\",\"input\":[4],\"layers\":[{\"type\":\"warp\",\"name\":\"w\"}]}"));
        var e3 = assertThrows(ModelFormatException.class, () -> ModelFile.fromFile(SafetensorsFile.parse(w.toBytes(), "bad")));
        assertTrue(e3.getMessage().contains("warp"), e3.getMessage());
    }

    @Test void truncatedFileFailsWithItsName() throws Exception {
        Path f = dir.resolve("t.safetensors");
        ModelFile.save(Models.lenet5(Models.FASHION_MNIST, 1), f, TrainingInfo.NONE);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 100));
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("t.safetensors"), e.getMessage());
    }
}
