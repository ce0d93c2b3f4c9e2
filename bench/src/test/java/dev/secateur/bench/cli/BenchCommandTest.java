package dev.secateur.bench.cli;

import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {
    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path prunedModel() throws Exception {
        Model m = Models.lenet300100(Shape.of(1, 8, 8), 3);
        SplittableRandom r = new SplittableRandom(4);
        for (Parameter p : m.parameters()) {
            if (!p.name().endsWith(".weight")) continue;
            boolean[] keep = new boolean[p.size()];
            for (int i = 0; i < keep.length; i++) keep[i] = r.nextDouble() < 0.1;
            p.setMask(keep);
        }
        Path f = dir.resolve("p.safetensors");
        ModelFile.save(m, f, TrainingInfo.NONE);
        return f;
    }

    @SuppressWarnings("unchecked")
    @Test void reportsEveryLayerAndBatchAndWritesJson() throws Exception {
        Path f = prunedModel(), j = dir.resolve("b.json");
        CliRun r = run("bench", f.toString(), "--batch", "1,3", "--threads", "1", "--seconds", "0.05", "--budget-ms", "1",
                "--jit-warmup-ms", "0", "--json", j.toString());
        assertEquals(0, r.code(), r.err());
        for (String s : List.of("fc1", "fc2", "fc3", "bound", "compiled img/s")) assertTrue(r.out().contains(s), r.out());
        Map<String, Object> json = (Map<String, Object>) Json.read(j);
        assertEquals(6, ((List<?>) json.get("layers")).size(), "3 layers x 2 batch sizes");
        List<Map<String, Object>> tp = (List<Map<String, Object>>) json.get("throughput");
        assertEquals(2, tp.size());
        for (Map<String, Object> row : tp) assertTrue(((Number) row.get("compiled_images_per_s")).doubleValue() > 0, row.toString());
        assertTrue(json.containsKey("secateur.kernel_choice"));
        assertTrue(((Number) json.get("bound")).doubleValue() > 5, json.get("bound").toString());
    }

    @Test void badOptionsGiveAMessage() throws Exception {
        Path f = prunedModel();
        for (String[] bad : List.of(new String[] {"--batch", "0"}, new String[] {"--threads", "0"}, new String[] {"--seconds", "-1"})) {
            String[] args = new String[bad.length + 2];
            args[0] = "bench";
            args[1] = f.toString();
            System.arraycopy(bad, 0, args, 2, bad.length);
            CliRun r = run(args);
            assertEquals(2, r.code(), String.join(" ", bad));
            assertTrue(r.err().contains("error:"), r.err());
        }
    }
}
