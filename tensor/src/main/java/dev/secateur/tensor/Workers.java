package dev.secateur.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of threads with one operation: run tasks {@code 0..n-1} and wait. Kernels split
 * work into tasks whose results do not depend on which thread runs them, so results are
 * deterministic for a fixed split. With one thread everything runs inline on the caller.
 *
 * <p>Tasks are claimed one at a time from a shared counter by the caller and by the workers, so
 * the caller never waits for a worker that is still waking up or that another process keeps off
 * the CPU: it waits only for tasks that a worker has already started. A call allocates nothing:
 * workers spin briefly for the next call (a GEMM often follows another within microseconds) and
 * then park, so an idle pool costs no CPU. Only one {@code forEach} uses the pool at a time; a call
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
    /** Held by the one call using the workers; not re-entrant, so a nested call runs inline. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** (call generation << 32) | next unclaimed task index; a claim is a CAS on the whole word. */
    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger finished = new AtomicInteger();

    // Written by the caller before it publishes a new generation in `claim`, read by workers after.
    private Task task;
    private int tasks;
    private int generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

    private Workers(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        this.threads = threads;
        this.workerThreads = new Thread[threads - 1];
        for (int w = 1; w < threads; w++) {
            Thread t = new Thread(this::workerLoop, "secateur-worker-" + w);
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
     * Which thread runs which task is not fixed (the caller takes part). The first exception
     * thrown by a task is rethrown here after all started tasks finished.
     */
    public void forEach(int tasks, Task task) {
        if (tasks <= 0) return;
        if (threads == 1 || tasks == 1 || closed || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) task.run(i);
            return;
        }
        try {
            this.task = task;
            this.tasks = tasks;
            this.failure = null;
            this.caller = Thread.currentThread();
            finished.set(0);
            int gen = ++generation;
            claim.set((long) gen << 32);          // publishes the fields above
            int helpers = Math.min(threads, tasks) - 1;
            for (int w = 0; w < helpers; w++) LockSupport.unpark(workerThreads[w]);
            runClaimed(gen);
            awaitFinished(tasks);
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

    /** Claims and runs tasks of generation {@code gen} until none is left. */
    private void runClaimed(int gen) {
        Task t = this.task;
        int n = this.tasks;
        while (true) {
            long v = claim.get();
            int i = (int) v;
            if ((int) (v >>> 32) != gen || i >= n) return;
            if (!claim.compareAndSet(v, v + 1)) continue;
            try {
                t.run(i);
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
            if (finished.incrementAndGet() == n) LockSupport.unpark(caller);
        }
    }

    private void awaitFinished(int tasks) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (finished.get() != tasks) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 100_000);
            }
        }
    }

    private void workerLoop() {
        int seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            int gen;
            while ((gen = (int) (claim.get() >>> 32)) == seen) {
                if (closed) return;
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = gen;
            // A late worker finds every task claimed (or a newer generation) and runs nothing.
            runClaimed(gen);
        }
    }

    /** Stops the worker threads of a pool made by {@link #of}; the shared pools stay alive. */
    @Override public void close() {
        if (this == shared || this == SINGLE) return;
        closed = true;
        for (Thread t : workerThreads) LockSupport.unpark(t);
    }
}
