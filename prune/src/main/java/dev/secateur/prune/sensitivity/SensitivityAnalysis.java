package dev.secateur.prune.sensitivity;

import dev.secateur.nn.Model;
import dev.secateur.prune.mask.DensityCaps;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.report.LayerFootprint;
import dev.secateur.prune.schedule.Evaluator;
import dev.secateur.prune.schedule.ModelSnapshot;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Per-layer sensitivity: prunes one layer at a time (with the given criterion and granularity,
 * no fine-tuning) to each sparsity, measures accuracy, and restores the model. The curves show
 * which layers tolerate pruning; {@link SensitivityPlanner} turns them into per-layer targets.
 */
public final class SensitivityAnalysis {
    private final Criterion criterion;
    private final Granularity granularity;
    private final long seed;

    public SensitivityAnalysis(Criterion criterion, Granularity granularity, long seed) {
        if (granularity instanceof Granularity.NOfM) throw new IllegalArgumentException("N:M has a fixed sparsity; sensitivity needs a variable one");
        this.criterion = criterion;
        this.granularity = granularity;
        this.seed = seed;
    }

    public List<SensitivityCurve> run(Model model, double[] sparsities, Evaluator evaluator, ModelPruner pruner, Consumer<String> log) {
        List<SensitivityCurve> out = new ArrayList<>();
        List<LayerFootprint> fps = CompressionReport.footprints(model);
        List<PrunableLayer> layers = PrunableLayer.findAll(model);
        double base = evaluator.accuracy(model);
        log.accept(String.format("sensitivity: base accuracy %.2f%%, %d layers x %d sparsities", 100 * base, layers.size(), sparsities.length));
        for (int i = 0; i < layers.size(); i++) {
            PrunableLayer l = layers.get(i);
            double[] acc = new double[sparsities.length];
            for (int k = 0; k < sparsities.length; k++) {
                ModelSnapshot snap = ModelSnapshot.of(model);
                java.util.Map<String, Double> only = new java.util.HashMap<>();
                for (PrunableLayer o : layers) only.put(o.name(), o == l ? 1 - sparsities[k] : 1.0);
                pruner.apply(model, new PruningPlan(criterion, granularity, Scope.LAYER, 1.0, only, DensityCaps.NONE, java.util.Set.of(), seed));
                acc[k] = evaluator.accuracy(model);
                snap.restore();
            }
            LayerFootprint f = fps.get(i);
            out.add(new SensitivityCurve(l.name(), l.size(), f.weights() == 0 ? 0 : f.flopsDense() / f.weights(), sparsities.clone(), acc));
            StringBuilder sb = new StringBuilder(String.format("  %-14s", l.name()));
            for (int k = 0; k < acc.length; k++) sb.append(String.format(" %4.0f%%:%6.2f%%", 100 * sparsities[k], 100 * acc[k]));
            log.accept(sb.toString());
        }
        return out;
    }
}
