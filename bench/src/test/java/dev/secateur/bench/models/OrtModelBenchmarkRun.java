package dev.secateur.bench.models;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.nio.file.Path;
import java.util.Collection;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@link OrtModelBenchmark} when {@code -Dsecateur.ort.bench="JMH OPTIONS"} is given (e.g.
 * {@code "-f 1 -wi 3 -i 5 -w 1 -r 1"}) and prints images/s per implementation and the
 * Secateur / ONNX Runtime ratio. Skipped otherwise.
 */
class OrtModelBenchmarkRun {
    @Test
    void run() throws Exception {
        String opts = System.getProperty("secateur.ort.bench");
        assumeTrue(opts != null, "no -Dsecateur.ort.bench");
        CommandLineOptions cli = new CommandLineOptions(opts.isBlank() ? new String[0] : opts.trim().split("\\s+"));
        // Surefire runs in the bench module: point the JMH fork at the repository's shipped models
        // (the builder's JVM arguments replace the @Fork ones, so those are repeated).
        Path models = Path.of(System.getProperty("secateur.models", "../models")).toAbsolutePath().normalize();
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(cli)
                .include(OrtModelBenchmark.class.getName() + ".infer")
                .jvmArgsAppend("--add-modules=jdk.incubator.vector", "-Dsecateur.kernel.cache=off", "-Dsecateur.models=" + models).build()).run();
        TreeMap<String, TreeMap<String, Double>> table = new TreeMap<>();
        for (RunResult r : results) {
            var p = r.getParams();
            int b = Integer.parseInt(p.getParam("batch"));
            double ips = b * 1e6 / r.getPrimaryResult().getScore();
            String key = String.format("%-9s %-7s batch %2d", p.getParam("model"), p.getParam("weights"), b);
            table.computeIfAbsent(key, k -> new TreeMap<>()).put(p.getParam("impl"), ips);
        }
        System.out.printf("%n%-28s %14s %14s %10s%n", "model / weights / batch", "secateur img/s", "ORT img/s", "ratio");
        table.forEach((k, v) -> System.out.printf("%-28s %,14.0f %,14.0f %9.2fx%n", k, v.getOrDefault("secateur", Double.NaN),
                v.getOrDefault("onnxruntime", Double.NaN), v.getOrDefault("secateur", Double.NaN) / v.getOrDefault("onnxruntime", Double.NaN)));
    }
}
