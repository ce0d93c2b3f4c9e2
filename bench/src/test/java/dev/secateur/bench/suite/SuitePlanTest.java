package dev.secateur.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuitePlanTest {
    @Test
    void aRegisteredFormatJoinsEverySpmmStepBesideEveryFormatThatRuns() {
        SuitePlan quick = SuitePlan.of("quick", 512, true, List.of("coo"), null);
        List<String> square = quick.steps().stream().filter(s -> s.name().equals("spmm-square")).findFirst().orElseThrow().params().get("format");
        for (String f : SuitePlan.formatsAt(512)) {
            if (!f.equals("auto") && !f.equals("int8csr")) assertTrue(square.contains(f), f);
        }
        for (JmhStep s : quick.steps()) {
            if (s.benchmark().equals("SpmmBenchmark")) assertTrue(s.params().get("format").contains("coo"), s.name());
        }
        assertTrue(quick.spmmFormats().contains("coo"));
    }

    @Test
    void formatsNeedingWiderVectorsAreLeftOutAtANarrowWidth() {
        List<String> at128 = SuitePlan.formatsAt(128);
        assertTrue(at128.contains("csr") && at128.contains("dense"));
        assertFalse(at128.contains("wsell16") || at128.contains("bitmap16") || at128.contains("bsr8x1"), at128.toString());
    }

    @Test
    void tinyRunsInThisJvmOnlyAtTheDefaultWidth() {
        assertTrue(SuitePlan.of("tiny", 512, true, List.of(), null).steps().stream().allMatch(s -> s.forks() == 0));
        assertTrue(SuitePlan.of("tiny", 128, false, List.of(), null).steps().stream().allMatch(s -> s.forks() == 1));
        assertThrows(IllegalArgumentException.class, () -> SuitePlan.of("huge", 512, true, List.of(), null));
        assertFalse(SuitePlan.of("tiny", 512, true, List.of(), null).exclusive(), "tiny runs beside another JMH run");
        assertTrue(SuitePlan.of("quick", 512, true, List.of(), null).exclusive() && SuitePlan.of("full", 512, true, List.of(), null).exclusive());
    }

    @Test
    void stepCountsConfigurationsAndIncludesExactlyItsMethods() {
        JmhStep s = new JmhStep("x", "SpmmBenchmark", List.of("a", "b"), Map.of("p", List.of("1", "2", "3"), "q", List.of("z")), 2, 1, 100, 2, 100, false);
        assertEquals(6, s.configurations());
        assertEquals(6 * 2 * (JmhStep.FORK_OVERHEAD_S + 0.3), s.estimateSeconds(), 1e-9);
        assertEquals("dev.secateur.bench.kernels.SpmmBenchmark", s.className());
        assertEquals("^dev\\.secateur\\.bench\\.kernels\\.SpmmBenchmark\\.(a|b)$", s.includePattern(s.className()));
        assertEquals(null, new JmhStep("y", "NoSuchBenchmark", List.of(), Map.of(), 1, 1, 1, 1, 1, true).className());
    }
}
