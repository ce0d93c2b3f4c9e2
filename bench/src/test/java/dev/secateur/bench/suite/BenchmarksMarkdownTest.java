package dev.secateur.bench.suite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarksMarkdownTest {
    @TempDir Path dir;

    /** The synthetic run plus magnitude, convolution, model and ONNX Runtime timings. */
    private static SuiteResults results() {
        List<Figure> f = Synthetic.measured(1);
        f.add(Synthetic.time("magnitude", Synthetic.p("method", "vector", "shape", "rows4096x4096"), 2600, 200, "us/op"));
        f.add(Synthetic.time("magnitude", Synthetic.p("method", "copy", "shape", "rows4096x4096"), 3000, 100, "us/op"));
        f.add(Synthetic.time("conv", Synthetic.p("method", "forward", "layer", "6x14x14-16k5s1p0-b64", "threads", "1"), 0.4, 0.02, "ms/op"));
        f.add(Synthetic.time("conv-sparse", Synthetic.p("method", "conv", "format", "dense", "layer", "vgg64", "sparsity", "0.9", "threads", "1"), 550, 30, "us/op"));
        f.add(Synthetic.time("conv-sparse", Synthetic.p("method", "conv", "format", "direct", "layer", "vgg64", "sparsity", "0.9", "threads", "1"), 110, 2, "us/op"));
        for (String[] m : new String[][] {{"model", "12"}, {"compiled-dense", "15"}, {"compiled", "6"}}) {
            f.add(Synthetic.time("model", Synthetic.p("method", "infer", "model", "lenet300", "impl", m[0], "batch", "1", "weights", "pruned"),
                    Double.parseDouble(m[1]), 0.5, "us/op"));
        }
        // ORT: Secateur 10 ± 1 vs ORT 10.5 ± 1 (a tie) dense, 4 ± 0.1 vs 12 ± 0.3 (faster) pruned.
        for (String[] m : new String[][] {{"dense", "secateur", "10", "1"}, {"dense", "onnxruntime", "10.5", "1"},
                {"pruned", "secateur", "4", "0.1"}, {"pruned", "onnxruntime", "12", "0.3"}}) {
            f.add(Synthetic.time("ort-model", Synthetic.p("method", "infer", "model", "lenet5", "impl", m[1], "batch", "1", "weights", m[0]),
                    Double.parseDouble(m[2]), Double.parseDouble(m[3]), "us/op"));
        }
        f.addAll(Derived.of(f));
        return new SuiteResults(Synthetic.machine(), "full", "default", f, List.of("a note"));
    }

    @Test
    void tablesCarryTheRatiosErrorsAndVerdicts() throws Exception {
        SuiteResults r = results();
        List<SuiteCharts.Chart> charts = SuiteCharts.write(r, dir.resolve("charts"));
        String md = BenchmarksMarkdown.markdown(r, charts, "docs/bench/suite-full/charts", "./secateur suite --report-from X", "## Training\n\nhand-kept");
        // The commands: the suite run and the generator.
        assertTrue(md.contains("OPENBLAS_CORETYPE=Haswell flock /tmp/bench.lock ./secateur suite --preset full --out runs/suite-full\n./secateur suite --report-from X\n"), md);
        assertTrue(md.contains("| CPU | Test CPU |") && md.contains("commit `abc123`"), md);
        assertTrue(md.contains("| OpenBLAS kernel (`OPENBLAS_CORETYPE`) | Haswell |"), md);
        // SGEMM: OpenBLAS 16 ± 0.5 ms over Secateur 20 ± 1 ms = 0.8, relative error hypot(0.5/16, 1/20) = 0.059 -> 0.047.
        assertTrue(md.contains("| 1024 | 1 | 20.0 ± 1.00 | 107 | 16.0 ± 0.500 | 134 | 0.800× ± 0.0472 | slower |"), md);
        assertTrue(md.contains("| 512 | 1 | 2.50 ± 0.100 | 107 | 2.00 ± 0.100 | 134 | 0.800× ± 0.0512 | slower |"), md);
        assertTrue(md.indexOf("| 512 | 1 |") < md.indexOf("| 1024 | 1 |"), "sizes in order");
        // Magnitude: vector / copy time 2600 / 3000.
        assertTrue(md.contains("| rows4096x4096 | 2600 ± 200 | 3000 ± 100 | 0.867× ± 0.0727 |"), md);
        // SpMM: csr 100/80 = 1.25 at 50%, 100/20 = 5 at 90%, both beyond their errors; bounds 2x and 10x.
        assertTrue(md.contains("### 1024x1024, batch 1, random mask"), md);
        assertTrue(md.contains("| 0.5 | 100 ± 4.00 | **1.25× ± 0.0524** | csr (faster) | 2.00× |"), md);
        assertTrue(md.contains("| 0.9 | 100 ± 4.00 | **5.00× ± 0.320** | csr (faster) | 10.0× |"), md);
        assertTrue(md.contains("(docs/bench/suite-full/charts/spmm-speedup-1024x1024_batch_1_random_mask.png)"), md);
        assertTrue(md.contains("(docs/bench/suite-full/charts/gemm-gflops.png) ([SVG](docs/bench/suite-full/charts/gemm-gflops.svg))"), md);
        // Convolution: direct 550/110 = 5x.
        assertTrue(md.contains("| forward | 1 | 0.400 ± 0.0200 |"), md);
        assertTrue(md.contains("| vgg64 | 0.9 | 550 ± 30.0 | 5.00× ± 0.287 |"), md);
        // Models: compiled-dense 15 / compiled 6 = 2.5; ORT: 10.5/10 within error, 12/4 = 3 faster.
        assertTrue(md.contains("| lenet300 | pruned | 1 | 12.0 ± 0.500 | 15.0 ± 0.500 | 6.00 ± 0.500 | 2.50× ± 0.224 | faster |"), md);
        assertTrue(md.contains("| lenet5 | dense | 1 | 10.0 ± 1.00 | 10.5 ± 1.00 | 1.05× ± 0.145 | same within error |"), md);
        assertTrue(md.contains("| lenet5 | pruned | 1 | 4.00 ± 0.100 | 12.0 ± 0.300 | 3.00× ± 0.106 | faster |"), md);
        // Accuracy: one row per criterion and schedule with compression in brackets.
        assertTrue(md.contains("| criterion | schedule | density 1.000 | density 0.100 |"), md);
        assertTrue(md.contains("| l1 | one-shot | 89.00 ± 1.00 (1.00×) | 85.00 ± 1.00 (5.00×) |"), md);
        assertTrue(md.contains("(docs/bench/suite-full/charts/accuracy-vs-compression-lenet300.png)"), md);
        // Notes, then the appendix after a rule.
        assertTrue(md.contains("- a note"), md);
        assertTrue(md.indexOf("# Appendix (hand-kept") > md.indexOf("## 6. Accuracy against compression"), md);
        assertTrue(md.endsWith("## Training\n\nhand-kept\n"), md);
    }

    @Test
    void missingSuitesLeaveTheirSectionsOut() {
        List<Figure> f = new ArrayList<>(Synthetic.measured(1).stream().filter(x -> x.group().equals("spmm")).toList());
        f.addAll(Derived.of(f));
        String md = BenchmarksMarkdown.markdown(new SuiteResults(Synthetic.machine(), "quick", "256", f, List.of()), List.of(), "c", "cmd", null);
        assertTrue(md.contains("## 1. Sparse × dense products"), md);
        assertFalse(md.contains("SGEMM") || md.contains("Appendix") || md.contains("Notes of the run"), md);
        assertTrue(md.contains("--preset quick --width 256 --out runs/suite-quick"), md);
    }
}
