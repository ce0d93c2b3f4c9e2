package dev.secateur.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Back-to-back {@code forEach} calls from several threads on small pools, checking after every call
 * that each task ran exactly once, that a thrown exception comes back to the caller, and that nested
 * calls complete. A call that takes longer than {@link #CALL_LIMIT_NANOS} fails the test with a dump
 * of every thread's stack instead of hanging the build.
 *
 * <p>The whole class runs for {@code -Dsecateur.stress.seconds} (default 6), split evenly over the
 * pool-size × calling-thread combinations. A long run (the profile switch keeps the vector-width
 * executions, where {@code -Dtest} would override their exclusion of this class, from repeating it):
 * {@code mvn -o -q verify -pl tensor -P '!vector-widths' -Dtest=WorkersStressTest -Dsurefire.failIfNoSpecifiedTests=false -Dsecateur.stress.seconds=3600}.
 */
class WorkersStressTest {
    private static final double SECONDS = Double.parseDouble(System.getProperty("secateur.stress.seconds", "6"));
    private static final long CALL_LIMIT_NANOS = 10_000_000_000L;
    private static final int[] POOL_SIZES = {2, 3, 4};
    private static final int MAX_CALLERS = 4;
    private static final AtomicLong TOTAL_CALLS = new AtomicLong();
    /** Plain calls in which a worker ran at least one task (the others ran on the caller alone). */
    private static final AtomicLong HELPED_CALLS = new AtomicLong();
    private static final long CLASS_START = System.nanoTime();

    /** Thrown by a task on purpose; an Error to check that Errors come back unwrapped. */
    private static final class PlannedError extends Error {
        PlannedError(String message) { super(message, null, false, false); }
    }

    static Stream<Arguments> poolsAndCallers() {
        List<Arguments> all = new ArrayList<>();
        for (int threads : POOL_SIZES) {
            for (int callers = 1; callers <= MAX_CALLERS; callers++) all.add(Arguments.of(threads, callers));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} threads, {1} calling threads")
    @MethodSource("poolsAndCallers")
    void backToBackCallsRunEveryTaskOnceAndReturn(int threads, int callers) throws InterruptedException {
        long budget = (long) (SECONDS * 1e9 / (POOL_SIZES.length * MAX_CALLERS));
        try (Workers pool = Workers.of(threads)) {
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLongArray callStarted = new AtomicLongArray(callers);   // 0 while between calls
            AtomicLong calls = new AtomicLong();
            long start = System.nanoTime(), deadline = start + budget;
            Thread[] threadsCalling = new Thread[callers];
            for (int c = 0; c < callers; c++) {
                final int id = c;
                threadsCalling[c] = new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(31L * threads + 7L * callers + id);
                    try {
                        while (System.nanoTime() < deadline && failures.isEmpty()) {
                            oneCall(pool, rnd, callStarted, id);
                            calls.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "stress-caller-" + c);
                threadsCalling[c].setDaemon(true);   // a hung caller must not keep the test JVM alive
                threadsCalling[c].start();
            }
            // Watchdog: every caller either finishes its loop or is caught in one call for too long.
            while (true) {
                boolean alive = false;
                for (Thread t : threadsCalling) alive |= t.isAlive();
                if (!alive) break;
                long now = System.nanoTime();
                for (int c = 0; c < callers; c++) {
                    long s = callStarted.get(c);
                    if (s != 0 && now - s > CALL_LIMIT_NANOS) {
                        TOTAL_CALLS.addAndGet(calls.get());
                        fail(String.format("a forEach call on stress-caller-%d has not returned after %.1f s "
                                + "(%d threads, %d calling threads; %d calls completed, %.2f s into this case)%n%s",
                                c, (now - s) / 1e9, threads, callers, calls.get(), (now - start) / 1e9, threadDump()));
                    }
                }
                Thread.sleep(20);
            }
            TOTAL_CALLS.addAndGet(calls.get());
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError(failures.size() + " calling thread(s) failed after "
                        + calls.get() + " calls (" + threads + " threads, " + callers + " calling threads)", failures.peek());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** One forEach call of 1..9 tasks: plain, with one or two throwing tasks, or with nested calls. */
    private static void oneCall(Workers pool, SplittableRandom rnd, AtomicLongArray callStarted, int id) {
        int tasks = 1 + rnd.nextInt(9);
        int kind = rnd.nextInt(16);
        AtomicIntegerArray hits = new AtomicIntegerArray(tasks);
        if (kind == 0 || kind == 1) {
            // Tasks that throw: the caller gets one of the thrown exceptions, as is. A call run on the
            // workers runs every task; one run inline (pool busy) stops at the first exception.
            int first = rnd.nextInt(tasks), second = kind == 1 ? rnd.nextInt(tasks) : first;
            boolean asError = rnd.nextBoolean();
            Throwable thrown = null;
            callStarted.set(id, System.nanoTime());
            try {
                pool.forEach(tasks, i -> {
                    hits.incrementAndGet(i);
                    if (i == first || i == second) {
                        if (asError) throw new PlannedError("task " + i);
                        throw new IllegalStateException("task " + i);
                    }
                });
            } catch (IllegalStateException | PlannedError e) {
                thrown = e;
            } finally {
                callStarted.set(id, 0);
            }
            if (thrown == null) throw new AssertionError("no exception from a call whose task " + first + " of " + tasks + " throws");
            if (asError != thrown instanceof PlannedError) throw new AssertionError("exception type changed", thrown);
            String m = thrown.getMessage();
            if (!m.equals("task " + first) && !m.equals("task " + second)) throw new AssertionError("unexpected exception", thrown);
            for (int i = 0; i < tasks; i++) {
                int ran = hits.get(i);
                if (ran > 1 || (i == Math.min(first, second) && ran != 1)) {
                    throw new AssertionError("task " + i + " of " + tasks + " ran " + ran + " times (throwing call)");
                }
            }
            return;
        } else if (kind == 2) {
            // Nested calls: each task calls forEach on the same pool, which runs inline.
            int inner = 1 + rnd.nextInt(9);
            AtomicIntegerArray innerHits = new AtomicIntegerArray(tasks * inner);
            callStarted.set(id, System.nanoTime());
            try {
                pool.forEach(tasks, i -> {
                    hits.incrementAndGet(i);
                    pool.forEach(inner, j -> innerHits.incrementAndGet(i * inner + j));
                });
            } finally {
                callStarted.set(id, 0);
            }
            checkOnce(innerHits, "nested task");
        } else {
            // Plain calls; some tasks yield so that workers fall behind and wake late.
            boolean yield = kind == 3;
            Thread caller = Thread.currentThread();
            boolean[] helped = new boolean[1];
            callStarted.set(id, System.nanoTime());
            try {
                pool.forEach(tasks, i -> {
                    if (yield) Thread.yield();
                    hits.incrementAndGet(i);
                    if (Thread.currentThread() != caller) helped[0] = true;   // read after forEach returns
                });
            } finally {
                callStarted.set(id, 0);
            }
            if (helped[0]) HELPED_CALLS.incrementAndGet();
        }
        checkOnce(hits, "task");
    }

    private static void checkOnce(AtomicIntegerArray hits, String what) {
        for (int i = 0; i < hits.length(); i++) {
            int ran = hits.get(i);
            if (ran != 1) throw new AssertionError(what + " " + i + " of " + hits.length() + " ran " + ran + " times");
        }
    }

    private static String threadDump() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement f : e.getValue()) sb.append("    at ").append(f).append('\n');
        }
        return sb.toString();
    }

    @AfterAll
    static void report() {
        System.out.printf("WorkersStressTest: %d forEach calls in %.1f s (%d plain calls had a task run by a worker)%n",
                TOTAL_CALLS.get(), (System.nanoTime() - CLASS_START) / 1e9, HELPED_CALLS.get());
    }
}
