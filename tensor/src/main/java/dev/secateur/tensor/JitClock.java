package dev.secateur.tensor;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Tells whether the JIT has been idle for a while, from the JVM's total compilation time. Kernel
 * timings taken while compilations are still queued measure C1 (or interpreted) code that is
 * several times slower than what will run later, so the calibrations (the sparse format
 * selector, the compiled model) keep running their candidates until the JIT is quiet.
 */
public final class JitClock {
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final boolean supported = jit != null && jit.isCompilationTimeMonitoringSupported();
    private long lastMillis = supported ? jit.getTotalCompilationTime() : 0;
    private long since = System.nanoTime();

    /** True when nothing was compiled during the last {@code nanos} (always true where the JVM cannot tell). */
    public boolean quietFor(long nanos) {
        if (!supported) return true;
        long m = jit.getTotalCompilationTime(), now = System.nanoTime();
        if (m != lastMillis) {
            lastMillis = m;
            since = now;
        }
        return now - since >= nanos;
    }
}
