package dev.secateur.bench.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One JMH run of the suite: a benchmark class (simple name, looked up in {@code bench.kernels}
 * and {@code bench.models}), the methods to run, the parameter values (every parameter whose
 * annotation default lists several values should be given, so the configuration count and the
 * estimate are right) and the iteration settings.
 *
 * @param name         file name of its JMH JSON ({@code jmh/<name>.json}) and its label in the progress
 * @param optional     when true a missing class is a note, not an error (benchmarks of optional runtimes)
 * @param setupSeconds what one configuration's set-up takes in its fork beyond the JVM start
 *                     (building a 4096² matrix, calibrating a compiled model): part of the estimate
 * @param requires     a class that must be on the class path for the step to run (an optional
 *                     runtime such as ONNX Runtime), or null
 */
public record JmhStep(String name, String benchmark, List<String> methods, Map<String, List<String>> params, int forks,
                      int warmups, int warmupMillis, int iterations, int iterationMillis, boolean optional,
                      double setupSeconds, String requires) {
    /** Seconds a fork spends starting the JVM and JMH's harness, beyond set-up and iterations (an estimate). */
    static final double FORK_OVERHEAD_S = 1.5;

    /** Seconds JMH spends around each iteration (synchronising, collecting the result): an estimate. */
    static final double ITERATION_OVERHEAD_S = 0.02;

    public JmhStep {
        methods = List.copyOf(methods);
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** A step with no set-up estimate and no required class. */
    public JmhStep(String name, String benchmark, List<String> methods, Map<String, List<String>> params, int forks,
                   int warmups, int warmupMillis, int iterations, int iterationMillis, boolean optional) {
        this(name, benchmark, methods, params, forks, warmups, warmupMillis, iterations, iterationMillis, optional, 0, null);
    }

    /** This step with other parameter values. */
    public JmhStep withParams(Map<String, List<String>> p) {
        return new JmhStep(name, benchmark, methods, p, forks, warmups, warmupMillis, iterations, iterationMillis, optional, setupSeconds, requires);
    }

    /** This step with a set-up estimate of {@code seconds} per configuration and fork. */
    public JmhStep withSetup(double seconds) {
        return new JmhStep(name, benchmark, methods, params, forks, warmups, warmupMillis, iterations, iterationMillis, optional, seconds, requires);
    }

    /** This step, run only when {@code className} is on the class path. */
    public JmhStep requiring(String className) {
        return new JmhStep(name, benchmark, methods, params, forks, warmups, warmupMillis, iterations, iterationMillis, optional, setupSeconds, className);
    }

    /** Benchmark configurations: methods × every combination of parameter values. */
    public int configurations() {
        int n = Math.max(1, methods.size());
        for (List<String> v : params.values()) n *= Math.max(1, v.size());
        return n;
    }

    /** Estimated seconds of one configuration in one fork: JVM start, set-up, warm-up and measurement. */
    public double secondsPerFork() {
        double start = forks == 0 ? 0.2 : FORK_OVERHEAD_S;
        return start + setupSeconds + (warmups + iterations) * ITERATION_OVERHEAD_S
                + (warmups * (double) warmupMillis + iterations * (double) iterationMillis) / 1000.0;
    }

    /** Estimated seconds of the whole step: configurations × forks × {@link #secondsPerFork()}. */
    public double estimateSeconds() {
        return configurations() * Math.max(1, forks) * secondsPerFork();
    }

    /** One line for the dry run: configurations, forks, iterations and the estimate. */
    public String describe() {
        return String.format(Locale.ROOT, "%-20s %-20s %5d configs x %d fork%s x (%.1f s start+set-up + %d x %d ms warm-up + %d x %d ms) = %s",
                name, benchmark, configurations(), Math.max(1, forks), forks == 1 ? " " : "s", secondsPerFork()
                        - (warmups * (double) warmupMillis + iterations * (double) iterationMillis) / 1000.0,
                warmups, warmupMillis, iterations, iterationMillis, SuiteProgress.duration(estimateSeconds()));
    }

    /** The benchmark class name, or null when it is on neither package. */
    String className() {
        for (String pkg : new String[] {"dev.secateur.bench.kernels.", "dev.secateur.bench.models."}) {
            if (present(pkg + benchmark)) return pkg + benchmark;
        }
        return null;
    }

    /** Why this step cannot run here (its class or the runtime it requires is absent), or null. */
    String missing() {
        if (className() == null) return benchmark + " is not on the class path";
        if (requires != null && !present(requires)) return benchmark + " needs " + requires + ", which is not on the class path";
        return null;
    }

    private static boolean present(String cls) {
        try {
            Class.forName(cls, false, JmhStep.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The include pattern of JMH: exactly these methods of this class. */
    String includePattern(String className) {
        String m = methods.isEmpty() ? "\\w+" : "(" + String.join("|", methods) + ")";
        return "^" + className.replace(".", "\\.") + "\\." + m + "$";
    }
}
