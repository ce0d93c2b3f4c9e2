package dev.secateur.prune;

import dev.secateur.nn.Model;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies one {@link PruningPlan} to a model: scores its prunable layers, builds masks with the
 * per-layer, global or N:M pruners, and installs them on the weight parameters. Existing masks
 * are respected (never regrown), so repeated calls with decreasing densities continue from the
 * recorded state. Whole pruned filters also get their bias masked (see
 * {@link PrunableLayer#install}).
 */
public final class ModelPruner {

    /** Prunes {@code model} in place; returns the mask of every prunable layer. */
    public List<LayerMask> apply(Model model, PruningPlan plan) {
        List<PrunableLayer> layers = PrunableLayer.findAll(model);
        if (layers.isEmpty()) throw new IllegalArgumentException("model " + model.architecture() + " has no dense or conv layer to prune");
        for (String ex : plan.excluded()) {
            if (layers.stream().noneMatch(l -> l.name().equals(ex))) throw new IllegalArgumentException("excluded layer '" + ex + "' is not a prunable layer of the model");
        }
        long total = 0, excludedKept = 0;
        List<PrunableLayer> included = new ArrayList<>();
        for (PrunableLayer l : layers) {
            total += l.size();
            if (plan.excluded().contains(l.name())) excludedKept += l.kept();
            else included.add(l);
        }
        List<LayerMask> masks;
        if (plan.granularity() instanceof Granularity.NOfM nm) {
            masks = new ArrayList<>();
            NmPruner p = new NmPruner(plan.criterion(), nm, plan.seed());
            for (PrunableLayer l : included) masks.add(p.prune(l.view()));
        } else if (plan.scope() == Scope.GLOBAL) {
            long keepTotal = Math.round(plan.density() * total);
            long includedSize = total - sumSizes(layers, plan, true);
            long targetPruned = Math.max(0, includedSize - Math.max(0, keepTotal - excludedKept));
            List<LayerWeights> views = new ArrayList<>();
            for (PrunableLayer l : included) views.add(l.view());
            masks = new GlobalPruner(plan.criterion(), plan.granularity(), plan.seed(), plan.caps(), java.util.Map.of(), java.util.Set.of())
                    .pruneWeights(views, targetPruned);
        } else {
            masks = new ArrayList<>();
            // Uniform layer scope: the included layers carry the whole reduction, so each is pruned
            // to the density that makes the model-wide count come out at the target.
            long includedSize = total - sumSizes(layers, plan, true);
            double uniform = includedSize == 0 ? 1.0
                    : Math.max(0, Math.min(1, (plan.density() * total - excludedKept) / includedSize));
            MagnitudePruner p = new MagnitudePruner(plan.criterion(), plan.granularity(), plan.seed());
            for (PrunableLayer l : included) {
                double d = plan.perLayer().getOrDefault(l.name(), uniform);
                masks.add(p.prune(l.view(), 1.0 - d));
            }
        }
        boolean structured = plan.granularity() instanceof Granularity.Filter;
        for (int i = 0; i < included.size(); i++) included.get(i).install(masks.get(i).mask(), structured);
        return masks;
    }

    private static long sumSizes(List<PrunableLayer> layers, PruningPlan plan, boolean excludedOnly) {
        long s = 0;
        for (PrunableLayer l : layers) if (!excludedOnly || plan.excluded().contains(l.name())) s += l.size();
        return s;
    }

    /**
     * Fraction of all prunable weights of {@code model} that are non-zero (masked weights are
     * zero, so this is the kept fraction after pruning).
     */
    public static double density(Model model) {
        long total = 0, nonZero = 0;
        for (PrunableLayer l : PrunableLayer.findAll(model)) {
            total += l.size();
            nonZero += l.weight().nonZeros();
        }
        return total == 0 ? 1.0 : (double) nonZero / total;
    }

    /**
     * Gives every prunable weight without a mask the mask "non-zero" (weights read back from a
     * file where pruned weights were stored as zeros), so later steps never regrow them.
     */
    public static void masksFromZeros(Model model) {
        for (PrunableLayer l : PrunableLayer.findAll(model)) {
            if (l.weight().hasMask()) continue;
            float[] w = l.weight().value().data();
            boolean any = false;
            float[] m = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                m[i] = w[i] != 0f ? 1f : 0f;
                any |= w[i] == 0f;
            }
            if (any) l.install(m, false);
        }
    }

    /** Folds every mask into its weights and drops the masks ("make permanent"). */
    public static void makePermanent(Model model) {
        for (var p : model.parameters()) {
            p.applyMask();
            p.clearMask();
        }
    }
}
