package dev.secateur.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of threads with one operation: run tasks {@code 0..n-1} and wait. Kernels split
 * work into tasks whose results do not depend on which thread runs them, so results are
 * deterministic for a fixed split. With one thread everything runs inline on the caller.
 *
 * <p>A call allocates nothing: the caller publishes the task through an atomic "go"
 * counter per worker, workers spin briefly (a GEMM often follows another within microseconds) and then
 * park, so an idle pool costs no CPU. Only one {@code forEach} uses the pool at a time; a call
 * that finds it busy (another thread's call, or a task calling {@code forEach} again) runs its
 * tasks inline on the calling thread, which gives the same results and cannot deadlock.
 */
public final class Workers implements AutoCloseable {
    /** A unit of parallel work; implementations are reused across calls to avoid garbage. */
    @FunctionalInterface
    public interface Task {
        void run(int taskIndex);
    }

    /** How long an idle worker (or a waiting caller) spins before parking, in nanoseconds. */
    private static final long SPIN_NANOS = 50_000;

    private static volatile Workers shared;
    private static final Workers SINGLE = new Workers(1);

    private final int threads;
    private final Thread[] workerThreads;
    /** Per worker: bumped by the caller when that worker has a share of the current call. */
    private final AtomicIntegerArray go;
    /** Held by the one call using the workers; not re-entrant, so a nested call runs inline. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();

    // Published by the caller before bumping a worker's `go` counter (a volatile write), read by workers after.
    private Task task;
    private int tasks;
    private int used;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

    private Workers(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        this.threads = threads;
        this.workerThreads = new Thread[threads - 1];
        this.go = new AtomicIntegerArray(threads);
        for (int w = 1; w < threads; w++) {
            final int worker = w;
            Thread t = new Thread(() -> workerLoop(worker), "secateur-worker-" + w);
            t.setDaemon(true);
            workerThreads[w - 1] = t;
            t.start();
        }
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

    public int threads() { return threads; }

    /**
     * Runs {@code task.run(i)} for every {@code i in [0, tasks)} and returns when all are done.
     * Task {@code i} runs on worker {@code i % threads} (worker 0 is the caller), a static schedule.
     * The first exception thrown by a task is rethrown here after all workers finished.
     */
    public void forEach(int tasks, Task task) {
        if (tasks <= 0) return;
        if (threads == 1 || tasks == 1 || closed || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) task.run(i);
            return;
        }
        try {
            int used = Math.min(threads, tasks);
            this.task = task;
            this.tasks = tasks;
            this.used = used;
            this.failure = null;
            this.caller = Thread.currentThread();
            pending.set(used - 1);
            for (int w = 1; w < used; w++) {
                go.incrementAndGet(w);          // publishes the fields above to worker w
                LockSupport.unpark(workerThreads[w - 1]);
            }
            try {
                for (int i = 0; i < tasks; i += used) task.run(i);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            }
            awaitWorkers();
            this.task = null;
            Throwable f = failure;
            failure = null;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error er) throw er;
            if (f != null) throw new IllegalStateException("parallel task failed", f);
        } finally {
            busy.set(false);
        }
    }

    private void awaitWorkers() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (pending.get() != 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 100_000);
            }
        }
    }

    private void workerLoop(int worker) {
        int seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            int gen;
            while ((gen = go.get(worker)) == seen) {
                if (closed) return;
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = gen;
            int used = this.used;
            Task t = this.task;
            int n = this.tasks;
            try {
                for (int i = worker; i < n; i += used) t.run(i);
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    /** Stops the worker threads of a pool made by {@link #of}; the shared pools stay alive. */
    @Override public void close() {
        if (this == shared || this == SINGLE) return;
        closed = true;
        for (Thread t : workerThreads) LockSupport.unpark(t);
    }
}
