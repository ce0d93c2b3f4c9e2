package dev.secateur.prune.mask;

import dev.secateur.nn.Model;
import dev.secateur.prune.compact.ChannelGraph;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;
import dev.secateur.prune.scoring.PrunableLayer;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies one {@link PruningPlan} to a model: scores its prunable layers, builds masks with the
 * per-layer, global or N:M pruners, and installs them on the weight parameters. Existing masks
 * are respected (never regrown), so repeated calls with decreasing densities continue from the
 * recorded state. Whole pruned filters also get their bias masked (see
 * {@link PrunableLayer#install}). Under filter granularity the layer that produces the model's
 * output (its filters are the classes) is always left out.
 */
public final class ModelPruner {
    private final java.util.function.Consumer<Model> prepareGradients;

    /** A pruner for criteria that need no gradients. */
    public ModelPruner() { this(null); }

    /**
     * @param prepareGradients fills the weight gradients before every scoring (for
     *                         {@link Criterion#TAYLOR}); null when not needed
     */
    public ModelPruner(java.util.function.Consumer<Model> prepareGradients) {
        this.prepareGradients = prepareGradients;
    }

    /** Prunes {@code model} in place; returns the mask of every prunable layer. */
    public List<LayerMask> apply(Model model, PruningPlan plan) {
        if (plan.criterion().needsGradients()) {
            if (prepareGradients == null) throw new IllegalArgumentException("criterion " + plan.criterion() + " needs gradients: give the pruner a gradient source");
            prepareGradients.accept(model);
        }
        List<PrunableLayer> layers = PrunableLayer.findAll(model);
        if (layers.isEmpty()) throw new IllegalArgumentException("model " + model.architecture() + " has no dense or conv layer to prune");
        for (String ex : plan.excluded()) {
            if (layers.stream().noneMatch(l -> l.name().equals(ex))) throw new IllegalArgumentException("excluded layer '" + ex + "' is not a prunable layer of the model");
        }
        if (plan.granularity() instanceof Granularity.Filter && !plan.excluded().contains(layers.getLast().name())) {
            java.util.Set<String> ex = new java.util.HashSet<>(plan.excluded());
            ex.add(layers.getLast().name());
            plan = plan.withExcluded(ex);
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
            // Layers with their own target are pruned alone to it; one threshold runs over the rest.
            long keepTotal = Math.round(plan.density() * total);
            double fixedKept = excludedKept;
            long restSize = 0;
            List<LayerWeights> views = new ArrayList<>();
            for (PrunableLayer l : included) {
                Double own = plan.perLayer().get(l.name());
                if (own != null) fixedKept += Math.min(own, plan.maxPerLayer().getOrDefault(l.name(), 1.0)) * l.size();
                else {
                    restSize += l.size();
                    views.add(l.view());
                }
            }
            long targetPruned = Math.max(0, restSize - Math.max(0, Math.round(keepTotal - fixedKept)));
            java.util.Map<String, DensityCaps> layerCaps = new java.util.HashMap<>();
            for (var e : plan.maxPerLayer().entrySet()) {
                layerCaps.put(e.getKey(), new DensityCaps(Math.min(plan.caps().minDensity(), e.getValue()), Math.min(plan.caps().maxDensity(), e.getValue())));
            }
            java.util.Iterator<LayerMask> rest = views.isEmpty() ? java.util.Collections.emptyIterator()
                    : new GlobalPruner(plan.criterion(), plan.granularity(), plan.seed(), plan.caps(), layerCaps, java.util.Set.of())
                            .pruneWeights(views, targetPruned).iterator();
            MagnitudePruner p = new MagnitudePruner(plan.criterion(), plan.granularity(), plan.seed());
            masks = new ArrayList<>();
            for (PrunableLayer l : included) {
                Double own = plan.perLayer().get(l.name());
                masks.add(own != null ? p.prune(l.view(), 1.0 - Math.min(own, plan.maxPerLayer().getOrDefault(l.name(), 1.0))) : rest.next());
            }
        } else {
            masks = new ArrayList<>();
            // Layer scope: layers without their own target carry the rest of the reduction, each
            // pruned to the density that makes the model-wide count come out at the target. A
            // layer whose maximum is below that density is held at its maximum, and the others
            // share what is left (repeated until no further layer hits its maximum).
            java.util.Map<String, Double> own = new java.util.HashMap<>();
            for (PrunableLayer l : included) {
                Double d = plan.perLayer().get(l.name());
                Double max = plan.maxPerLayer().get(l.name());
                if (d != null) own.put(l.name(), max == null ? d : Math.min(d, max));
            }
            double uniform;
            while (true) {
                double fixedKept = excludedKept;
                long freeSize = 0;
                for (PrunableLayer l : included) {
                    Double d = own.get(l.name());
                    if (d != null) fixedKept += d * l.size();
                    else freeSize += l.size();
                }
                uniform = freeSize == 0 ? 1.0 : Math.max(0, Math.min(1, (plan.density() * total - fixedKept) / freeSize));
                uniform = Math.max(uniform, plan.caps().minDensity()); // the floor holds in both scopes
                boolean capped = false;
                for (PrunableLayer l : included) {
                    Double max = plan.maxPerLayer().get(l.name());
                    if (!own.containsKey(l.name()) && max != null && max < uniform) {
                        own.put(l.name(), max);
                        capped = true;
                    }
                }
                if (!capped) break;
            }
            plan = plan.withPerLayer(own);
            MagnitudePruner p = new MagnitudePruner(plan.criterion(), plan.granularity(), plan.seed());
            java.util.Map<PrunableLayer, LayerMask> tied = plan.granularity() instanceof Granularity.Filter
                    ? TiedFilterPruner.masks(model, included, plan, uniform) : java.util.Map.of();
            for (PrunableLayer l : included) {
                double d = plan.perLayer().getOrDefault(l.name(), uniform);
                LayerMask t = tied.get(l);
                masks.add(t != null ? t : p.prune(l.view(), 1.0 - d));
            }
        }
        boolean structured = plan.granularity() instanceof Granularity.Filter;
        for (int i = 0; i < included.size(); i++) included.get(i).install(masks.get(i).mask(), structured);
        if (structured) silenceBatchNorms(model, included);
        return masks;
    }

    /**
     * Masks γ and β of the BatchNorm right after each fully removed filter, so the removed
     * channel is exactly zero downstream (not the constant BN(0) = β − γ·μ/σ). Models whose
     * layers the {@link ChannelGraph} cannot analyse keep their BatchNorms as they are.
     */
    private static void silenceBatchNorms(Model model, List<PrunableLayer> layers) {
        ChannelGraph graph;
        try {
            graph = ChannelGraph.of(model);
        } catch (IllegalArgumentException e) {
            return;
        }
        for (PrunableLayer l : layers) {
            var bn = graph.batchNormAfter(l.layer());
            if (bn == null || l.bias() == null || l.bias().maskArray() == null) continue;
            float[] dead = l.bias().maskArray();
            maskChannels(bn.gamma(), dead);
            maskChannels(bn.beta(), dead);
        }
    }

    private static void maskChannels(dev.secateur.nn.Parameter p, float[] keep) {
        float[] m = p.maskArray() == null ? new float[keep.length] : p.maskArray().clone();
        if (p.maskArray() == null) java.util.Arrays.fill(m, 1f);
        for (int i = 0; i < keep.length; i++) if (keep[i] == 0f) m[i] = 0f;
        p.setMask(dev.secateur.tensor.Tensor.wrap(m, keep.length));
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
