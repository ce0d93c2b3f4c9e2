package dev.secateur.tensor;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Tells whether the JIT has been idle for a while. Kernel timings taken while compilations are
 * still queued or running measure C1 (or interpreted) code that is several times slower than what
 * will run later, so the calibrations (the sparse format selector, the compiled model) keep
 * running their candidates until the JIT is quiet.
 *
 * <p>Two signals, both required quiet: the JVM's total compilation time, which grows only when a
 * compilation finishes, and the CPU time the process spends outside its visible threads (compiler
 * and GC threads), which grows while one runs. The second catches the case the first misses: a
 * large C2 compilation (a Vector API kernel, hundreds of milliseconds of compiler time, far longer
 * on a loaded machine) in progress while nothing else finishes.
 */
public final class JitClock {
    /** Hidden CPU a quiet window may still show: the process CPU clock ticks in steps of about 10 ms. */
    static final long HIDDEN_ALLOWANCE_NANOS = 15_000_000L;

    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final boolean supported = jit != null && jit.isCompilationTimeMonitoringSupported();
    private final HiddenCpu hidden = HiddenCpu.create();
    private long lastMillis = supported ? jit.getTotalCompilationTime() : 0;
    private long since = System.nanoTime();
    private long hiddenAtSince = hidden == null ? 0 : hidden.nanos();

    /**
     * True when nothing was compiled during the last {@code nanos} and no compiler or GC thread
     * kept a CPU busy for a noticeable part of that time (always true where the JVM cannot tell).
     */
    public boolean quietFor(long nanos) {
        if (!supported) return true;
        long m = jit.getTotalCompilationTime(), now = System.nanoTime();
        long h = hidden == null ? 0 : hidden.nanos();
        if (m != lastMillis || busy(h - hiddenAtSince, now - since)) {
            lastMillis = m;
            since = now;
            hiddenAtSince = h;
        }
        return now - since >= nanos;
    }

    /**
     * Whether {@code hiddenNanos} of CPU outside the visible threads during a window of
     * {@code windowNanos} means a compiler (or GC) thread was working: more than an eighth of the
     * window beyond the clock's granularity. A compiler thread that gets only a share of a core
     * on a loaded machine still shows.
     */
    static boolean busy(long hiddenNanos, long windowNanos) {
        return hiddenNanos > windowNanos / 8 + HIDDEN_ALLOWANCE_NANOS;
    }

    /** CPU time of the whole process minus that of the threads the JVM lists (null where it cannot tell). */
    private record HiddenCpu(com.sun.management.OperatingSystemMXBean os, com.sun.management.ThreadMXBean threads) {
        static HiddenCpu create() {
            try {
                if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) return null;
                if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)) return null;
                if (!t.isThreadCpuTimeSupported() || !t.isThreadCpuTimeEnabled() || os.getProcessCpuTime() < 0) return null;
                return new HiddenCpu(os, t);
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
        }

        long nanos() {
            long visible = 0;
            for (long t : threads.getThreadCpuTime(threads.getAllThreadIds())) if (t > 0) visible += t;
            return os.getProcessCpuTime() - visible;
        }
    }
}
