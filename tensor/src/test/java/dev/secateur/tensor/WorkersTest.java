package dev.secateur.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The fork/join pool: every task exactly once, failures surface, re-entry and concurrent use are safe. */
class WorkersTest {
    @Test
    void everyTaskRunsExactlyOnceForAnyPoolAndTaskCount() {
        for (int threads = 1; threads <= 4; threads++) {
            try (Workers w = Workers.of(threads)) {
                for (int tasks = 0; tasks <= 9; tasks++) {
                    for (int rep = 0; rep < 20; rep++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, tasks));
                        w.forEach(tasks, hits::incrementAndGet);
                        for (int i = 0; i < tasks; i++) assertEquals(1, hits.get(i), "task " + i + " of " + tasks + " with " + threads + " threads");
                    }
                }
            }
        }
    }

    @Test
    void taskFailureIsRethrownToTheCallerAndThePoolStaysUsable() {
        try (Workers w = Workers.of(3)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> w.forEach(6, i -> { if (i == 4) throw new IllegalStateException("boom " + i); }));
            assertEquals("boom 4", e.getMessage());
            AtomicIntegerArray hits = new AtomicIntegerArray(6);
            w.forEach(6, hits::incrementAndGet);
            for (int i = 0; i < 6; i++) assertEquals(1, hits.get(i));
        }
    }

    @Test
    void errorsComeBackAsIsAndCheckedExceptionsWrappedWhileEveryOtherTaskStillRuns() {
        try (Workers w = Workers.of(3)) {
            AssertionError error = new AssertionError("planned");
            AtomicIntegerArray hits = new AtomicIntegerArray(7);
            AssertionError thrown = assertThrows(AssertionError.class, () -> w.forEach(7, i -> {
                hits.incrementAndGet(i);
                if (i == 2) throw error;
            }));
            assertSame(error, thrown);
            for (int i = 0; i < 7; i++) assertEquals(1, hits.get(i), "task " + i);   // a parallel call runs them all

            Exception checked = new Exception("checked");
            IllegalStateException wrapped = assertThrows(IllegalStateException.class,
                    () -> w.forEach(5, i -> { if (i == 3) WorkersTest.<RuntimeException>sneakyThrow(checked); }));
            assertSame(checked, wrapped.getCause());
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }

    @Test
    void steadyStateCallsDoNotAllocate() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int threads = 2; threads <= 4; threads++) {
            try (Workers w = Workers.of(threads)) {
                AtomicIntegerArray hits = new AtomicIntegerArray(8);
                Workers.Task task = hits::incrementAndGet;
                long bytes = Long.MAX_VALUE;
                // Interpreted code may allocate until compiled: warm up in rounds until a round is clean.
                for (int round = 0; round < 100 && bytes > 0; round++) {
                    long before = bean.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 1000; i++) w.forEach(1 + i % 8, task);
                    bytes = bean.getCurrentThreadAllocatedBytes() - before;
                }
                assertEquals(0, bytes, "bytes allocated by 1000 warm calls on " + threads + " threads");
                assertTrue(hits.get(0) >= 1000);
            }
        }
    }

    @Test
    void nestedAndConcurrentCallsRunInlineWithoutDeadlock() throws Exception {
        try (Workers w = Workers.of(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(16);
            w.forEach(4, outer -> w.forEach(4, inner -> hits.incrementAndGet(outer * 4 + inner)));
            for (int i = 0; i < 16; i++) assertEquals(1, hits.get(i));

            AtomicIntegerArray counts = new AtomicIntegerArray(2);
            Thread[] callers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                final int id = t;
                callers[t] = new Thread(() -> {
                    for (int rep = 0; rep < 200; rep++) w.forEach(3, i -> counts.incrementAndGet(id));
                });
                callers[t].start();
            }
            for (Thread t : callers) t.join(20_000);
            assertEquals(600, counts.get(0));
            assertEquals(600, counts.get(1));
        }
    }

    @Test
    void poolsReportTheirSizeAndRejectBadCounts() {
        assertEquals(1, Workers.single().threads());
        assertSame(Workers.shared(), Workers.shared());
        assertThrows(IllegalArgumentException.class, () -> Workers.of(0));
        Workers closed = Workers.of(2);
        closed.close();
        AtomicIntegerArray hits = new AtomicIntegerArray(3);
        closed.forEach(3, hits::incrementAndGet);   // a closed pool still works, inline
        for (int i = 0; i < 3; i++) assertEquals(1, hits.get(i));
    }
}
