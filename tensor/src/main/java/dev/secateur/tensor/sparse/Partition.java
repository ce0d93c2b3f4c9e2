package dev.secateur.tensor.sparse;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Contiguous ranges of units (rows or row blocks) with balanced work per thread. Built from the
 * cumulative work per unit (stored entries plus a fixed per-unit cost); the bounds for a given
 * thread count are computed once and cached, so steady-state calls do not allocate.
 */
final class Partition {
    /** Per-unit overhead in "entries": loop setup, epilogue and the store of the outputs. */
    static final long UNIT_COST = 8;
    private static final int CACHED = 64;

    private final long[] prefix;
    private final AtomicReferenceArray<int[]> cache = new AtomicReferenceArray<>(CACHED + 1);

    private Partition(long[] prefix) {
        this.prefix = prefix;
    }

    /** {@code work[u]} = stored entries of unit u. */
    static Partition of(long[] work) {
        long[] prefix = new long[work.length + 1];
        for (int u = 0; u < work.length; u++) prefix[u + 1] = prefix[u] + work[u] + UNIT_COST;
        return new Partition(prefix);
    }

    /** From a pointer array {@code ptr[units+1]} (entries of unit u are {@code [ptr[u], ptr[u+1])}), times a weight. */
    static Partition ofPointers(int[] ptr, long weight) {
        long[] work = new long[ptr.length - 1];
        for (int u = 0; u < work.length; u++) work[u] = (ptr[u + 1] - ptr[u]) * weight;
        return of(work);
    }

    int units() { return prefix.length - 1; }

    /** Bounds {@code b[0]=0 ≤ b[1] ≤ … ≤ b[threads]=units}; thread t takes {@code [b[t], b[t+1])}. */
    int[] bounds(int threads) {
        if (threads <= CACHED) {
            int[] b = cache.get(threads);
            if (b == null) {
                b = compute(threads);
                cache.set(threads, b);
            }
            return b;
        }
        return compute(threads);
    }

    private int[] compute(int threads) {
        int units = units();
        int[] b = new int[threads + 1];
        long total = prefix[units];
        int u = 0;
        for (int t = 1; t < threads; t++) {
            long target = total * t / threads;
            while (u < units && prefix[u] < target) u++;
            b[t] = u;
        }
        b[threads] = units;
        return b;
    }
}
