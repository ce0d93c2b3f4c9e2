package dev.secateur.nn.compiled;

import dev.secateur.tensor.JitClock;

import java.util.Arrays;
import java.util.List;

/**
 * Short bounded timing of competing calls, in two phases.
 *
 * <p>JIT warm-up: until the JIT has compiled a kernel, its Vector API code runs interpreted,
 * hundreds of times slower (on a loaded 2-core machine this lasts seconds), and timing it then
 * means nothing. So each candidate first runs until one call costs less than
 * {@value #WARM_NANOS_PER_MAC} ns per multiply-add it performs (compiled kernels take 0.02–2 ns;
 * interpreted ones 10–5000 ns) and, where the JVM reports compilation time, until the JIT has
 * been idle for {@value #JIT_QUIET_MILLIS} ms while they all keep running — a kernel running
 * C1 code while its C2 compile is queued passes the first test at several times its final cost
 * (seen on a loaded 2-core machine: dense picked at 40 µs instead of 3). Either way it stops at
 * the compile's warm-up deadline; candidates run round-robin so the compiler queue works on all
 * of them.
 *
 * <p>Timing: round-robin (one call each per round, so noise drift hits all alike) for half the
 * budget of warm-up rounds (at least one), then timed rounds for the other half (at least 3, at
 * most 64); the median time of each candidate is kept.
 */
final class Calibrator {
    static final double WARM_NANOS_PER_MAC = 5.0;
    static final long JIT_QUIET_MILLIS = 60;
    private static final int MIN_ROUNDS = 3, MAX_ROUNDS = 64;

    private Calibrator() {}

    /**
     * @param macs          multiply-adds of one call of each candidate (for the warm-up test)
     * @param warmDeadline  {@link System#nanoTime()} after which the JIT warm-up gives up
     * @return median nanoseconds per call of each candidate, in order
     */
    static long[] medianNanos(List<Runnable> calls, long[] macs, long budgetNanos, long warmDeadline) {
        int c = calls.size();
        boolean[] warm = new boolean[c];
        JitClock jit = new JitClock();
        for (int left = c; System.nanoTime() < warmDeadline; ) {
            for (int i = 0; i < c; i++) {
                long t0 = System.nanoTime();
                calls.get(i).run();
                if (!warm[i] && System.nanoTime() - t0 < WARM_NANOS_PER_MAC * macs[i]) {
                    warm[i] = true;
                    left--;
                }
            }
            if (jit.quietFor(JIT_QUIET_MILLIS * 1_000_000L) && left == 0) break;
        }
        long warmEnd = System.nanoTime() + budgetNanos / 2;
        do {
            for (Runnable r : calls) r.run();
        } while (System.nanoTime() < warmEnd);
        long[][] t = new long[c][MAX_ROUNDS];
        int rounds = 0;
        long end = System.nanoTime() + budgetNanos / 2;
        while (rounds < MAX_ROUNDS && (rounds < MIN_ROUNDS || System.nanoTime() < end)) {
            for (int i = 0; i < c; i++) {
                long t0 = System.nanoTime();
                calls.get(i).run();
                t[i][rounds] = System.nanoTime() - t0;
            }
            rounds++;
        }
        long[] median = new long[c];
        for (int i = 0; i < c; i++) {
            long[] s = Arrays.copyOf(t[i], rounds);
            Arrays.sort(s);
            median[i] = Math.max(1, s[rounds / 2]);
        }
        return median;
    }
}
