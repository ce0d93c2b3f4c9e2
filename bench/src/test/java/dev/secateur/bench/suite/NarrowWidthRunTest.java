package dev.secateur.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run at 128 bits: the benchmark fork gets the width flag, and results.json records the width. */
class NarrowWidthRunTest {
    @TempDir Path dir;

    @Test
    void forksRunAtTheRequestedWidthAndTheResultsSayWhichWidth() throws Exception {
        JmhStep gemm = new JmhStep("gemm", "GemmBenchmark", List.of("sgemm"),
                Map.of("impl", List.of("secateur"), "size", List.of("64"), "threads", List.of("1")), 1, 1, 50, 1, 50, false);
        AccuracySweep none = new AccuracySweep(List.of(), List.of(), List.of(), List.of(), 1, 1, null);
        SuitePlan plan = new SuitePlan("narrow", List.of(gemm), none, List.of(), false);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        SuiteResults r = new SuiteRunner(plan, "128", 128, List.of("-XX:MaxVectorSize=16"), List.of(), dir,
                new PrintStream(console, true, StandardCharsets.UTF_8)).run();
        String log = Files.readString(dir.resolve("suite.log"));
        assertTrue(log.contains("vectors: 128-bit"), "the fork printed its width:\n" + log);
        assertTrue(log.contains("-XX:MaxVectorSize=16"), "JMH's VM options line names the flag");
        assertEquals(1, r.group("gemm").stream().filter(f -> f.name().equals("time")).count(), console.toString());
        SuiteResults back = SuiteResults.read(dir.resolve("results.json"));
        assertEquals("128", back.width());
        assertEquals(128, back.machine().vectorBits());
        assertTrue(back.machine().jvmFlags().contains("-XX:MaxVectorSize=16"), back.machine().jvmFlags().toString());
    }
}
