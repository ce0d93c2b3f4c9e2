package dev.secateur.tensor.tune;

import dev.secateur.tensor.JitClock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place where competing kernels are timed and one is chosen — for a sparse matrix
 * ({@code SparseSelector}) and for every layer of a compiled model alike. The first candidate is
 * the baseline (the dense kernel); another one wins only when it is faster by more than the noise
 * measured in the same timing.
 *
 * <p>A timing means something only for compiled code: a Vector API kernel that the JIT has not
 * compiled yet runs hundreds of times slower, and one running C1 code with its C2 compile queued
 * several times slower. So, in order:
 * <ol>
 *   <li>Proxy warm-up, once per JVM and {@link Candidate#warmKey}: the candidate's kernel runs on a
 *       tiny input of the same kind ({@link Candidate#proxy}) for at least {@value #WARM_CALLS}
 *       calls (C2 compiles after about 5000) and until its time per call stops improving. Cheap:
 *       microseconds per call, where the real call may take milliseconds.</li>
 *   <li>Real warm-up: the candidates run round-robin until the JIT has compiled nothing for
 *       {@value #JIT_QUIET_MILLIS} ms, no candidate's time has improved for two rounds and every
 *       candidate's best time is {@link #plausible} for its work (a real
 *       input can take a path or branch the proxy never took: its code is still interpreted,
 *       running on-stack-replaced or C1 code, and several times slower than it will be), at least
 *       {@value #MIN_WARM_ROUNDS} rounds, at most for the warm-up limit counted from the end of the
 *       proxy warm-up.</li>
 *   <li>Timed rounds, round-robin so that a noisy moment of a shared machine hits all candidates
 *       alike: each candidate runs {@value #UNTIMED_CALLS} times untimed (its data back in cache,
 *       as when a layer runs repeatedly), then once timed; at least {@value #MIN_ROUNDS} rounds and about the budget.
 *       When a candidate's last rounds ran much faster than its first ({@link #stillWarming}), the
 *       JIT compiled it during the timing: warm-up and timed rounds are repeated (at most
 *       {@value #MAX_RETIMES} times).</li>
 * </ol>
 * Each candidate's median and spread (interquartile range / median) are kept. A challenger
 * qualifies when its median is lower than the baseline's by more than {@value #MIN_MARGIN} and
 * by more than the two spreads together, or when it is that much faster round by round: the
 * median of its per-round time ratios to the baseline (the two ran back to back in every round,
 * so a busy moment of a shared machine slows both) is below 1 by more than the margin and the
 * spread of those ratios. The second test keeps a clear win on a loaded machine, where load
 * swings widen every candidate's own spread past any real difference; independent noise widens
 * the ratios' spread as much, so there the baseline stays, but when a challenger's median was
 * lower by more than twice the margin the candidates are timed once more and the fresh rounds
 * decide (the noise may have been a busy moment). Of the qualifying challengers the
 * lowest median wins. Results whose warm-up settled (or was not asked for) are
 * remembered per {@code key} for the life of the JVM and, through {@link ChoiceStore}, on disk for
 * this machine and platform, so the same weights tuned twice — in one process or in the next — get
 * the same kernel. Only a calm tuning goes to disk (every spread at most {@value #CALM_SPREAD}, the
 * load average at most one per core): a choice made on a busy machine holds for this JVM and is
 * measured again by the next one instead of being replayed for good.
 */
public final class KernelTuner {
    static final int WARM_CALLS = 6000;
    static final long JIT_QUIET_MILLIS = 100;
    static final int MIN_WARM_ROUNDS = 3;
    static final int MIN_ROUNDS = 5;
    /**
     * Untimed calls before each timed one, so the candidate's data is back in the caches as when a
     * layer runs repeatedly: a weight of several MB came back over three to five calls, and
     * timed after one it looked up to 1.4× slower than it runs (docs/bench/sparse.md).
     */
    static final int UNTIMED_CALLS = 3;
    static final int MAX_ROUNDS = 400;
    /** Smallest relative speed-up that may replace the baseline. */
    public static final double MIN_MARGIN = 0.05;
    /** Largest spread (interquartile range / median) of any candidate for a result to be stored on disk. */
    static final double CALM_SPREAD = 0.15;
    /** Speed-up between a candidate's first and last timed rounds that means its code changed meanwhile. */
    static final double WARMING_DROP = 1.3;
    /** Most times one tuning is warmed and timed again because a candidate was still warming. */
    static final int MAX_RETIMES = 2;
    /**
     * Slowest compiled code, per multiply-add: a scalar sparse loop on a slow core with a busy
     * sibling takes about 1.5 ns; compiled vector kernels take 0.01 to 0.5.
     */
    static final long SLOWEST_COMPILED_NANOS_PER_MULTIPLY_ADD = 4;
    /**
     * A proxy's time counts as still improving while its best drops by more than 1/this: a C2
     * compile makes a Vector API kernel 5 to 1,000 times faster, while the best of a call of a
     * microsecond or less keeps creeping down by timer noise (a finer threshold kept such proxies
     * running until their time limit).
     */
    static final long PROXY_DROP = 4;
    /**
     * How many times its estimated time a kernel's compiled code may take: the estimates come from
     * one 512-bit CPU, and narrower vectors without FMA on a busy core run a few times slower.
     */
    static final long EXPECTED_SLACK = 20;
    /** Fixed cost a call may add (thread hand-off, small layers' epilogues). */
    static final long CALL_OVERHEAD_NANOS = 5_000;

    private static final Set<String> WARM = ConcurrentHashMap.newKeySet();
    private static final Map<String, Result> MEMO = new ConcurrentHashMap<>();
    private static volatile ChoiceStore store = ChoiceStore.fromEnvironment();
    /** Tests store every result, calm or not, to check the store itself. */
    private static volatile boolean storeEveryResult;

    /** {@code -Dsecateur.tune.trace=true}: one line per tuning on stderr (warm-up, medians, choice). */
    private static final boolean TRACE = Boolean.getBoolean("secateur.tune.trace");

    private KernelTuner() {}

    /** Each candidate's median, and where it has an estimate how many times the estimate that is. */
    private static String medians(Result r, List<Candidate> candidates) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.names().size(); i++) {
            sb.append(i == 0 ? "" : " ").append(r.names().get(i)).append('=').append(r.medianNanos()[i] / 1000).append("us");
            long expected = candidates.get(i).expectedNanos();
            if (expected > 0) sb.append(String.format(java.util.Locale.ROOT, "(%.1fx est)", (double) r.medianNanos()[i] / expected));
        }
        return sb.toString();
    }

    /**
     * One competing kernel.
     *
     * @param name    unique among the candidates of one tuning
     * @param call    one real call (the work being tuned)
     * @param warmKey identifies the compiled code the proxy warms (e.g. {@code "csr/batch1"}); null: no proxy
     * @param proxy   one cheap call through the same kernel code, or null
     * @param multiplyAdds the multiply-adds one call costs at least (0: unknown); a call that takes
     *                {@link #plausible far longer} is running code the JIT has not compiled yet
     * @param expectedNanos the kernel's estimated time per call (e.g. from {@code FormatCost}; 0:
     *                unknown); a call {@value #EXPECTED_SLACK} times slower is not running its
     *                compiled code either
     */
    public record Candidate(String name, Runnable call, String warmKey, Runnable proxy, long multiplyAdds, long expectedNanos) {
        public Candidate {
            if (name == null || call == null) throw new IllegalArgumentException("candidate needs a name and a call");
            if (multiplyAdds < 0) throw new IllegalArgumentException("multiply-adds must be >= 0, got " + multiplyAdds);
            if (expectedNanos < 0) throw new IllegalArgumentException("expected time must be >= 0 ns, got " + expectedNanos);
        }

        /** A candidate without a time estimate. */
        public Candidate(String name, Runnable call, String warmKey, Runnable proxy, long multiplyAdds) {
            this(name, call, warmKey, proxy, multiplyAdds, 0);
        }

        /** A candidate without a proxy, of unknown cost. */
        public static Candidate of(String name, Runnable call) {
            return new Candidate(name, call, null, null, 0);
        }
    }

    /**
     * Whether {@code nanos} per call is a time compiled code can take for {@code multiplyAdds}
     * (unknown: 0): at most {@value #SLOWEST_COMPILED_NANOS_PER_MULTIPLY_ADD} ns each plus
     * {@value #CALL_OVERHEAD_NANOS} ns. A kernel still running in the interpreter or in C1 code (the
     * Vector API is not intrinsic there: every vector is an object) takes 5 to 1,000 times longer
     * than its compiled code, and can do so steadily while the JIT is quiet: after a
     * deoptimisation, until the method's counters reach the C2 threshold again.
     */
    static boolean plausible(long nanos, long multiplyAdds) {
        return plausible(nanos, multiplyAdds, 0);
    }

    /**
     * {@link #plausible(long, long)}, and where the kernel's time is estimated ({@code expectedNanos}
     * &gt; 0) at most {@value #EXPECTED_SLACK} times the estimate (plus the call overhead): a vector
     * kernel whose C2 code left its vector operations as calls (the Vector API's boxed fallback)
     * runs 40 times slower and more, yet can stay within the per-multiply-add bound, which must
     * also admit scalar loops.
     */
    static boolean plausible(long nanos, long multiplyAdds, long expectedNanos) {
        if (multiplyAdds == 0 && expectedNanos == 0) return true;
        long limit = multiplyAdds == 0 ? Long.MAX_VALUE : SLOWEST_COMPILED_NANOS_PER_MULTIPLY_ADD * multiplyAdds;
        if (expectedNanos > 0) limit = Math.min(limit, EXPECTED_SLACK * expectedNanos);
        return nanos <= CALL_OVERHEAD_NANOS + limit;
    }

    private static boolean plausible(long nanos, Candidate c) {
        return plausible(nanos, c.multiplyAdds(), c.expectedNanos());
    }

    /**
     * The outcome: candidate names in order, their median and spread, and which one was chosen.
     * {@code remembered} is true when it came from an earlier tuning with the same key.
     */
    public record Result(List<String> names, long[] medianNanos, double[] spread, int chosen, boolean remembered) {
        public String chosenName() { return names.get(chosen); }

        public long chosenNanos() { return medianNanos[chosen]; }

        public long baselineNanos() { return medianNanos[0]; }

        Result asRemembered() { return new Result(names, medianNanos, spread, chosen, true); }

        Result withChosen(int i) { return new Result(names, medianNanos, spread, i, remembered); }
    }

    /**
     * Tunes {@code candidates} (the first is the baseline) for about {@code budgetNanos} of timed
     * rounds; the real warm-up gives up after {@code warmLimitNanos} (0: time what runs now).
     * A null {@code key} disables the memo. A single candidate is timed too (for reports).
     */
    public static Result tune(String key, List<Candidate> candidates, long budgetNanos, long warmLimitNanos) {
        if (candidates == null || candidates.isEmpty()) throw new IllegalArgumentException("no candidates to tune");
        if (budgetNanos < 0) throw new IllegalArgumentException("budget must be >= 0 ns, got " + budgetNanos);
        List<String> names = candidates.stream().map(Candidate::name).toList();
        // The same weights tuned among other candidates (a dense-only compile, say) is another question.
        if (key != null) key = key + "|" + String.join(",", names);
        if (key != null) {
            Result r = MEMO.get(key);
            if (r == null && store != null) r = store.get(key);
            if (r != null && r.names().equals(names)) {
                MEMO.put(key, r);
                return r.asRemembered();
            }
        }
        long warmStart = System.nanoTime();
        StringBuilder proxyTrace = TRACE ? new StringBuilder() : null;
        for (Candidate c : candidates) {
            long t0 = System.nanoTime();
            String done = warmProxy(c, budgetNanos);
            if (proxyTrace != null && done != null) proxyTrace.append(' ').append(c.name()).append('=').append((System.nanoTime() - t0) / 1_000_000).append("ms/").append(done);
        }
        long realStart = System.nanoTime();
        boolean settled = warmReal(candidates, realStart + Math.max(0, warmLimitNanos));
        long timedStart = System.nanoTime();
        long[][] samples = timedRounds(candidates, budgetNanos);
        // A candidate that got much faster during its own timed rounds was compiled meanwhile: its
        // median mixes slow and fast code. Warm up again and time afresh (a few times at most).
        int retimes = 0;
        while (warmLimitNanos > 0 && retimes < MAX_RETIMES && (stillWarming(samples) >= 0 || implausible(candidates, samples) >= 0)) {
            retimes++;
            settled = warmReal(candidates, System.nanoTime() + warmLimitNanos);
            timedStart = System.nanoTime();
            samples = timedRounds(candidates, budgetNanos);
        }
        // A median too slow for compiled code was timed on code the JIT had not (or no longer)
        // compiled: the result holds for this call only.
        if (implausible(candidates, samples) >= 0) settled = false;
        Result r = decide(names, samples);
        // The baseline kept only because the spreads hid a challenger's lead, as a busy moment of a
        // shared machine does: time once more and decide on the fresh rounds alone (pooling them
        // would not narrow the spreads, which measure the rounds, not the median).
        if (warmLimitNanos > 0 && leadHiddenByNoise(r)) {
            retimes++;
            timedStart = System.nanoTime();
            samples = timedRounds(candidates, budgetNanos);
            r = decide(names, samples);
        }
        // A baseline still too slow for compiled code makes any challenger look good: keep it.
        if (!plausible(r.baselineNanos(), candidates.get(0))) r = r.withChosen(0);
        if (TRACE) System.err.printf("tune %s: proxies %d ms%s, warm-up %d ms (%s%s), timed %d ms: %s -> %s%n", key,
                (realStart - warmStart) / 1_000_000, proxyTrace.isEmpty() ? "" : " (" + proxyTrace.substring(1) + ")", (timedStart - realStart) / 1_000_000, settled ? "settled" : "cut off",
                retimes == 0 ? "" : ", timed again " + retimes + "x", (System.nanoTime() - timedStart) / 1_000_000, medians(r, candidates), r.chosenName());
        // A timing taken before the JIT settled may rank a kernel by its uncompiled code: it holds
        // for this call only, and the next tuning of the same key measures again.
        if (key != null && (settled || warmLimitNanos <= 0)) {
            MEMO.put(key, r);
            if (store != null && (storeEveryResult || calm(r, loadPerCore()))) store.put(key, r);
        }
        return r;
    }

    /**
     * Whether the baseline was kept although a challenger's median is lower by more than twice the
     * margin: the spreads, not the medians, decided.
     */
    static boolean leadHiddenByNoise(Result r) {
        if (r.chosen() != 0) return false;
        long[] m = r.medianNanos();
        for (int i = 1; i < m.length; i++) if (m[i] * (1 + 2 * MIN_MARGIN) < m[0]) return true;
        return false;
    }

    /**
     * The first candidate whose last timed rounds ran faster than its first ones by more than
     * {@value #WARMING_DROP}× (its code was compiled, or recompiled, during the timing), or -1.
     * A shared machine's speed seldom drifts that much within one timing; a false alarm only costs
     * a second timing.
     */
    static int stillWarming(long[][] samples) {
        for (int i = 0; i < samples.length; i++) {
            long[] s = samples[i];
            int k = Math.max(1, s.length / 3);
            if (s.length < 2) continue;
            long first = median(Arrays.copyOfRange(s, 0, k)), last = median(Arrays.copyOfRange(s, s.length - k, s.length));
            if (first > WARMING_DROP * last) return i;
        }
        return -1;
    }

    /** The first candidate whose median time is not {@link #plausible} for compiled code, or -1. */
    static int implausible(List<Candidate> candidates, long[][] samples) {
        for (int i = 0; i < samples.length; i++) {
            if (samples[i].length > 0 && !plausible(median(samples[i].clone()), candidates.get(i))) return i;
        }
        return -1;
    }

    private static long median(long[] v) {
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /** Whether a tuning was undisturbed enough to be replayed by later processes. */
    static boolean calm(Result r, double loadPerCore) {
        if (loadPerCore > 1.0) return false;
        for (double s : r.spread()) if (!(s <= CALM_SPREAD)) return false;
        return true;
    }

    /** The 1-minute load average per processor, or 0 where the OS does not report it. */
    private static double loadPerCore() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? 0 : load / Runtime.getRuntime().availableProcessors();
    }

    /** Forgets the results remembered in memory (for tests and benchmarks that re-tune on purpose). */
    public static void forget() {
        MEMO.clear();
    }

    /** Uses {@code s} (null: none) as the on-disk store, storing every result (calm or not); for tests. */
    static void useStore(ChoiceStore s) {
        store = s;
        storeEveryResult = s != null;
    }

    /** Returns how the warm-up went (calls, when the time per call last improved, best), or null when none was needed. */
    private static String warmProxy(Candidate c, long stableNanos) {
        if (c.warmKey() == null || c.proxy() == null || WARM.contains(c.warmKey())) return null;
        long stable = Math.max(20_000_000L, stableNanos);
        long start = System.nanoTime(), stableSince = start, best = Long.MAX_VALUE;
        int calls = 1;
        for (; ; calls++) {
            long t0 = System.nanoTime();
            c.proxy().run();
            long now = System.nanoTime(), t = now - t0;
            if (t < best - best / PROXY_DROP) stableSince = now;
            best = Math.min(best, t);
            if ((calls >= WARM_CALLS && now - stableSince >= stable) || now - start >= 50 * stable) break;
        }
        WARM.add(c.warmKey());
        return calls + " calls, best " + best / 1000 + "us at " + (stableSince - start) / 1_000_000 + "ms";
    }

    /** Returns whether the JIT settled (false: the deadline came first). */
    private static boolean warmReal(List<Candidate> candidates, long deadline) {
        JitClock jit = new JitClock();
        int n = candidates.size();
        long[] best = new long[n];
        Arrays.fill(best, Long.MAX_VALUE);
        int calmRounds = 0;
        for (int round = 0; ; round++) {
            boolean improved = false;
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                candidates.get(i).call().run();
                long t = System.nanoTime() - t0;
                if (best[i] != Long.MAX_VALUE && t < best[i] - best[i] / 32) improved = true;
                best[i] = Math.min(best[i], t);
            }
            calmRounds = improved ? 0 : calmRounds + 1;
            boolean plausible = true;
            for (int i = 0; i < n; i++) plausible &= plausible(best[i], candidates.get(i));
            boolean settled = round + 1 >= MIN_WARM_ROUNDS && calmRounds >= 2 && plausible && jit.quietFor(JIT_QUIET_MILLIS * 1_000_000L);
            if (settled) return true;
            if (System.nanoTime() >= deadline) return false;
        }
    }

    private static long[][] timedRounds(List<Candidate> candidates, long budget) {
        int n = candidates.size();
        long[][] t = new long[n][MAX_ROUNDS];
        long end = System.nanoTime() + budget;
        int rounds = 0;
        while (rounds < MAX_ROUNDS && (rounds < MIN_ROUNDS || System.nanoTime() < end)) {
            for (int i = 0; i < n; i++) {
                Runnable call = candidates.get(i).call();
                for (int w = 0; w < UNTIMED_CALLS; w++) call.run();
                long t0 = System.nanoTime();
                call.run();
                t[i][rounds] = System.nanoTime() - t0;
            }
            rounds++;
        }
        long[][] out = new long[n][];
        for (int i = 0; i < n; i++) out[i] = Arrays.copyOf(t[i], rounds);
        return out;
    }

    /**
     * Whether {@code challenger} beats {@code baseline} in paired rounds: the median of the
     * per-round ratios challenger / baseline, times one plus the larger of the margin and the
     * ratios' spread (interquartile range / median), stays below 1.
     */
    static boolean fasterRoundByRound(long[] baseline, long[] challenger) {
        double[] r = pairedRatio(baseline, challenger);
        return r != null && r[0] * (1 + Math.max(MIN_MARGIN, r[1])) < 1;
    }

    /**
     * The median of the per-round ratios challenger / baseline and their spread (interquartile
     * range / median); null with fewer than {@link #MIN_ROUNDS} rounds.
     */
    private static double[] pairedRatio(long[] baseline, long[] challenger) {
        int rounds = Math.min(baseline.length, challenger.length);
        if (rounds < MIN_ROUNDS) return null;
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) ratio[r] = (double) Math.max(1, challenger[r]) / Math.max(1, baseline[r]);
        Arrays.sort(ratio);
        double median = ratio[rounds / 2];
        return new double[] {median, (ratio[(3 * rounds) / 4] - ratio[rounds / 4]) / median};
    }

    /** Median, spread and the choice from timed samples (package-private for tests of the rule). */
    static Result decide(List<String> names, long[][] samples) {
        int n = names.size();
        long[] median = new long[n];
        double[] spread = new double[n];
        for (int i = 0; i < n; i++) {
            long[] s = samples[i].clone();
            Arrays.sort(s);
            median[i] = Math.max(1, s[s.length / 2]);
            spread[i] = (double) (s[(3 * s.length) / 4] - s[s.length / 4]) / median[i];
        }
        // The noise margin guards the baseline only. Between challengers that all clear it, the
        // spreads say nothing about which is faster: the lowest median wins (by MIN_MARGIN, so a
        // near tie keeps the earlier one). Holding an earlier challenger to the spreads as well
        // kept a slower format on a loaded machine, where every spread is wide.
        // A challenger that wins only round by round gets the baseline's median times its paired
        // ratio as its time: the statistic that decided, and never above the baseline it beat.
        int best = 0;
        for (int i = 1; i < n; i++) {
            double margin = Math.max(MIN_MARGIN, spread[0] + spread[i]);
            if (median[i] * (1 + margin) >= median[0]) {
                if (!fasterRoundByRound(samples[0], samples[i])) continue;
                median[i] = Math.min(median[i], Math.max(1, Math.round(median[0] * pairedRatio(samples[0], samples[i])[0])));
            }
            if (best == 0 || median[i] * (1 + MIN_MARGIN) < median[best]) best = i;
        }
        return new Result(List.copyOf(names), median, spread, best, false);
    }
}
