package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * How {@link CompiledModel#compile(dev.secateur.nn.Model, CompileOptions)} calibrates. Immutable;
 * the {@code with...} methods return modified copies.
 *
 * <ul>
 *   <li>{@code batchSizes}: batch sizes to calibrate for (default {@code 1, 64}); a call with
 *       {@code n} samples uses the choices made for the calibrated size nearest n in ratio.
 *       Batches are run in chunks of at most {@code max(64, largest size)} samples.</li>
 *   <li>{@code workers}: the thread pool the kernels use, at calibration and at run time
 *       (default {@link Workers#shared()}).</li>
 *   <li>{@code calibrationBudget}: time spent measuring one layer at one batch size, shared by
 *       its candidate kernels, which run round-robin (default 30 ms; at least five timed rounds
 *       even when a round takes longer than the budget).</li>
 *   <li>{@code allowedKernels}: the sparse kernels that may be chosen ({@link Kernels}); null means
 *       all. Dense is always measured and allowed: it is the fallback.</li>
 *   <li>{@code jitWarmup}: how long one layer's tuning at one batch size may wait for the JIT (default 3 s; see {@link #withJitWarmup}).</li>
 *   <li>{@code everyLayerTimed}: whether a layer with a single candidate kernel is timed too, for
 *       reports (default false: nothing is chosen there, and its timing would mostly wait for
 *       the JIT; see {@link #withEveryLayerTimed}).</li>
 *   <li>{@code cachedChoices}: a {@link CompiledModel#KERNEL_CHOICE_KEY} entry from a model file;
 *       layers and batch sizes found there (with the same thread count) skip calibration.</li>
 * </ul>
 */
public final class CompileOptions {
    private final int[] batchSizes;
    private final Workers workers;
    private final Duration calibrationBudget;
    private final Set<String> allowedKernels;
    private final String cachedChoices;
    private final Duration jitWarmup;
    private final boolean everyLayerTimed;

    private CompileOptions(int[] batchSizes, Workers workers, Duration budget, Set<String> allowed, String cached, Duration jitWarmup,
                           boolean everyLayerTimed) {
        this.jitWarmup = jitWarmup;
        this.everyLayerTimed = everyLayerTimed;
        this.batchSizes = batchSizes;
        this.workers = workers;
        this.calibrationBudget = budget;
        this.allowedKernels = allowed;
        this.cachedChoices = cached;
    }

    /** Batch sizes 1 and 64, the shared pool, 30 ms per layer, every kernel, no cache. */
    public static CompileOptions defaults() {
        return new CompileOptions(new int[] {1, 64}, null, Duration.ofMillis(30), null, null, Duration.ofSeconds(3), false);
    }

    public CompileOptions withBatchSizes(int... sizes) {
        if (sizes == null || sizes.length == 0) throw new IllegalArgumentException("at least one batch size is needed");
        int[] s = Arrays.stream(sizes).distinct().sorted().toArray();
        if (s[0] < 1) throw new IllegalArgumentException("batch sizes must be >= 1, got " + Arrays.toString(sizes));
        if (s[s.length - 1] > 65536) throw new IllegalArgumentException("batch size " + s[s.length - 1] + " is too large (max 65536)");
        return new CompileOptions(s, workers, calibrationBudget, allowedKernels, cachedChoices, jitWarmup, everyLayerTimed);
    }

    public CompileOptions withWorkers(Workers w) {
        if (w == null) throw new IllegalArgumentException("workers is null");
        return new CompileOptions(batchSizes, w, calibrationBudget, allowedKernels, cachedChoices, jitWarmup, everyLayerTimed);
    }

    public CompileOptions withCalibrationBudget(Duration perLayer) {
        if (perLayer == null || perLayer.isNegative()) throw new IllegalArgumentException("calibration budget must be >= 0, got " + perLayer);
        return new CompileOptions(batchSizes, workers, perLayer, allowedKernels, cachedChoices, jitWarmup, everyLayerTimed);
    }

    /** Restricts the sparse kernels that may be chosen; null = all. Unknown names are an IAE. */
    public CompileOptions withAllowedKernels(Set<String> names) {
        if (names != null) {
            for (String n : names) {
                if (!Kernels.ALL.contains(n)) throw new IllegalArgumentException("unknown kernel '" + n + "'; known: " + Kernels.ALL);
            }
        }
        return new CompileOptions(batchSizes, workers, calibrationBudget, names == null ? null : Set.copyOf(new TreeSet<>(names)), cachedChoices, jitWarmup, everyLayerTimed);
    }

    /** Choices recorded by an earlier compile ({@link CompiledModel#choicesJson()}); null = none. */
    public CompileOptions withCachedChoices(String json) {
        return new CompileOptions(batchSizes, workers, calibrationBudget, allowedKernels, json, jitWarmup, everyLayerTimed);
    }

    /**
     * Longest time the tuning of one layer at one batch size may spend running its candidates
     * while the JIT is still compiling, before timing them (default 3 s; it ends as soon as the JIT
     * has been idle for 100 ms, which in a warm JVM is at once). Each tuning gets the whole limit,
     * so that layers tuned late (the batched ones, whose code paths the JIT meets last) are never
     * timed on uncompiled code because earlier layers used up a shared limit. The kernels themselves are compiled first
     * on small proxy inputs, once per JVM, whatever this limit.
     */
    public CompileOptions withJitWarmup(Duration max) {
        if (max == null || max.isNegative()) throw new IllegalArgumentException("JIT warm-up must be >= 0, got " + max);
        return new CompileOptions(batchSizes, workers, calibrationBudget, allowedKernels, cachedChoices, max, everyLayerTimed);
    }

    /**
     * Whether layers with a single candidate kernel (a dense layer's weight, an unpruned
     * convolution without a Winograd candidate) are timed as well. Off by default: such a layer
     * has nothing to choose, and its timing is mostly a wait for the JIT (a dense LeNet-5 compiles
     * in well under a second instead of several); its {@link KernelChoice} then reports 0 ns.
     * Reports that show per-layer times or predict a whole model's speed turn it on.
     */
    public CompileOptions withEveryLayerTimed(boolean timed) {
        return new CompileOptions(batchSizes, workers, calibrationBudget, allowedKernels, cachedChoices, jitWarmup, timed);
    }

    public boolean everyLayerTimed() { return everyLayerTimed; }

    public Duration jitWarmup() { return jitWarmup; }

    public int[] batchSizes() { return batchSizes.clone(); }

    public Workers workers() { return workers == null ? Workers.shared() : workers; }

    public Duration calibrationBudget() { return calibrationBudget; }

    public Set<String> allowedKernels() { return allowedKernels; }

    public String cachedChoices() { return cachedChoices; }
}
