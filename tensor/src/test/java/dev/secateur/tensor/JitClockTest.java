package dev.secateur.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitClockTest {
    private static final long MS = 1_000_000L;

    @Test
    void aCompilerThreadOnAShareOfACoreIsBusy() {
        assertTrue(JitClock.busy(100 * MS, 100 * MS), "a compiler thread on a whole core");
        assertTrue(JitClock.busy(40 * MS, 100 * MS), "a compiler thread on 40% of a core");
        assertTrue(JitClock.busy(300 * MS, 1000 * MS));
    }

    @Test
    void theProcessClocksGranularityIsNotBusy() {
        assertFalse(JitClock.busy(10 * MS, 100 * MS), "one 10 ms tick of the process CPU clock");
        assertFalse(JitClock.busy(12 * MS, 2 * MS), "a tick seen over a short window");
        assertFalse(JitClock.busy(-10 * MS, 50 * MS), "the visible threads' clock ahead of the process clock");
        assertFalse(JitClock.busy(0, 0));
    }

    @Test
    void anIdleJvmBecomesQuiet() throws InterruptedException {
        JitClock clock = new JitClock();
        long deadline = System.nanoTime() + 20_000 * MS;
        boolean quiet = false;
        while (!quiet && System.nanoTime() < deadline) {
            quiet = clock.quietFor(50 * MS);
            Thread.sleep(5);
        }
        assertTrue(quiet, "no quiet 50 ms window within 20 s of sleeping");
    }
}
