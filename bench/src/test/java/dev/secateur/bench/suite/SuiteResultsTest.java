package dev.secateur.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteResultsTest {
    @TempDir Path dir;

    @Test
    void roundTripsEveryFigureAndTheMachine() throws Exception {
        SuiteResults r = Synthetic.results(1);
        Path f = dir.resolve("results.json");
        r.write(f);
        SuiteResults back = SuiteResults.read(f);
        assertEquals(r.machine(), back.machine());
        assertEquals(r.figures(), back.figures());
        assertEquals(r.notes(), back.notes());
        assertTrue(Files.readString(f).contains("\"id\": \"spmm/time[batch=1,format=csr,mask=random,method=multiply,shape=1024x1024,sparsity=0.9]\""),
                "ids name the parameters in order");
    }

    @Test
    void refusesOtherFilesWithOneLineNamingTheFile() throws Exception {
        Path f = dir.resolve("other.json");
        Files.writeString(f, "{\"figures\": []}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SuiteResults.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("secateurSuite"), e.getMessage());
        Files.writeString(f, "{\"secateurSuite\": 1, \"machine\": {}, \"figures\": [{\"group\": \"g\"}]}");
        e = assertThrows(IllegalArgumentException.class, () -> SuiteResults.read(f));
        assertTrue(e.getMessage().contains("figures[0]") && e.getMessage().contains("'name'"), e.getMessage());
        Files.writeString(f, "not json");
        assertThrows(IllegalArgumentException.class, () -> SuiteResults.read(f));
    }

    @Test
    void readsJmhJsonWithMissingErrors() {
        Object jmh = dev.secateur.nn.io.Json.parse("""
                [{"benchmark": "dev.secateur.bench.kernels.ConvSparseBenchmark.conv", "mode": "avgt",
                  "params": {"format": "csr", "layer": "vgg64"},
                  "primaryMetric": {"score": 12.5, "scoreError": "NaN", "scoreUnit": "us/op"}},
                 {"benchmark": "dev.secateur.bench.kernels.GemmBenchmark.sgemm", "mode": "thrpt",
                  "primaryMetric": {"score": 3.0, "scoreError": 0.25, "scoreUnit": "ops/ms"}}]
                """);
        List<Figure> fs = JmhFigures.parse(jmh, "test.json");
        assertEquals("conv-sparse/time[format=csr,layer=vgg64,method=conv]", fs.get(0).id());
        assertEquals(12.5, fs.get(0).value());
        assertEquals(0, fs.get(0).error());
        assertTrue(fs.get(0).lowerIsBetter());
        assertEquals("gemm/rate[method=sgemm]", fs.get(1).id());
        assertEquals(0.25, fs.get(1).error());
        assertEquals(false, fs.get(1).lowerIsBetter());
    }
}
