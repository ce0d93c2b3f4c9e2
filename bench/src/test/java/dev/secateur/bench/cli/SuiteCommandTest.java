package dev.secateur.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.bench.suite.Figure;
import dev.secateur.bench.suite.SuiteResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tiny} preset end to end, with the worked example format registered from the command line. */
class SuiteCommandTest {
    @TempDir Path dir;

    @Test
    void tinyPresetRunsEndToEndWithAnExtraFormat() throws Exception {
        Path models = Path.of("..", "models");
        String before = System.getProperty("secateur.models");
        if (Files.isDirectory(models)) System.setProperty("secateur.models", models.toString());
        Path out = dir.resolve("run");
        CliRun r;
        try {
            r = CliRun.of("suite", "--preset", "tiny", "--out", out.toString(),
                    "--format-class", "dev.secateur.bench.suite.example.CooFormat");
        } finally {
            if (before == null) System.clearProperty("secateur.models");
            else System.setProperty("secateur.models", before);
        }
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ETA"), r.out());
        assertTrue(r.out().contains("format check against the float64 reference: 3 formats passed"), r.out());

        SuiteResults res = SuiteResults.read(out.resolve("results.json"));
        for (String group : List.of("gemm", "magnitude", "spmm", "conv", "model", "accuracy")) {
            assertTrue(res.figures().stream().anyMatch(f -> f.group().equals(group)), "no " + group + " figures");
        }
        List<Figure> coo = res.figures().stream().filter(f -> f.group().equals("spmm") && f.param("format").equals("coo")).toList();
        assertEquals(2, coo.stream().filter(f -> f.name().equals("time")).count(), "coo timed at both sparsities");
        assertEquals(2, coo.stream().filter(f -> f.name().equals("speedup")).count(), "coo against dense");
        assertTrue(res.figures().stream().allMatch(f -> Double.isFinite(f.value()) && f.error() >= 0));
        assertTrue(Files.size(out.resolve("jmh").resolve("spmm-square.json")) > 0, "JMH JSON kept");
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| coo |"), report);
        for (String chart : List.of("gemm-gflops", "spmm-speedup-64x64_batch_1_random_mask", "accuracy-vs-compression-lenet300", "size-vs-accuracy-lenet300")) {
            assertTrue(Files.size(out.resolve("charts").resolve(chart + ".png")) > 0, chart);
            assertTrue(Files.size(out.resolve("charts").resolve(chart + ".svg")) > 0, chart);
        }

        Path redrawn = dir.resolve("redrawn");
        CliRun again = CliRun.of("suite", "--report-from", out.toString(), "--out", redrawn.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(report, Files.readString(redrawn.resolve("report.md")));
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        CliRun r = CliRun.of("suite", "--preset", "huge", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown preset 'huge'"), r.err());
        r = CliRun.of("suite", "--width", "64", "--out", dir.toString());
        assertEquals(2, r.code());
        r = CliRun.of("suite", "--preset", "tiny", "--format-class", "no.such.Format", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no.such.Format is not on the class path"), r.err());
    }
}
