package dev.secateur.prune;

import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.Normalization;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.zoo.Models;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.quant.ModelQuantizer;
import dev.secateur.prune.schedule.DatasetEvaluator;
import dev.secateur.prune.schedule.DatasetFineTuner;
import dev.secateur.prune.schedule.GradientAccumulator;
import dev.secateur.prune.schedule.GradualPruning;
import dev.secateur.prune.schedule.IterativePruning;
import dev.secateur.prune.schedule.PruningOutcome;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;
import dev.secateur.prune.sensitivity.SensitivityAnalysis;
import dev.secateur.prune.sensitivity.SensitivityCurve;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed's pipeline end to end on the bundled Fashion-MNIST sample (real training, small). */
class PipelineOnSampleDataTest {
    static TrainTest data;

    @BeforeAll
    static void load() throws Exception {
        data = FashionMnist.loadSample(Normalization.FASHION_MNIST);
    }

    static Model trained() {
        Model m = Models.lenet300100(Models.FASHION_MNIST, 3);
        DatasetFineTuner.adam(data.train(), 1e-3, 1).fineTune(m, 2, s -> { });
        return m;
    }

    @Test
    void iterativePruningWithFineTuningReachesTheTargetAndInt8KeepsAccuracy() {
        Model m = trained();
        DatasetEvaluator ev = new DatasetEvaluator(data.test());
        double dense = ev.accuracy(m);
        assertTrue(dense > 0.7, "dense accuracy on the sample " + dense);
        CompressionHistory h = new CompressionHistory();
        PruningOutcome out = new IterativePruning(3, 1, Double.NaN, false).run(m,
                PruningPlan.uniform(Criterion.L1_PLUS_BIAS, Granularity.UNSTRUCTURED, Scope.GLOBAL, 0.1), h,
                DatasetFineTuner.adam(data.train(), 5e-4, 2), ev, s -> { });
        assertEquals(PruningOutcome.Status.REACHED_TARGET, out.status());
        assertEquals(0.1, ModelPruner.density(m), 1e-4);
        assertTrue(out.finalAccuracy() > dense - 0.05, "pruned " + out.finalAccuracy() + " vs dense " + dense);
        for (PrunableLayer l : PrunableLayer.findAll(m)) assertEquals(l.kept(), l.weight().nonZeros(), "fine-tuning regrew weights in " + l.name());
        new ModelQuantizer().quantize(m);
        double q = ev.accuracy(m);
        assertTrue(Math.abs(q - out.finalAccuracy()) < 0.01, "int8 " + q + " vs " + out.finalAccuracy());
        assertEquals(0.1, ModelPruner.density(m), 1e-4);
    }

    @Test
    void gradualPruningFollowsTheCubicToTheTarget() {
        Model m = trained();
        List<String> log = new ArrayList<>();
        PruningOutcome out = new GradualPruning(1, 10, 0.75).run(m,
                PruningPlan.uniform(Criterion.L1, Granularity.UNSTRUCTURED, Scope.LAYER, 0.2), new CompressionHistory(),
                DatasetFineTuner.adam(data.train(), 5e-4, 3), new DatasetEvaluator(data.test()), log::add);
        assertEquals(0.2, out.finalDensity(), 1e-3);
        assertEquals(0.2, ModelPruner.density(m), 1e-3);
        assertTrue(out.finalAccuracy() > 0.6);
        assertEquals(0.0, GradualPruning.sparsityAt(0, 10, 0.0, 0.8), 1e-12);
        assertEquals(0.8, GradualPruning.sparsityAt(10, 10, 0.0, 0.8), 1e-12);
        assertTrue(GradualPruning.sparsityAt(5, 10, 0, 0.8) > 0.4 * 1.5, "cubic front-loads pruning");
    }

    @Test
    void sensitivityAndTaylorScoresWorkOnRealGradients() {
        Model m = trained();
        DatasetEvaluator ev = new DatasetEvaluator(data.test().subset(0, 300));
        ModelPruner taylor = new ModelPruner(new GradientAccumulator(data.train(), 64, 4));
        taylor.apply(m, PruningPlan.uniform(Criterion.TAYLOR, Granularity.FILTER, Scope.LAYER, 0.7).withPerLayer(java.util.Map.of("fc3", 1.0)));
        PrunableLayer fc1 = PrunableLayer.findAll(m).get(0);
        int alive = 0, row = fc1.size() / 300;
        for (int f = 0; f < 300; f++) {
            boolean any = false;
            for (int i = f * row; i < (f + 1) * row && !any; i++) any = fc1.weight().maskArray()[i] != 0f;
            if (any) alive++;
        }
        assertEquals(210, alive, "density 0.7: 30% of fc1 neurons pruned by Taylor score");
        List<SensitivityCurve> curves = new SensitivityAnalysis(Criterion.L1, Granularity.UNSTRUCTURED, 0)
                .run(m, new double[]{0.5, 0.9}, ev, new ModelPruner(), s -> { });
        assertEquals(3, curves.size());
        for (SensitivityCurve c : curves) for (double a : c.accuracies()) assertTrue(a >= 0 && a <= 1);
    }
}
