package dev.secateur.tensor;

import com.sun.management.HotSpotDiagnosticMXBean;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No kernel method may be too big for C1's profiling tier (tier 3): when the tiered policy first
 * compiled a method at tier 2 (C1 without full profiling, chosen while C2's queue is long) and C1
 * then gives up on tier 3, the method stays in tier-2 code for the life of the JVM, where every
 * Vector API operation is a boxed Java fallback. Whether a method is ever offered to tier 3 depends
 * on that queue, so this test runs in a JVM of its own (the {@code jit-tiers} Surefire executions,
 * one per vector width) where every hot method goes to tier 3 first: {@code -XX:Tier3DelayOn=1000000}
 * (never tier 2 for a long C2 queue) and {@code -XX:-ProfileInterpreter} (no interpreter profile
 * that would let a method go to tier 2 or C2 without tier 3). A JFR recording keeps every
 * compilation (threshold 0); C1's failures are the {@code jdk.Compilation} events at tiers 1–3 that
 * did not succeed (with {@code jdk.CompilationFailure}'s reason where C1 posts one).
 */
class JitTierTest {
    private static final String OURS = "dev.secateur.";
    /** C1 bailouts that say nothing about the method's size: C1 tries the method again later. */
    private static final Set<String> TRANSIENT = Set.of("concurrent class loading");

    @Test
    void everyKernelMethodCompilesAtTheProfilingTier() throws Exception {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assumeTrue(vm.getVMOption("ProfileInterpreter").getValue().equals("false") && Long.parseLong(vm.getVMOption("Tier3DelayOn").getValue()) >= 1000,
                "runs in the jit-tiers executions (-XX:Tier3DelayOn=1000000 -XX:-ProfileInterpreter)");
        Path file = Files.createTempFile("jit-tiers", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
            recording.enable("jdk.CompilationFailure");
            recording.start();
            new JitTierWorkload().run();
            waitForIdleJit();
            recording.stop();
            recording.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            Map<Integer, String> reasons = events.stream().filter(e -> e.getEventType().getName().equals("jdk.CompilationFailure"))
                    .collect(Collectors.toMap(e -> e.getInt("compileId"), e -> e.getString("failureMessage"), (a, b) -> a));
            List<RecordedEvent> c1 = events.stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.Compilation"))
                    .filter(e -> e.getShort("compileLevel") >= 1 && e.getShort("compileLevel") <= 3)
                    .filter(e -> name(e.getValue("method")).startsWith(OURS))
                    .toList();
            long tier3 = c1.stream().filter(e -> e.getShort("compileLevel") == 3).count();
            assertTrue(tier3 > 100, "the workload should get many kernel methods compiled at tier 3, saw " + tier3);
            // A bailout C1 retries ends in a successful compile of the method, or (concurrent class loading) is
            // transient whether or not the workload calls the method often enough again.
            Set<String> compiled = c1.stream().filter(e -> e.getBoolean("succeded") && e.getShort("compileLevel") == 3).map(JitTierTest::key).collect(Collectors.toSet());
            String failed = c1.stream().filter(e -> !e.getBoolean("succeded") && !compiled.contains(key(e)))
                    .filter(e -> !TRANSIENT.contains(reasons.get(e.getInt("compileId"))))
                    .map(e -> key(e) + " at tier " + e.getShort("compileLevel") + ": " + reasons.getOrDefault(e.getInt("compileId"), "no reason recorded"))
                    .distinct().collect(Collectors.joining("\n  "));
            assertTrue(failed.isEmpty(), "C1 could not compile (split these methods without passing vectors across calls):\n  " + failed);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String key(RecordedEvent compilation) {
        return name(compilation.getValue("method")) + (compilation.getBoolean("isOsr") ? " (OSR)" : "");
    }

    private static String name(RecordedMethod m) {
        return m.getType().getName() + "::" + m.getName();
    }

    /** Until the compilers' total time stops growing for 300 ms (at most 10 s): queued compilations finish. */
    private static void waitForIdleJit() throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long deadline = System.nanoTime() + 10_000_000_000L, last = -1;
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long t = jit.getTotalCompilationTime();
            quiet = t == last ? quiet + 1 : 0;
            last = t;
        }
    }
}
