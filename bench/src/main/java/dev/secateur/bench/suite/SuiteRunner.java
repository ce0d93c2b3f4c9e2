package dev.secateur.bench.suite;

import dev.secateur.nn.io.AtomicFile;
import dev.secateur.tensor.sparse.SparseFormats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a {@link SuitePlan} into a folder: checks the SpMM formats against the float64 reference
 * (a format that fails is left out of every step, with a note), runs each JMH step in forks with
 * the width flags ({@code jmh/<step>.json}, JMH's JSON as is; JMH's text in {@code suite.log}),
 * runs the accuracy sweep, then writes {@code results.json}, the charts and {@code report.md}.
 */
public final class SuiteRunner {
    /** JVM flags of every benchmark fork beside the width: the Vector API, no kernel-choice cache. */
    static final List<String> FORK_FLAGS = List.of("--add-modules=jdk.incubator.vector", "-Dsecateur.kernel.cache=off");

    /** JMH's switch to run beside another JMH instance on the machine. */
    private static final String JMH_IGNORE_LOCK = "jmh.ignoreLock";

    private final SuitePlan plan;
    private final String width;
    private final List<String> widthFlags;
    private final int widthBits;
    private final List<String> extraClasses;
    private final Path out;
    private final PrintStream console;

    /**
     * @param widthFlags   JVM flags that set the forks' vector width (empty for the default)
     * @param extraClasses format classes named on the command line, registered in every fork
     */
    public SuiteRunner(SuitePlan plan, String width, int widthBits, List<String> widthFlags, List<String> extraClasses, Path out, PrintStream console) {
        this.plan = plan;
        this.width = width;
        this.widthBits = widthBits;
        this.widthFlags = List.copyOf(widthFlags);
        this.extraClasses = List.copyOf(extraClasses);
        this.out = out;
        this.console = console;
    }

    public SuiteResults run() throws IOException, RunnerException {
        Files.createDirectories(out.resolve("jmh"));
        String loadAtStart = Machine.loadAverage();
        List<String> notes = new ArrayList<>();
        List<String> refused = checkFormats(notes);
        List<String> forkFlags = forkFlags();
        int configurations = plan.configurations() + plan.sweep().points();
        SuiteProgress progress = new SuiteProgress(console, plan.estimateSeconds(), configurations);
        progress.note(String.format("suite %s at width %s: %d benchmark configurations and %d accuracy points, estimated %s",
                plan.preset(), width, plan.configurations(), plan.sweep().points(), SuiteProgress.duration(plan.estimateSeconds())));
        List<Figure> figures = new ArrayList<>();
        try (PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("suite.log")), true, StandardCharsets.UTF_8)) {
            for (JmhStep step : plan.steps()) {
                double t0 = progress.elapsed();
                figures.addAll(runStep(without(step, refused), forkFlags, log, progress, notes));
                timing(log, progress, "step " + step.name(), step.estimateSeconds(), progress.elapsed() - t0);
            }
            double t0 = progress.elapsed();
            figures.addAll(plan.sweep().run((estimate, line) -> progress.done(estimate, "accuracy " + line)));
            timing(log, progress, "accuracy sweep", plan.sweep().estimateSeconds(), progress.elapsed() - t0);
        }
        figures.addAll(Derived.of(figures));
        List<String> flags = new ArrayList<>(forkFlags);
        SuiteResults results = new SuiteResults(Machine.probe(widthBits, flags, "start " + loadAtStart + ", end " + Machine.loadAverage()), plan.preset(), width, figures, notes);
        write(results, out);
        progress.note("wrote " + out.resolve("report.md") + " and " + out.resolve("results.json") + " in " + SuiteProgress.duration(progress.elapsed()));
        return results;
    }

    /** Logs how long a part took against its estimate: what the estimate's constants are checked against. */
    private static void timing(PrintStream log, SuiteProgress progress, String what, double estimate, double took) {
        String line = String.format(java.util.Locale.ROOT, "%s took %s (estimated %s)", what, SuiteProgress.duration(took), SuiteProgress.duration(estimate));
        log.println("# suite: " + line);
        progress.note(line);
    }

    /** results.json, the charts and report.md of {@code results} into {@code dir}. */
    public static List<SuiteCharts.Chart> write(SuiteResults results, Path dir) throws IOException {
        Files.createDirectories(dir);
        results.write(dir.resolve("results.json"));
        List<SuiteCharts.Chart> charts = SuiteCharts.write(results, dir.resolve("charts"));
        AtomicFile.write(dir.resolve("report.md"), SuiteReport.markdown(results, charts, "charts").getBytes(StandardCharsets.UTF_8));
        return charts;
    }

    private List<String> forkFlags() {
        List<String> f = new ArrayList<>(FORK_FLAGS);
        f.addAll(widthFlags);
        String models = System.getProperty("secateur.models");
        if (models != null) f.add("-Dsecateur.models=" + Path.of(models).toAbsolutePath());
        if (!extraClasses.isEmpty()) f.add("-D" + ExtraFormats.PROPERTY + "=" + String.join(",", extraClasses));
        return f;
    }

    /** Checks every registered format the SpMM steps run; returns the names of those that failed. */
    private List<String> checkFormats(List<String> notes) {
        List<String> refused = new ArrayList<>();
        for (String name : plan.spmmFormats()) {
            if (!SparseFormats.names().contains(name)) continue; // nm24 and auto are built by the benchmark
            String problem = FormatCheck.check(SparseFormats.named(name));
            if (problem != null) {
                refused.add(name);
                notes.add("format " + name + " left out: its products disagree with the float64 reference: " + problem);
                console.println("format check: " + problem + " -> " + name + " is not timed");
            }
        }
        console.println("format check against the float64 reference: " + (plan.spmmFormats().size() - refused.size()) + " formats passed"
                + (refused.isEmpty() ? "" : ", " + refused.size() + " refused " + refused));
        return refused;
    }

    private static JmhStep without(JmhStep s, List<String> refused) {
        if (refused.isEmpty() || !s.params().containsKey("format")) return s;
        Map<String, List<String>> p = new LinkedHashMap<>(s.params());
        p.put("format", p.get("format").stream().filter(f -> !refused.contains(f)).toList());
        return s.withParams(p);
    }

    private List<Figure> runStep(JmhStep step, List<String> forkFlags, PrintStream log, SuiteProgress progress, List<String> notes)
            throws IOException, RunnerException {
        String missing = step.missing();
        if (missing != null) {
            if (step.optional()) {
                String why = SuitePlan.ORT_CLASS.equals(step.requires())
                        ? missing + " (the secateur launcher adds ONNX Runtime's jar from the local Maven repository when it is there)" : missing;
                notes.add("step " + step.name() + " not run: " + why);
                progress.done(step.configurations(), step.estimateSeconds(), "step " + step.name() + " skipped: " + why);
                return List.of();
            }
            throw new IllegalStateException("benchmark step " + step.name() + ": " + missing);
        }
        String cls = step.className();
        if (step.params().values().stream().anyMatch(List::isEmpty)) {
            notes.add("step " + step.name() + " not run: no value left for a parameter");
            return List.of();
        }
        Path json = out.resolve("jmh").resolve(step.name() + ".json");
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(step.includePattern(cls))
                .forks(step.forks())
                .warmupIterations(step.warmups()).warmupTime(TimeValue.milliseconds(step.warmupMillis()))
                .measurementIterations(step.iterations()).measurementTime(TimeValue.milliseconds(step.iterationMillis()))
                .jvmArgsAppend(forkFlags.toArray(String[]::new))
                .shouldFailOnError(false)
                .result(json.toString()).resultFormat(ResultFormatType.JSON);
        for (var e : step.params().entrySet()) o.param(e.getKey(), e.getValue().toArray(String[]::new));
        progress.note("step " + step.name() + ": " + step.configurations() + " configurations");
        ProgressOutput output = new ProgressOutput(log, progress, step.name(), step.estimateSeconds() / step.configurations());
        // Benchmarks and forks print their set-up lines to System.out: into the log with JMH's text.
        PrintStream stdout = System.out, stderr = System.err;
        String ignoreLock = System.getProperty(JMH_IGNORE_LOCK);
        System.setOut(log);
        System.setErr(log);
        if (!plan.exclusive()) System.setProperty(JMH_IGNORE_LOCK, "true");
        try {
            new Runner(o.build(), output).run();
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            if (!plan.exclusive()) {
                if (ignoreLock == null) System.clearProperty(JMH_IGNORE_LOCK);
                else System.setProperty(JMH_IGNORE_LOCK, ignoreLock);
            }
        }
        output.finish();
        if (!Files.isRegularFile(json)) {
            notes.add("step " + step.name() + " produced no results (see suite.log)");
            return List.of();
        }
        List<Figure> fs = JmhFigures.read(json);
        int absent = step.configurations() - fs.size();
        if (absent > 0 && step.params().containsKey("format")) {
            notes.add("step " + step.name() + ": " + absent + " configurations skipped or failed (e.g. nm24 away from 50%/75% sparsity; see suite.log)");
        }
        return fs;
    }
}
