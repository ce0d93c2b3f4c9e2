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
        for (String group : List.of("gemm", "magnitude", "spmm", "conv", "model", "ort-model", "accuracy")) {
            assertTrue(res.figures().stream().anyMatch(f -> f.group().equals(group)), "no " + group + " figures");
        }
        List<Figure> coo = res.figures().stream().filter(f -> f.group().equals("spmm") && f.param("format").equals("coo")).toList();
        assertEquals(2, coo.stream().filter(f -> f.name().equals("time")).count(), "coo timed at both sparsities");
        assertEquals(2, coo.stream().filter(f -> f.name().equals("speedup")).count(), "coo against dense");
        assertTrue(res.figures().stream().allMatch(f -> Double.isFinite(f.value()) && f.error() >= 0));
        // ONNX Runtime is on the test class path: its step ran both sides and the ratio was derived.
        assertEquals(2, res.figures().stream().filter(f -> f.group().equals("ort-model") && f.name().equals("time")).count(), res.notes().toString());
        assertEquals(1, res.figures().stream().filter(f -> f.group().equals("ort-model") && f.name().equals("speedup")).count());
        assertTrue(r.out().contains("step model-ort took"), r.out());
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
        assertTrue(Files.size(redrawn.resolve("jmh").resolve("spmm-square.json")) > 0, "JMH JSON copied beside the redrawn report");

        Path appendix = dir.resolve("appendix.md");
        Files.writeString(appendix, "## Training against PyTorch\n\nhand-kept text\n");
        Path md = dir.resolve("doc").resolve("BENCHMARKS.md");
        CliRun gen = CliRun.of("suite", "--report-from", out.toString(), "--out", dir.resolve("doc").resolve("suite-tiny").toString(),
                "--benchmarks-md", md.toString(), "--appendix", appendix.toString());
        assertEquals(0, gen.code(), gen.err());
        String text = Files.readString(md);
        assertTrue(text.contains("![SGEMM GFLOPS vs size (square, row-major)](suite-tiny/charts/gemm-gflops.png)"), text);
        assertTrue(text.contains("Against ONNX Runtime"), text);
        assertTrue(text.contains("--benchmarks-md") && text.endsWith("hand-kept text\n"), text);
        assertTrue(Files.size(dir.resolve("doc").resolve("suite-tiny").resolve("charts").resolve("gemm-gflops.png")) > 0);
    }

    @Test
    void dryRunPrintsEveryStepWithItsEstimateAndRunsNothing() {
        CliRun r = CliRun.of("suite", "--preset", "full", "--dry-run", "--out", dir.resolve("never").toString());
        assertEquals(0, r.code(), r.err());
        for (String step : List.of("gemm", "magnitude", "spmm-square-dense1", "spmm-square", "spmm-lenet300", "spmm-resnet50-56",
                "spmm-transformer", "conv", "conv-sparse", "model", "model-ort", "accuracy sweep", "estimated total")) {
            assertTrue(r.out().contains(step), step + "\n" + r.out());
        }
        assertTrue(r.out().contains("needs ai.onnxruntime.OrtEnvironment"), r.out());
        assertTrue(!Files.exists(dir.resolve("never")));
        CliRun narrow = CliRun.of("suite", "--preset", "full", "--width", "128", "--dry-run");
        assertTrue(narrow.out().contains("forks run with -XX:MaxVectorSize=16"), narrow.out());
        assertTrue(!narrow.out().contains("wsell16"), "no 512-bit format at 128 bits");
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
        r = CliRun.of("suite", "--report-from", dir.toString(), "--appendix", "x.md");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--appendix needs --benchmarks-md"), r.err());
    }
}
