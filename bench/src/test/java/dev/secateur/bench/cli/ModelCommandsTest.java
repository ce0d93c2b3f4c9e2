package dev.secateur.bench.cli;

import dev.secateur.nn.ModelFile;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.zoo.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCommandsTest {
    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test void inspectPrintsEveryLayerAndWritesJson() throws Exception {
        Path f = dir.resolve("r.safetensors"), j = dir.resolve("r.json");
        ModelFile.save(Models.resnet(Models.FASHION_MNIST, 1, 1), f, TrainingInfo.NONE);
        CliRun r = run("inspect", f.toString(), "--json", j.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("block2.down") && r.out().contains("total"), r.out());
        String json = Files.readString(j);
        assertTrue(json.contains("\"params\"") && json.contains("\"flops\""), json);
    }

    @Test void badFileGivesAMessageAndExitCodeWithoutStackTrace() throws Exception {
        Path f = dir.resolve("junk.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        CliRun r = run("inspect", f.toString());
        assertEquals(2, r.code(), "bad input exits 2");
        assertTrue(r.err().contains("error:") && r.err().contains("junk.safetensors"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        CliRun v = run("eval", dir.resolve("missing.safetensors").toString(), "--verbose");
        assertEquals(2, v.code(), "a missing file is bad input");
        assertTrue(v.err().contains("\tat "), "--verbose shows the stack trace");
    }

    /** The seed's pipeline through the real CLI: prune + int8, "already compressed", report and eval of the compressed file. */
    @Test void pruneQuantizedFileIsReportedEvaluatedAndNotPrunedTwice() throws Exception {
        Path dense = Path.of("..", "models", "lenet300.safetensors");
        Path out = dir.resolve("p.safetensors"), again = dir.resolve("again.safetensors");
        Path pj = dir.resolve("p.json"), rj = dir.resolve("r.json");
        CliRun p = run("prune", dense.toString(), "--criterion", "l1", "--granularity", "unstructured", "--scope", "global",
                "--sparsity", "0.9", "--schedule", "oneshot", "--finetune-epochs", "0", "--accuracy-budget", "none", "--int8", "--out", out.toString(),
                "--json", pj.toString());
        assertEquals(0, p.code(), p.err());
        String pjson = Files.readString(pj);
        for (String key : new String[] {"test_accuracy", "accuracy_dense", "density", "params_nonzero", "params_total",
                "size_bytes", "size_bytes_dense", "flops", "flops_dense", "layers"}) {
            assertTrue(pjson.contains("\"" + key + "\""), key + " missing in " + pjson);
        }
        assertTrue(Files.size(out) * 10 < Files.size(dense), "pruned int8 file should be far smaller: " + Files.size(out));

        CliRun twice = run("prune", out.toString(), "--sparsity", "0.9", "--out", again.toString());
        assertEquals(0, twice.code(), twice.err());
        assertTrue((twice.out() + twice.err()).contains("already compressed"), twice.out() + twice.err());
        assertFalse(Files.exists(again), "an already compressed model must not be written again");

        CliRun r = run("report", out.toString(), "--no-latency", "--json", rj.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(rj).contains("\"density\""));

        CliRun e = run("eval", out.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("test accuracy"), e.out());
    }
}
