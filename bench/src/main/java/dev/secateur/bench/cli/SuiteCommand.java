package dev.secateur.bench.cli;

import dev.secateur.bench.suite.ExtraFormats;
import dev.secateur.bench.suite.SuitePlan;
import dev.secateur.bench.suite.SuiteResults;
import dev.secateur.bench.suite.SuiteRunner;
import dev.secateur.tensor.platform.VectorPlatform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code secateur suite}: the kernel and model benchmarks and the accuracy sweep in one run, into
 * a folder with JMH's JSON, {@code results.json}, {@code report.md} and charts.
 */
@Command(name = "suite", mixinStandardHelpOptions = true,
        description = {"Run the benchmark suite: SGEMM vs OpenBLAS, magnitude sums, SpMM formats x sparsity x batch x shape, dense and sparse convolution,",
                "compiled dense vs pruned models, and accuracy-vs-compression sweeps; writes JMH JSON, results.json, report.md and charts (PNG, SVG)."})
public final class SuiteCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;
    @picocli.CommandLine.Mixin DataOption data;

    @Option(names = "--preset", description = "tiny (seconds, a pipeline check), quick (about 10 min on 2 cores) or full (the real measurement, hours); default: ${DEFAULT-VALUE}",
            defaultValue = "quick") String preset;
    @Option(names = "--width", description = "vector width of the benchmark JVMs: default, 256 (-XX:UseAVX=2) or 128 (-XX:MaxVectorSize=16); default: ${DEFAULT-VALUE}",
            defaultValue = "default") String width;
    @Option(names = "--out", description = "output folder (default: suite-<preset>)") Path out;
    @Option(names = "--format-class", description = "a SparseFormat class (public no-argument constructor) to register, check and benchmark against every format; repeatable")
    List<String> formatClasses = new ArrayList<>();
    @Option(names = "--report-from", description = "run nothing: redraw report.md and the charts from DIR/results.json (into --out, default DIR)")
    Path reportFrom;

    @Override public Integer call() {
        return CliErrors.run(verbose, () -> {
            if (reportFrom != null) {
                SuiteResults r = SuiteResults.read(reportFrom.resolve("results.json"));
                Path dir = out != null ? out : reportFrom;
                SuiteRunner.write(r, dir);
                System.out.println("wrote " + dir.resolve("report.md") + " and its charts from " + reportFrom.resolve("results.json"));
                return 0;
            }
            if (!SuitePlan.PRESETS.contains(preset)) throw new IllegalArgumentException("unknown preset '" + preset + "'; known: " + SuitePlan.PRESETS);
            List<String> flags = switch (width) {
                case "default" -> List.of();
                case "256" -> List.of("-XX:UseAVX=2");
                case "128" -> List.of("-XX:MaxVectorSize=16");
                default -> throw new IllegalArgumentException("unknown width '" + width + "'; known: default, 256, 128");
            };
            int bits = width.equals("default") ? VectorPlatform.BITS : Math.min(VectorPlatform.BITS, Integer.parseInt(width));
            System.setProperty("java.awt.headless", "true");
            List<String> extra = ExtraFormats.register(formatClasses);
            SuitePlan plan = SuitePlan.of(preset, bits, flags.isEmpty(), extra, data.dir);
            Path dir = out != null ? out : Path.of("suite-" + preset);
            new SuiteRunner(plan, width, bits, flags, formatClasses, dir, System.out).run();
            return 0;
        });
    }
}
