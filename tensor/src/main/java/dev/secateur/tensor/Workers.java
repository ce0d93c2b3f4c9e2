package dev.secateur.tensor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of threads with one operation: run tasks {@code 0..n-1} and wait. Kernels split
 * work into tasks whose results do not depend on which thread runs them, so results are
 * deterministic for a fixed split. With one thread everything runs inline on the caller.
 *
 * <p>Tasks are claimed one at a time from a counter by the caller and by the workers, so the
 * caller never waits for a worker that is still waking up or that another process keeps off the
 * CPU: it waits only for tasks that a worker has already started. Idle workers spin briefly for
 * the next call (a GEMM often follows another within microseconds) and then park, so an idle pool
 * costs no CPU. Only one {@code forEach} uses the pool at a time; a call that finds it busy
 * (another thread's call, or a task calling {@code forEach} again) runs its tasks inline on the
 * calling thread, which gives the same results and cannot deadlock.
 *
 * <p>A call allocates nothing: its task, task count and counters live in a {@link Job} record
 * taken from a ring of {@code threads} records made with the pool, and published to the workers
 * through one volatile field.
 *
 * <h2>Why it is correct</h2>
 *
 * A worker touches a job only while it holds a <em>pin</em> on it (a count in the job) and only
 * after it has seen that job in {@code current} <em>after</em> taking the pin. The caller
 * (re)fills a job only when it is not in {@code current} and its pin count reads zero. So a
 * worker that passed that check works on the call the job was published for, and the job is not
 * refilled for another call until the worker drops its pin: taking the pin, seeing the job
 * published, and the caller later unpublishing it and reading the pin count happen in that order
 * (all are volatile accesses), so the caller sees the pin.
 * <ul>
 * <li><b>Every index runs exactly once.</b> Indices are drawn with {@code getAndAdd} on the job's
 *     own {@code next}, which hands each value out once; counters are reset only when the job is
 *     refilled, which by the rule above happens only after every thread that could draw from the
 *     previous call has stopped. A drawn index below the task count is run by its drawer; any
 *     other draw ends that thread's part in the call.</li>
 * <li><b>The caller's wait ends.</b> The caller draws until {@code next} passes the task count,
 *     so when it starts waiting every index has been drawn. Each drawer runs its task (exceptions
 *     are caught and kept) and then adds one to the job's {@code finished}, so {@code finished}
 *     reaches the task count exactly once. The thread that makes it do so unparks the caller;
 *     {@code LockSupport}'s permit covers the case where that happens before the caller parks.</li>
 * <li><b>A late worker is harmless.</b> A worker that wakes after the call it was woken for has
 *     ended either finds another job (or none) in {@code current} after pinning and leaves, or
 *     finds the job still published with every index drawn and leaves after one failed draw. It
 *     can add to a job's counters only for an index it drew from that same job while the job was
 *     published, so it never touches another call's counters. If the job was meanwhile published
 *     again for a new call, the worker simply takes part in that call, which is what a worker is
 *     for.</li>
 * <li><b>The ring always has a free job.</b> The {@code threads - 1} workers each pin at most
 *     one job at a time, and only a job they read from {@code current}; while the caller looks for
 *     a free job {@code current} is empty, so at most {@code threads - 1} of the {@code threads}
 *     jobs can read as pinned. (Should that argument ever fail, a new job is made: correctness
 *     does not depend on it, only the absence of allocation.)</li>
 * </ul>
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
    /** The job of the call in progress, or null; written only by the holder of {@link #busy}. */
    private volatile Job current;
    /** Reusable job records, one more than there are workers (see the class comment). */
    private final Job[] jobs;
    /** Index in {@link #jobs} of the last job used; guarded by {@link #busy}. */
    private int lastJob;
    /** Number of the last call published; guarded by {@link #busy}. Starts at 0, so no job has seq 0. */
    private long calls;
    private volatile boolean closed;

    private Workers(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        this.threads = threads;
        this.jobs = new Job[threads == 1 ? 0 : threads];
        for (int j = 0; j < jobs.length; j++) jobs[j] = new Job();
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
        Throwable f;
        try {
            Job job = freeJob();
            job.fill(++calls, task, tasks, Thread.currentThread());
            current = job;                                  // publishes the fields filled above
            int helpers = Math.min(threads, tasks) - 1;
            for (int w = 0; w < helpers; w++) LockSupport.unpark(workerThreads[w]);
            job.runClaimed();
            job.awaitFinished();
            f = job.takeFailure();                          // while we still own the job
        } finally {
            current = null;
            busy.set(false);
        }
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IllegalStateException("parallel task failed", f);
    }

    /** A job no worker holds a pin on; {@link #current} is null while this runs. */
    private Job freeJob() {
        for (int k = 1; k <= jobs.length; k++) {
            int at = (lastJob + k) % jobs.length;
            if (jobs[at].pins() == 0) {
                lastJob = at;
                return jobs[at];
            }
        }
        // Not reached (see the class comment); a fresh job keeps the call correct regardless.
        lastJob = (lastJob + 1) % jobs.length;
        return jobs[lastJob] = new Job();
    }

    private void workerLoop() {
        long seen = 0;                                      // seq of the last job this worker took part in
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!closed) {
            Job job = current;
            if (job != null && job.seq != seen) {
                job.pin();
                // Only a job still published after the pin is safe to use: it cannot be refilled now.
                if (current == job) {
                    seen = job.seq;
                    job.runClaimed();
                }
                job.unpin();
                spinUntil = System.nanoTime() + SPIN_NANOS;
            } else if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Stops the worker threads of a pool made by {@link #of}; the shared pools stay alive. */
    @Override public void close() {
        if (this == shared || this == SINGLE) return;
        closed = true;
        for (Thread t : workerThreads) LockSupport.unpark(t);
    }

    /**
     * One {@code forEach} call: what to run and its own counters. Filled by the caller while no
     * worker holds a pin on it and before it is published; read-only for workers after that.
     */
    private static final class Job {
        private static final VarHandle NEXT, FINISHED, PINS, FAILURE;
        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                NEXT = l.findVarHandle(Job.class, "next", int.class);
                FINISHED = l.findVarHandle(Job.class, "finished", int.class);
                PINS = l.findVarHandle(Job.class, "pins", int.class);
                FAILURE = l.findVarHandle(Job.class, "failure", Throwable.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Number of the call this job was last filled for; read by idle workers without a pin. */
        volatile long seq;
        private Task task;
        private int tasks;
        private Thread caller;
        private int next;           // next index to hand out; may run past tasks by one per participant
        private int finished;       // tasks run to completion (or to an exception)
        private int pins;           // workers that may be looking at this job
        private Throwable failure;  // first exception thrown by a task

        void fill(long seq, Task task, int tasks, Thread caller) {
            this.task = task;
            this.tasks = tasks;
            this.caller = caller;
            NEXT.setVolatile(this, 0);
            FINISHED.setVolatile(this, 0);
            FAILURE.setVolatile(this, null);
            this.seq = seq;
        }

        int pins() { return (int) PINS.getVolatile(this); }
        void pin() { PINS.getAndAdd(this, 1); }
        void unpin() { PINS.getAndAdd(this, -1); }

        /** Draws and runs indices until one is past the end. */
        void runClaimed() {
            int n = tasks;
            while (true) {
                int i = (int) NEXT.getAndAdd(this, 1);
                if (i >= n) return;
                Thread c = caller;  // read before the count below lets the caller return and clear it
                try {
                    task.run(i);
                } catch (Throwable e) {
                    FAILURE.compareAndSet(this, null, e);
                }
                if ((int) FINISHED.getAndAdd(this, 1) + 1 == n && c != Thread.currentThread()) LockSupport.unpark(c);
            }
        }

        /** Called by the caller once its own draws are done: waits until every drawn task finished. */
        void awaitFinished() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while ((int) FINISHED.getVolatile(this) != tasks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        /** The first failure, dropping this job's references so a finished call keeps nothing alive. */
        Throwable takeFailure() {
            Throwable f = (Throwable) FAILURE.getVolatile(this);
            FAILURE.setVolatile(this, null);
            task = null;
            caller = null;
            return f;
        }
    }
}
