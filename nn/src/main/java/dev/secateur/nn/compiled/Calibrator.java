package dev.secateur.nn.compiled;

import java.util.Arrays;
import java.util.List;

/**
 * Short bounded timing of competing calls. The candidates run round-robin (one call each per
 * round), so JIT warm-up and machine noise drift affect them alike: warm-up rounds for half the
 * budget (at least one), then timed rounds for the other half (at least 3, at most 64); the
 * median time of each candidate is kept.
 */
final class Calibrator {
    private static final int MIN_ROUNDS = 3, MAX_ROUNDS = 64;

    private Calibrator() {}

    /** Median nanoseconds per call of each candidate, in order. */
    static long[] medianNanos(List<Runnable> calls, long budgetNanos) {
        int c = calls.size();
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
