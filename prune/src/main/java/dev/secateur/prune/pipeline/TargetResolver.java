package dev.secateur.prune.pipeline;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.OriginalModel;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.quant.ModelQuantizer;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.report.LayerFootprint;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;

import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Turns a {@link Target} into the kept fraction of prunable weights. FLOPs and file-size targets
 * are found by bisection on trial masks of a copy of the model (the same plan, the current
 * weights), so they account for the granularity, scope, caps and per-layer targets.
 */
final class TargetResolver {
    private static final int BISECTION_STEPS = 30;

    private TargetResolver() {}

    /** Kept fraction for {@code target}, never above the model's current density. */
    /**
     * @param historyGrowth bytes the history will grow by before the file is saved (the steps
     *                      the run records), so a size target holds for the saved file
     */
    static double density(Target target, Model model, PruningPlan plan, CompressionHistory history, OriginalModel original, boolean int8,
                          long historyGrowth) {
        long prunable = PrunableLayer.findAll(model).stream().mapToLong(PrunableLayer::size).sum();
        double now = ModelPruner.density(model);
        return switch (target) {
            case Target.Sparsity s -> 1 - s.fraction();
            // Keep floor(n / ratio) of the original weights, so the ratio is met rather than rounded below.
            case Target.Compression c -> {
                long base = original != null && original.prunableWeights() > 0 ? original.prunableWeights() : prunable;
                yield prunable == 0 ? 1.0 : Math.min(1.0, Math.floor(base / c.ratio()) / prunable);
            }
            case Target.FlopsReduction f -> {
                long dense = original != null && original.flops() > 0 ? original.flops()
                        : CompressionReport.footprints(model).stream().mapToLong(LayerFootprint::flopsDense).sum();
                long goal = (long) Math.floor(dense * (1 - f.fraction()));
                yield bisect(model, plan, now, goal, m -> CompressionReport.footprints(m).stream().mapToLong(LayerFootprint::flopsEffective).sum(),
                        String.format(Locale.ROOT, "--flops-reduction %.4g", f.fraction()), "FLOPs");
            }
            case Target.SizeBytes b -> bisect(model, plan, now, b.bytes() - historyGrowth, m -> {
                if (int8) new ModelQuantizer().quantize(m);
                return CompressedModelFile.toBytes(m, history, int8).length;
            }, "--size-bytes " + b.bytes(), "bytes");
            case Target.PerLayerOnly p -> perLayerOnly(model, plan);
        };
    }

    /** The model-wide density implied by the per-layer targets, the other layers as they are. */
    private static double perLayerOnly(Model model, PruningPlan plan) {
        if (plan.granularity() instanceof Granularity.NOfM nm) return 1 - nm.sparsity();
        long total = 0;
        double kept = 0;
        for (PrunableLayer l : PrunableLayer.findAll(model)) {
            total += l.size();
            Double own = plan.perLayer().get(l.name());
            kept += own != null ? Math.min(own * l.size(), l.kept()) : l.kept();
        }
        return total == 0 ? 1.0 : kept / total;
    }

    /** The largest density whose trial model measures at most {@code goal}. */
    private static double bisect(Model model, PruningPlan plan, double now, long goal, ToLongFunction<Model> measure, String what, String unit) {
        // gradient criteria need data; their magnitude part sizes the target well enough
        PruningPlan trialPlan = plan.criterion().needsGradients()
                ? plan.withCriterion(Criterion.L1)
                : plan;
        if (measure.applyAsLong(model.copy()) <= goal) return now;
        long least = trial(model, trialPlan, 0, measure);
        if (least > goal) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s cannot be reached with this granularity, scope and density floor: "
                    + "pruning as far as allowed leaves %,d %s (goal %,d)", what, least, unit, goal));
        }
        double lo = 0, hi = now;
        for (int i = 0; i < BISECTION_STEPS; i++) {
            double mid = (lo + hi) / 2;
            if (trial(model, trialPlan, mid, measure) <= goal) lo = mid;
            else hi = mid;
        }
        return lo;
    }

    private static long trial(Model model, PruningPlan plan, double density, ToLongFunction<Model> measure) {
        Model copy = model.copy();
        new ModelPruner().apply(copy, plan.withDensity(density));
        return measure.applyAsLong(copy);
    }

    /** The first layer a plan at its target would empty, or null (checked on a copy). */
    static String layerEmptiedBy(Model model, PruningPlan plan) {
        PruningPlan trialPlan = plan.criterion().needsGradients()
                ? plan.withCriterion(Criterion.L1)
                : plan;
        Model copy = model.copy();
        new ModelPruner().apply(copy, trialPlan);
        List<PrunableLayer> layers = PrunableLayer.findAll(copy);
        for (PrunableLayer l : layers) if (l.size() > 0 && l.weight().nonZeros() == 0) return l.name();
        return null;
    }
}
