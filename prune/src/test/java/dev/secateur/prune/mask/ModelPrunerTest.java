package dev.secateur.prune.mask;

import dev.secateur.nn.Model;
import dev.secateur.prune.TestModels;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelPrunerTest {

    static long prunableWeights(Model m) {
        return PrunableLayer.findAll(m).stream().mapToLong(PrunableLayer::size).sum();
    }

    @Test
    void layerAndGlobalScopesHitTheModelDensity() {
        for (Scope scope : Scope.values()) {
            Model m = TestModels.mlp(1);
            long total = prunableWeights(m);
            new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, scope, 0.25));
            long kept = PrunableLayer.findAll(m).stream().mapToLong(PrunableLayer::kept).sum();
            assertEquals(0.25 * total, kept, 3.0, scope.toString()); // per-layer rounding only
            for (PrunableLayer l : PrunableLayer.findAll(m)) assertEquals(l.kept(), l.weight().nonZeros(), "masked weights must be zero");
        }
    }

    @Test
    void excludedLayersStayDenseAndTheOthersCarryTheReduction() {
        Model m = TestModels.mlp(2);
        long total = prunableWeights(m);
        PruningPlan plan = new PruningPlan(Criterion.L2, Granularity.UNSTRUCTURED, Scope.GLOBAL, 0.5, Map.of(), DensityCaps.atLeast(0.1),
                Set.of("fc3"), 0);
        new ModelPruner().apply(m, plan);
        PrunableLayer fc3 = PrunableLayer.findAll(m).get(2);
        assertFalse(fc3.weight().hasMask());
        assertEquals(fc3.size(), fc3.kept());
        assertEquals(Math.round(0.5 * total), PrunableLayer.findAll(m).stream().mapToLong(PrunableLayer::kept).sum());
        assertThrows(IllegalArgumentException.class, () -> new ModelPruner().apply(TestModels.mlp(2),
                new PruningPlan(Criterion.L1, Granularity.UNSTRUCTURED, Scope.LAYER, 0.5, Map.of(), null, Set.of("nope"), 0)));
    }

    @Test
    void filterPruningMasksTheBiasOfRemovedFilters() {
        Model m = TestModels.convNet(3);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1_PLUS_BIAS, Granularity.FILTER, Scope.LAYER, 0.5)
                .withPerLayer(Map.of("c1", 0.5, "rc1", 0.5, "rc2", 0.5)));
        List<PrunableLayer> all = PrunableLayer.findAll(m);
        assertFalse(all.getLast().weight().hasMask(), "the output layer's filters are the classes: never filter-pruned");
        for (PrunableLayer l : all.subList(0, all.size() - 1)) {
            int out = l.weight().value().dim(0), row = l.size() / out;
            int removed = 0;
            for (int f = 0; f < out; f++) {
                boolean dead = true;
                for (int i = f * row; i < (f + 1) * row; i++) dead &= l.weight().maskArray()[i] == 0f;
                if (dead) {
                    removed++;
                    assertEquals(0f, l.bias().value().data()[f], l.name() + " filter " + f);
                }
            }
            assertEquals(Math.round(0.5 * out), removed, l.name());
        }
    }

    @Test
    void perLayerTargetsAndNmPatterns() {
        Model m = TestModels.mlp(4);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, Scope.LAYER, 1.0)
                .withPerLayer(Map.of("fc1", 0.5, "fc2", 0.25)));
        List<PrunableLayer> ls = PrunableLayer.findAll(m);
        assertEquals(96, ls.get(0).kept());
        assertEquals(24, ls.get(1).kept());
        assertEquals(24, ls.get(2).kept());
        Model n = TestModels.mlp(4);
        new ModelPruner().apply(n, PruningPlan.uniform(Criterion.L1, new Granularity.NOfM(2, 4), Scope.LAYER, 0.5));
        for (PrunableLayer l : PrunableLayer.findAll(n)) assertEquals(l.size() / 2, l.kept(), l.name());
    }

    @Test
    void makePermanentFoldsMasks() {
        Model m = TestModels.mlp(5);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, Scope.LAYER, 0.5));
        double d = ModelPruner.density(m);
        ModelPruner.makePermanent(m);
        for (var p : m.parameters()) assertFalse(p.hasMask());
        assertEquals(d, ModelPruner.density(m));
        ModelPruner.masksFromZeros(m);
        assertTrue(PrunableLayer.findAll(m).get(0).weight().hasMask());
    }
}
