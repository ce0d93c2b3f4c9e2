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
        assertEquals(1, r.code());
        assertTrue(r.err().contains("error:") && r.err().contains("junk.safetensors"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        CliRun v = run("eval", dir.resolve("missing.safetensors").toString(), "--verbose");
        assertEquals(1, v.code());
        assertTrue(v.err().contains("\tat "), "--verbose shows the stack trace");
    }
}
