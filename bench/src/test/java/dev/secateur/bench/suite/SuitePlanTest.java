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
        assertEquals(6 * 2 * (JmhStep.FORK_OVERHEAD_S + 3 * JmhStep.ITERATION_OVERHEAD_S + 0.3), s.estimateSeconds(), 1e-9);
        assertEquals(6 * 2 * (JmhStep.FORK_OVERHEAD_S + 3 * JmhStep.ITERATION_OVERHEAD_S + 2.3), s.withSetup(2).estimateSeconds(), 1e-9);
        assertEquals("dev.secateur.bench.kernels.SpmmBenchmark", s.className());
        assertEquals("^dev\\.secateur\\.bench\\.kernels\\.SpmmBenchmark\\.(a|b)$", s.includePattern(s.className()));
        assertEquals(null, new JmhStep("y", "NoSuchBenchmark", List.of(), Map.of(), 1, 1, 1, 1, 1, true).className());
    }

    @Test
    void fullFitsInAboutFortyFiveMinutesAtEveryWidthAndTheDryRunShowsEveryStep() {
        for (int bits : new int[] {512, 256, 128}) {
            SuitePlan full = SuitePlan.of("full", bits, bits == 512, List.of(), null);
            double minutes = full.estimateSeconds() / 60;
            assertTrue(minutes > 20 && minutes <= 50, bits + "-bit full estimated at " + minutes + " min");
            String dry = full.describe();
            for (JmhStep s : full.steps()) {
                assertTrue(dry.contains(s.name()) && dry.contains(s.benchmark()), s.name());
                assertTrue(dry.contains(s.configurations() + " configs x " + Math.max(1, s.forks()) + " fork"), dry);
            }
            assertTrue(dry.contains("accuracy sweep") && dry.contains("estimated total: " + SuiteProgress.duration(full.estimateSeconds())), dry);
            assertEquals(full.steps().stream().mapToDouble(JmhStep::estimateSeconds).sum() + full.sweep().estimateSeconds(), full.estimateSeconds(), 1e-6);
        }
        SuitePlan full = SuitePlan.of("full", 512, true, List.of(), null);
        JmhStep dense1 = full.steps().stream().filter(s -> s.name().equals("spmm-square-dense1")).findFirst().orElseThrow();
        assertEquals(2, dense1.forks(), "the batch-1 dense GEMV runs in two JVMs");
        assertEquals(List.of("1"), dense1.params().get("batch"));
        JmhStep ort = full.steps().stream().filter(s -> s.benchmark().equals("OrtModelBenchmark")).findFirst().orElseThrow();
        assertEquals(SuitePlan.ORT_CLASS, ort.requires());
        assertEquals(24, ort.configurations(), "2 models x 2 engines x 2 batch sizes x dense, pruned, blocked");
        assertTrue(SuitePlan.of("quick", 512, true, List.of(), null).estimateSeconds() < 15 * 60);
    }

    @Test
    void sweepEstimateGrowsWithTrainingEpochs() {
        AccuracySweep w = new AccuracySweep(List.of("lenet5"), List.of(dev.secateur.prune.scoring.Criterion.L1),
                List.of(AccuracySweep.Schedule.values()), List.of(0.1), 1000, 6000, null);
        double oneShot = w.estimateSeconds("lenet5", AccuracySweep.Schedule.ONE_SHOT);
        double ft = w.estimateSeconds("lenet5", AccuracySweep.Schedule.ONE_SHOT_FT);
        double gradual = w.estimateSeconds("lenet5", AccuracySweep.Schedule.GRADUAL);
        double iterative = w.estimateSeconds("lenet5", AccuracySweep.Schedule.ITERATIVE);
        assertTrue(oneShot < ft && ft < gradual && gradual < iterative);
        assertTrue(w.estimateSeconds("lenet300", AccuracySweep.Schedule.GRADUAL) < gradual, "LeNet-300-100 trains faster than LeNet-5");
    }

    @Test
    void aMissingRuntimeIsNamed() {
        JmhStep s = new JmhStep("x", "ModelBenchmark", List.of(), Map.of(), 1, 1, 1, 1, 1, true).requiring("no.such.Runtime");
        assertEquals("ModelBenchmark needs no.such.Runtime, which is not on the class path", s.missing());
        assertEquals(null, s.requiring(null).missing());
        assertEquals("NoSuchBenchmark is not on the class path", new JmhStep("y", "NoSuchBenchmark", List.of(), Map.of(), 1, 1, 1, 1, 1, true).missing());
    }
}
