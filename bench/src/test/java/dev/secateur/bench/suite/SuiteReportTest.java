package dev.secateur.bench.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteReportTest {
    @TempDir Path dir;

    @Test
    void reportStatesMachineFiguresWithErrorsAndNotes() {
        String md = SuiteReport.markdown(Synthetic.results(1), List.of(new SuiteCharts.Chart("A chart", "a-chart")), "charts");
        assertTrue(md.contains("| CPU | Test CPU |"), md);
        assertTrue(md.contains("| vector width | 512 bit |"), md);
        assertTrue(md.contains("commit `abc123`"), md);
        assertTrue(md.contains("![A chart](charts/a-chart.png) ([SVG](charts/a-chart.svg))"), md);
        assertTrue(md.contains("| time | secateur | 1024 | 20.0 ± 1.00 ms/op |"), md);
        assertTrue(md.contains("| speedup | csr | 0.9 | 5.00 ± 0.320 x |"), md);
        assertTrue(md.contains("| gflops | secateur | 1024 | 107 ± 5.37 GFLOPS |"), md);
        assertTrue(md.contains("- a note"), md);
    }

    @Test
    void chartsAreWrittenAsNonEmptyPngAndSvg() throws Exception {
        List<SuiteCharts.Chart> charts = SuiteCharts.write(Synthetic.results(1), dir);
        assertEquals(List.of("spmm-speedup-1024x1024_batch_1_random_mask", "gemm-gflops", "accuracy-vs-compression-lenet300", "size-vs-accuracy-lenet300"),
                charts.stream().map(SuiteCharts.Chart::file).toList());
        for (SuiteCharts.Chart c : charts) {
            byte[] png = Files.readAllBytes(dir.resolve(c.file() + ".png"));
            assertTrue(png.length > 1000, c.file());
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
            String svg = Files.readString(dir.resolve(c.file() + ".svg"));
            assertTrue(svg.contains("<svg") && svg.length() > 1000, c.file());
        }
        assertTrue(Files.readString(dir.resolve("spmm-speedup-1024x1024_batch_1_random_mask.svg")).length() > 0);
    }

    @Test
    void writeProducesResultsReportAndCharts() throws Exception {
        SuiteRunner.write(Synthetic.results(1), dir);
        assertTrue(Files.size(dir.resolve("results.json")) > 0);
        assertTrue(Files.readString(dir.resolve("report.md")).contains("## Charts"));
        assertTrue(Files.size(dir.resolve("charts").resolve("gemm-gflops.png")) > 0);
    }
}
