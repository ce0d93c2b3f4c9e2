package dev.secateur.bench.cli;

import dev.secateur.bench.suite.ExtraFormats;
import dev.secateur.bench.suite.SuitePlan;
import dev.secateur.bench.suite.SuiteResults;
import dev.secateur.bench.suite.SuiteRunner;
import dev.secateur.tensor.platform.VectorPlatform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import dev.secateur.bench.suite.BenchmarksMarkdown;
import dev.secateur.bench.suite.SuiteCharts;
import dev.secateur.nn.io.AtomicFile;
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

    @Option(names = "--preset", description = "tiny (seconds, a pipeline check), quick (about 10 min on 2 cores) or full (the measurement behind BENCHMARKS.md, about 45 min on 2 cores; --dry-run shows the plan); default: ${DEFAULT-VALUE}",
            defaultValue = "quick") String preset;
    @Option(names = "--width", description = "vector width of the benchmark JVMs: default, 256 (-XX:UseAVX=2) or 128 (-XX:MaxVectorSize=16); default: ${DEFAULT-VALUE}",
            defaultValue = "default") String width;
    @Option(names = "--out", description = "output folder (default: suite-<preset>)") Path out;
    @Option(names = "--format-class", description = "a SparseFormat class (public no-argument constructor) to register, check and benchmark against every format; repeatable")
    List<String> formatClasses = new ArrayList<>();
    @Option(names = "--report-from", description = "run nothing: redraw report.md and the charts from DIR/results.json (into --out, default DIR)")
    Path reportFrom;
    @Option(names = "--dry-run", description = "run nothing: print every step of the preset with its parameters, forks and estimated time")
    boolean dryRun;
    @Option(names = "--benchmarks-md", description = "also write FILE (BENCHMARKS.md): prose, machine, main tables and links to the charts of --out")
    Path benchmarksMd;
    @Option(names = "--appendix", description = "Markdown appended to --benchmarks-md as its hand-kept appendix (what the suite does not measure)")
    Path appendix;

    @Override public Integer call() {
        return CliErrors.run(verbose, () -> {
            if (appendix != null && benchmarksMd == null) throw new IllegalArgumentException("--appendix needs --benchmarks-md");
            if (appendix != null && !Files.isRegularFile(appendix)) throw new IllegalArgumentException(appendix + ": not a regular file");
            if (reportFrom != null) {
                SuiteResults r = SuiteResults.read(reportFrom.resolve("results.json"));
                Path dir = out != null ? out : reportFrom;
                List<SuiteCharts.Chart> charts = SuiteRunner.write(r, dir);
                copyJmhJson(reportFrom, dir);
                System.out.println("wrote " + dir.resolve("report.md") + " and its charts from " + reportFrom.resolve("results.json"));
                writeBenchmarksMd(r, charts, dir);
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
            if (dryRun) {
                System.out.print("width " + width + " (" + bits + " bit" + (flags.isEmpty() ? "" : ", forks run with " + String.join(" ", flags)) + ")\n"
                        + plan.describe());
                return 0;
            }
            Path dir = out != null ? out : Path.of("suite-" + preset);
            SuiteResults r = new SuiteRunner(plan, width, bits, flags, formatClasses, dir, System.out).run();
            if (benchmarksMd != null) writeBenchmarksMd(r, SuiteCharts.write(r, dir.resolve("charts")), dir);
            return 0;
        });
    }

    /** BENCHMARKS.md at {@code benchmarksMd}, linking to the charts under {@code dir}. */
    private void writeBenchmarksMd(SuiteResults r, List<SuiteCharts.Chart> charts, Path dir) throws IOException {
        if (benchmarksMd == null) return;
        Path file = benchmarksMd.toAbsolutePath().normalize();
        Path parent = file.getParent();
        String chartDir = parent.relativize(dir.toAbsolutePath().normalize().resolve("charts")).toString().replace('\\', '/');
        String text = appendix == null ? null : Files.readString(appendix, StandardCharsets.UTF_8);
        StringBuilder command = new StringBuilder("./secateur suite ");
        command.append(reportFrom != null ? "--report-from " + display(reportFrom) : "--preset " + r.preset() + (r.width().equals("default") ? "" : " --width " + r.width()));
        command.append(" --out ").append(display(dir)).append(" --benchmarks-md ").append(display(benchmarksMd));
        if (appendix != null) command.append(" --appendix ").append(display(appendix));
        Files.createDirectories(parent);
        AtomicFile.write(file, BenchmarksMarkdown.markdown(r, charts, chartDir, command.toString(), text).getBytes(StandardCharsets.UTF_8));
        System.out.println("wrote " + benchmarksMd + " (charts linked from " + chartDir + ")");
    }

    /** A path as the user would type it from the working directory. */
    private static String display(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath().normalize();
        return (abs.startsWith(cwd) ? cwd.relativize(abs) : abs).toString();
    }

    /** JMH's JSON of the run beside its report when the report goes to another folder. */
    private static void copyJmhJson(Path from, Path to) throws IOException {
        Path src = from.resolve("jmh"), dst = to.resolve("jmh");
        if (!Files.isDirectory(src) || Files.isSameFile(from, to)) return;
        Files.createDirectories(dst);
        try (var files = Files.list(src)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".json")).toList()) {
                Files.copy(f, dst.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
