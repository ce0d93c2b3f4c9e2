package dev.secateur.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.bench.suite.Figure;
import dev.secateur.bench.suite.Machine;
import dev.secateur.bench.suite.SuiteResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
    @TempDir Path dir;

    private Path results(String name, double micros, double error) throws Exception {
        Machine m = new Machine("cpu", 2, 512, 1, 1, 1, "os", "jdk", List.of(), "c", "d", "0", "auto");
        Figure f = new Figure("spmm", "time", Map.of("format", "csr"), micros, error, "us/op", true, false);
        Path p = dir.resolve(name + ".json");
        new SuiteResults(m, "tiny", "default", List.of(f), List.of()).write(p);
        return p;
    }

    @Test
    void exitCodesGateAPipeline() throws Exception {
        Path base = results("base", 100, 2);
        CliRun same = CliRun.of("compare", base.toString(), results("noise", 103, 2).toString());
        assertEquals(0, same.code(), same.out() + same.err());
        assertTrue(same.out().contains("| unchanged |"), same.out());

        Path out = dir.resolve("cmp.md");
        CliRun slower = CliRun.of("compare", base.toString(), results("slow", 110, 2).toString(), "--out", out.toString());
        assertEquals(CompareCommand.REGRESSION, slower.code(), slower.out() + slower.err());
        assertTrue(slower.out().contains("| 1.100 | regression |"), slower.out());
        assertTrue(Files.readString(out).contains("1 regressions"));

        CliRun faster = CliRun.of("compare", base.toString(), results("fast", 90, 2).toString());
        assertEquals(0, faster.code());
        assertTrue(faster.out().contains("improvement"), faster.out());

        CliRun tolerant = CliRun.of("compare", base.toString(), dir.resolve("slow.json").toString(), "--min-change", "0.2");
        assertEquals(0, tolerant.code(), tolerant.out());
    }

    @Test
    void badInputIsExitCodeTwoWithOneLine() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[1, 2]");
        CliRun r = CliRun.of("compare", results("a", 1, 0).toString(), bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("error: ") && r.err().contains(bad.toString()), r.err());
        assertEquals(2, CliRun.of("compare", dir.resolve("missing.json").toString(), bad.toString()).code());
    }
}
