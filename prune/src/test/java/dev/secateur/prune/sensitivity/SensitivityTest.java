package dev.secateur.prune.sensitivity;

import dev.secateur.nn.Model;
import dev.secateur.prune.TestModels;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.schedule.Evaluator;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SensitivityTest {

    @Test
    void analysisPrunesOneLayerAtATimeAndRestoresTheModel() {
        Model m = TestModels.mlp(1);
        float[] before = m.parameters().get(0).value().toArray();
        // Accuracy falls only when fc1 loses weights.
        Evaluator ev = mdl -> 0.9 - 0.5 * (1 - (double) PrunableLayer.findAll(mdl).get(0).weight().nonZeros() / 192);
        List<SensitivityCurve> curves = new SensitivityAnalysis(Criterion.L1, Granularity.UNSTRUCTURED, 0)
                .run(m, new double[]{0.5, 0.9}, ev, new ModelPruner(), s -> { });
        assertEquals(3, curves.size());
        assertEquals(0.9 - 0.25, curves.get(0).accuracies()[0], 1e-9);
        assertEquals(0.9, curves.get(1).accuracies()[1], 1e-9);
        assertArrayEquals(before, m.parameters().get(0).value().toArray());
        assertEquals(1.0, ModelPruner.density(m));
    }

    @Test
    void plannerPrunesInsensitiveLayersFirstAndMeetsTheBudget() {
        double[] s = {0.5, 0.8, 0.9, 0.95};
        SensitivityCurve fragile = new SensitivityCurve("fragile", 1000, 2, s, new double[]{0.85, 0.6, 0.4, 0.2});
        SensitivityCurve robust = new SensitivityCurve("robust", 10000, 2, s, new double[]{0.9, 0.9, 0.89, 0.88});
        Map<String, Double> plan = SensitivityPlanner.plan(List.of(fragile, robust), 0.9, SensitivityPlanner.Budget.PARAMS, 1500);
        assertEquals(1.0, plan.get("fragile"));
        assertEquals(0.05, plan.get("robust"), 1e-12);
        Map<String, Double> between = SensitivityPlanner.plan(List.of(fragile, robust), 0.9, SensitivityPlanner.Budget.PARAMS, 2500);
        assertEquals(0.15, between.get("robust"), 1e-12, "stops part-way between the 80% and 90% levels");
        double kept = 1000 * plan.get("fragile") + 10000 * plan.get("robust");
        assertTrue(kept <= 1500 + 1e-6, "kept " + kept);
        assertThrows(IllegalArgumentException.class,
                () -> SensitivityPlanner.plan(List.of(fragile, robust), 0.9, SensitivityPlanner.Budget.PARAMS, 10));
    }

    @Test
    void flopBudgetWeighsConvLayersByTheirPositions() {
        double[] s = {0.5};
        SensitivityCurve conv = new SensitivityCurve("conv", 100, 2 * 196, s, new double[]{0.89});
        SensitivityCurve fc = new SensitivityCurve("fc", 10000, 2, s, new double[]{0.85});
        Map<String, Double> plan = SensitivityPlanner.plan(List.of(conv, fc), 0.9, SensitivityPlanner.Budget.FLOPS, 100 * 392 * 0.75 + 20000);
        assertEquals(0.75, plan.get("conv"));
        assertEquals(1.0, plan.get("fc"));
    }
}
