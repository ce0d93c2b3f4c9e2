package dev.secateur.tensor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of threads with one operation: run tasks {@code 0..n-1} and wait. Kernels split
 * work into tasks whose results do not depend on which thread runs them, so results are
 * deterministic for a fixed split. With one thread everything runs inline on the caller.
 */
public final class Workers implements AutoCloseable {
    /** A unit of parallel work; implementations are reused across calls to avoid garbage. */
    @FunctionalInterface
    public interface Task {
        void run(int taskIndex);
    }

    private static volatile Workers shared;

    private final int threads;
    private final ExecutorService pool;

    private Workers(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "secateur-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A new pool of {@code threads} threads (the caller counts as one). */
    public static Workers of(int threads) {
        return new Workers(threads);
    }

    /**
     * The process-wide default pool: {@code -Dsecateur.threads=N} or the number of available
     * processors.
     */
    public static Workers shared() {
        Workers w = shared;
        if (w == null) {
            synchronized (Workers.class) {
                w = shared;
                if (w == null) {
                    int n = Integer.getInteger("secateur.threads", Runtime.getRuntime().availableProcessors());
                    shared = w = new Workers(Math.max(1, n));
                }
            }
        }
        return w;
    }

    /** A single-threaded pool (runs inline). */
    public static Workers single() {
        return SINGLE;
    }

    private static final Workers SINGLE = new Workers(1);

    public int threads() { return threads; }

    /**
     * Runs {@code task.run(i)} for every {@code i in [0, tasks)} and returns when all are done.
     * Task {@code i} runs on worker {@code i % threads} (worker 0 is the caller), a static schedule.
     */
    public void forEach(int tasks, Task task) {
        if (tasks <= 0) return;
        if (threads == 1 || tasks == 1) {
            for (int i = 0; i < tasks; i++) task.run(i);
            return;
        }
        int used = Math.min(threads, tasks);
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[used - 1];
        for (int w = 1; w < used; w++) {
            final int worker = w;
            futures[w - 1] = pool.submit(() -> {
                for (int i = worker; i < tasks; i += used) task.run(i);
            });
        }
        Throwable failure = null;
        try {
            for (int i = 0; i < tasks; i += used) task.run(i);
        } catch (Throwable t) {
            failure = t;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new IllegalStateException("parallel task failed", failure);
    }

    @Override public void close() {
        if (pool != null && this != shared) pool.shutdownNow();
    }
}
