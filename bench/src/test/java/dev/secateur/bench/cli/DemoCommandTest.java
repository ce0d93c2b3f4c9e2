package dev.secateur.bench.cli;

import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.io.Json;
import dev.secateur.prune.mask.ModelPruner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code secateur demo} end to end on the bundled sample with tiny settings (2 steps, a fifth of the sample per step). */
class DemoCommandTest {
    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test void demoCompressesTheShippedLeNet5ToTwelveTimesAndWritesTheResult() throws Exception {
        Path out = dir.resolve("nested/lenet5-c.safetensors"), json = dir.resolve("demo.json");
        // a generous budget: two tiny fine-tunes on the sample cannot hold 0.5 pp, and the point here is the pipeline
        CliRun r = run("demo", "--sample", "--steps", "2", "--finetune-epochs", "0.1", "--accuracy-budget", "100", "--latency-ms", "20",
                "--out", out.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("SAMPLE"), "says it used the bundled sample: " + r.out());
        assertTrue(r.out().contains("pre-check") && r.out().contains("is not compressed"), r.out());
        assertTrue(r.out().contains("dense vs compressed") && r.out().contains("latency batch 64"), r.out());
        assertTrue(r.out().contains("which layers got faster") && r.out().contains("batch 64: layer time") && r.out().contains("time share")
                && r.out().contains("whole model, batch 64:") && r.out().contains("the per-layer calibration predicted"),
                "per-layer reasons and where the time goes: " + r.out());
        assertTrue(Files.isRegularFile(out), "compressed model written");

        Map<String, Object> j = Json.parseObject(Files.readString(json));
        for (String key : List.of("test_accuracy", "accuracy_dense", "density", "params_nonzero", "params_total", "size_bytes",
                "size_bytes_dense", "flops", "flops_dense", "layers", "latency_ms_batch1", "latency_ms_batch64", "latency_kernel")) {
            assertTrue(j.containsKey(key) && j.get(key) != null, "JSON has " + key + ": " + j.keySet());
        }
        double density = ((Number) j.get("density")).doubleValue();
        assertTrue(density <= 1 / 12.0 + 1e-9, "12x reached, density " + density);
        assertEquals("reached_target", j.get("status"));
        assertTrue(((Number) j.get("size_bytes")).longValue() < ((Number) j.get("size_bytes_dense")).longValue() / 10, "pruned int8 file is small");
        assertTrue(((Number) j.get("flops")).longValue() < ((Number) j.get("flops_dense")).longValue());
        assertEquals(5, ((List<?>) j.get("layers")).size(), "LeNet-5 has five dense/conv layers");

        // the saved file is int8, records its history, and reloads at the same density
        CompressedModelFile.Loaded back = CompressedModelFile.load(out);
        assertTrue(back.int8());
        assertTrue(back.history().isPruned() && back.history().isQuantized());
        assertTrue(ModelPruner.density(back.model()) <= 1 / 12.0 + 1e-9);

        // pre-check on the result: already compressed, nothing done, nothing written
        Path again = dir.resolve("again.safetensors");
        CliRun r2 = run("demo", "--sample", "--model", out.toString(), "--latency-ms", "5", "--out", again.toString());
        assertEquals(0, r2.code(), r2.out() + r2.err());
        assertTrue(r2.out().contains("already compressed") && r2.out().contains("not written"), r2.out());
        assertFalse(Files.exists(again));
    }

    @Test void gradualScheduleWithSgdReachesTwelveTimesInOneFineTune() throws Exception {
        Path out = dir.resolve("agp.safetensors"), json = dir.resolve("agp.json");
        CliRun r = run("demo", "--sample", "--schedule", "agp:4", "--agp-ramp", "0.5", "--finetune-epochs", "1", "--optimizer", "sgd",
                "--lr", "0.01", "--no-int8", "--latency-ms", "5", "--accuracy-budget", "none", "--out", out.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("gradual pruning") && r.out().contains("SGD momentum"), r.out());
        assertTrue(r.err().contains("agp: event 4/4"), "all pruning events ran inside the fine-tune: " + r.err());
        Map<String, Object> j = Json.parseObject(Files.readString(json));
        assertEquals("reached_target", j.get("status"));
        assertEquals("agp:4", j.get("schedule"));
        assertEquals("sgd", j.get("optimizer"));
        assertTrue(((Number) j.get("density")).doubleValue() <= 1 / 12.0 + 1e-9, "12x reached: " + j.get("density"));
        CompressedModelFile.Loaded back = CompressedModelFile.load(out);
        assertFalse(back.int8());
        assertTrue(ModelPruner.density(back.model()) <= 1 / 12.0 + 1e-9);
    }

    @Test void badOptionsGiveOneErrorLine() {
        CliRun a = run("demo", "--sample", "--schedule", "agp", "--finetune-epochs", "0.5");
        assertEquals(2, a.code());
        assertTrue(a.err().contains("--schedule agp needs whole --finetune-epochs"), a.err());
        CliRun s = run("demo", "--sample", "--schedule", "gradual");
        assertEquals(2, s.code());
        assertTrue(s.err().contains("--schedule"), s.err());
        CliRun w = run("demo", "--sample", "--distill-weight", "2");
        assertEquals(2, w.code());
        assertTrue(w.err().contains("--distill-weight"), w.err());
        CliRun o = run("demo", "--sample", "--optimizer", "rmsprop");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--optimizer"), o.err());
        CliRun r = run("demo", "--sample", "--steps", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--steps"), r.err());
        CliRun m = run("demo", "--sample", "--model", dir.resolve("missing.safetensors").toString());
        assertEquals(2, m.code());
        assertTrue(m.err().contains("missing.safetensors"), m.err());
    }
}
