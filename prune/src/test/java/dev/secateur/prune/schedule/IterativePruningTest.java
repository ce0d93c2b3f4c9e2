package dev.secateur.prune.schedule;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.prune.TestModels;
import dev.secateur.prune.mask.DensityCaps;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IterativePruningTest {
    /** Accuracy that falls with sparsity: 0.9 dense, −0.1 per unit of sparsity. */
    static final Evaluator LINEAR = m -> 0.9 - 0.1 * (1 - ModelPruner.density(m));
    static final FineTuner NONE = (m, e, s) -> { };

    @Test
    void iterativeLoopReachesItsTargetInTheRequestedSteps() {
        Model m = TestModels.mlp(1);
        CompressionHistory h = new CompressionHistory();
        List<Integer> tuned = new ArrayList<>();
        FineTuner counting = (model, epochs, s) -> tuned.add(epochs);
        List<String> log = new ArrayList<>();
        PruningOutcome out = new IterativePruning(4, 2, Double.NaN, false)
                .run(m, PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, Scope.GLOBAL, 1 / 12.0), h, counting, LINEAR, log::add);
        assertEquals(PruningOutcome.Status.REACHED_TARGET, out.status());
        assertEquals(1 / 12.0, out.finalDensity(), 1.0 / 308);
        assertEquals(4, h.steps().size());
        assertEquals(List.of(2, 2, 2, 2), tuned);
        for (int k = 1; k < 4; k++) assertTrue(h.steps().get(k).density() < h.steps().get(k - 1).density());
        assertEquals(0.9, h.denseAccuracy(), 1e-12);
        assertTrue(log.get(log.size() - 1).startsWith("reached density"));
    }

    @Test
    void perLayerTargetsAreApproachedStepByStep() {
        Model m = TestModels.mlp(5);
        List<Double> fc1 = new ArrayList<>();
        Evaluator recording = mdl -> {
            fc1.add((double) PrunableLayer.findAll(mdl).get(0).weight().nonZeros() / 192);
            return 0.9;
        };
        new IterativePruning(2, 0, Double.NaN, false).run(m, PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, Scope.LAYER, 0.5)
                .withPerLayer(java.util.Map.of("fc1", 0.25)), new CompressionHistory(), NONE, recording, s -> { });
        assertEquals(List.of(1.0, 0.5, 0.25), fc1, "fc1 density before, after step 1 (geometric midpoint) and after step 2");
    }

    @Test
    void capsThatForbidTheTargetAreReportedNotHidden() {
        Model m = TestModels.mlp(6);
        PruningPlan plan = new PruningPlan(Criterion.L1, Granularity.UNSTRUCTURED, Scope.GLOBAL, 0.1, java.util.Map.of(),
                DensityCaps.atLeast(0.3), java.util.Set.of(), 0);
        PruningOutcome out = new IterativePruning(2, 0, Double.NaN, false).run(m, plan, new CompressionHistory(), NONE, LINEAR, s -> { });
        assertEquals(PruningOutcome.Status.TARGET_UNREACHABLE, out.status());
        assertTrue(out.finalDensity() >= 0.3 - 1e-9, "caps respected: " + out.finalDensity());
        assertTrue(out.message().contains("NOT reached"));
    }

    @Test
    void brokenBudgetStopsEarlyAndRollsBack() {
        Model m = TestModels.mlp(2);
        Evaluator cliff = mdl -> ModelPruner.density(mdl) < 0.3 ? 0.5 : 0.9;
        PruningOutcome out = new IterativePruning(5, 0, 0.5, false)
                .run(m, PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, Scope.LAYER, 0.1), new CompressionHistory(), NONE, cliff, s -> { });
        assertEquals(PruningOutcome.Status.BUDGET_BROKEN, out.status());
        assertTrue(out.finalDensity() >= 0.3, "rolled back to the last state within budget: " + out.finalDensity());
        assertEquals(out.finalDensity(), ModelPruner.density(m), 1e-12);
        assertEquals(0.9, out.finalAccuracy());
        assertTrue(out.message().contains("budget broken"));
    }

    @Test
    void savedModelIsDetectedAsAlreadyCompressedAndCanBePrunedFurther(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Model m = TestModels.mlp(3);
        CompressionHistory h = new CompressionHistory();
        PruningPlan plan = PruningPlan.uniform(Criterion.L1_PLUS_BIAS, Granularity.UNSTRUCTURED, Scope.LAYER, 0.25);
        new IterativePruning(2, 0, Double.NaN, false).run(m, plan, h, NONE, LINEAR, s -> { });
        Path file = dir.resolve("p.safetensors");
        CompressedModelFile.save(m, h, false, file);
        CompressedModelFile.Loaded back = CompressedModelFile.load(file);
        assertEquals(2, back.history().steps().size());
        assertEquals(ModelPruner.density(m), ModelPruner.density(back.model()), 1e-12);
        var x = TestModels.input(9, m, 4);
        assertArrayEquals(m.predict(x).toArray(), back.model().predict(x).toArray());

        PruningOutcome again = new IterativePruning(2, 0, Double.NaN, false)
                .run(back.model(), plan, back.history(), NONE, LINEAR, s -> { });
        assertEquals(PruningOutcome.Status.ALREADY_COMPRESSED, again.status());
        assertEquals(2, back.history().steps().size(), "nothing recorded");
        assertTrue(again.message().startsWith("already compressed"));

        float[] before = PrunableLayer.findAll(back.model()).get(0).weight().maskArray().clone();
        PruningOutcome further = new IterativePruning(1, 0, Double.NaN, false)
                .run(back.model(), plan.withDensity(0.1), back.history(), NONE, LINEAR, s -> { });
        assertEquals(PruningOutcome.Status.REACHED_TARGET, further.status());
        assertEquals(0.25, further.startDensity(), 0.01);
        float[] after = PrunableLayer.findAll(back.model()).get(0).weight().maskArray();
        for (int i = 0; i < before.length; i++) if (before[i] == 0f) assertEquals(0f, after[i], "regrown weight " + i);
        assertEquals(3, back.history().steps().size());
        assertTrue(Files.size(file) > 0);
    }

    @Test
    void rewindResetsSurvivorsToTheirStartingValues() {
        Model m = TestModels.mlp(4);
        float[] start = PrunableLayer.findAll(m).get(0).weight().value().toArray();
        FineTuner perturb = (model, epochs, s) -> { for (var p : model.parameters()) { p.value().data()[0] += 1f; p.applyMask(); } };
        new IterativePruning(1, 0, Double.NaN, true)
                .run(m, PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, Scope.LAYER, 0.5), new CompressionHistory(), perturb, LINEAR, s -> { });
        float[] now = PrunableLayer.findAll(m).get(0).weight().value().toArray();
        float[] mask = PrunableLayer.findAll(m).get(0).weight().maskArray();
        for (int i = 0; i < now.length; i++) assertEquals(mask[i] == 0f ? 0f : start[i], now[i]);
    }
}
