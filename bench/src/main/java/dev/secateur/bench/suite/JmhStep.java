package dev.secateur.bench.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JMH run of the suite: a benchmark class (simple name, looked up in {@code bench.kernels}
 * and {@code bench.models}), the methods to run, the parameter values (every parameter whose
 * annotation default lists several values should be given, so the configuration count and the
 * estimate are right) and the iteration settings.
 *
 * @param name     file name of its JMH JSON ({@code jmh/<name>.json}) and its label in the progress
 * @param optional when true a missing class is a note, not an error (benchmarks of optional runtimes)
 */
public record JmhStep(String name, String benchmark, List<String> methods, Map<String, List<String>> params, int forks,
                      int warmups, int warmupMillis, int iterations, int iterationMillis, boolean optional) {
    /** Seconds a fork spends starting the JVM and setting up, beyond its iterations (an estimate). */
    static final double FORK_OVERHEAD_S = 1.5;

    public JmhStep {
        methods = List.copyOf(methods);
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** Benchmark configurations: methods × every combination of parameter values. */
    public int configurations() {
        int n = Math.max(1, methods.size());
        for (List<String> v : params.values()) n *= Math.max(1, v.size());
        return n;
    }

    /** Estimated seconds: per configuration and fork, JVM start and set-up plus the iterations. */
    public double estimateSeconds() {
        double perFork = (forks == 0 ? 0.2 : FORK_OVERHEAD_S) + (warmups * warmupMillis + iterations * iterationMillis) / 1000.0;
        return configurations() * Math.max(1, forks) * perFork;
    }

    /** The benchmark class name, or null when it is on neither package. */
    String className() {
        for (String pkg : new String[] {"dev.secateur.bench.kernels.", "dev.secateur.bench.models."}) {
            try {
                Class.forName(pkg + benchmark, false, JmhStep.class.getClassLoader());
                return pkg + benchmark;
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        return null;
    }

    /** The include pattern of JMH: exactly these methods of this class. */
    String includePattern(String className) {
        String m = methods.isEmpty() ? "\\w+" : "(" + String.join("|", methods) + ")";
        return "^" + className.replace(".", "\\.") + "\\." + m + "$";
    }
}
