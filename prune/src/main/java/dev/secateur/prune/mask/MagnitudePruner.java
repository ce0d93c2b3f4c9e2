package dev.secateur.prune.mask;

import dev.secateur.prune.scoring.ContributionScorer;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;
import dev.secateur.prune.scoring.UnitLayout;

/**
 * Per-layer pruning: removes exactly {@code round(sparsity × units)} units of one layer, the
 * lowest-scoring first (ties by unit index), in the spirit of
 * {@code torch.nn.utils.prune.l1_unstructured / ln_structured}. Units that a previous step
 * already pruned count toward the amount and are never regrown; if they already exceed it the
 * mask is returned unchanged. Not for N:M (use {@link NmPruner}).
 */
public final class MagnitudePruner {
    private final ContributionScorer scorer;
    private final Granularity granularity;

    /**
     * @param seed seed of the {@link Criterion#RANDOM} control; ignored otherwise
     */
    public MagnitudePruner(Criterion criterion, Granularity granularity, long seed) {
        if (granularity instanceof Granularity.NOfM) {
            throw new IllegalArgumentException("granularity " + granularity + " has a fixed sparsity: use NmPruner");
        }
        this.scorer = new ContributionScorer(criterion, seed);
        this.granularity = granularity;
    }

    public MagnitudePruner(Criterion criterion, Granularity granularity) {
        this(criterion, granularity, 0L);
    }

    /** Units the layer has under this pruner's granularity. */
    public int units(LayerWeights w) {
        return new UnitLayout(w, granularity).units();
    }

    /**
     * The mask of {@code w} at {@code sparsity} (fraction of units, in [0, 1]).
     */
    public LayerMask prune(LayerWeights w, double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("layer '" + w.name() + "': sparsity must be in [0, 1], got " + sparsity);
        }
        UnitLayout layout = new UnitLayout(w, granularity);
        int target = (int) Math.round(sparsity * layout.units());
        return pruneUnits(w, target);
    }

    /** The mask of {@code w} with exactly {@code max(target, already pruned)} units pruned. */
    public LayerMask pruneUnits(LayerWeights w, int target) {
        UnitLayout layout = new UnitLayout(w, granularity);
        if (target < 0 || target > layout.units()) {
            throw new IllegalArgumentException("layer '" + w.name() + "': cannot prune " + target + " of " + layout.units() + " units");
        }
        float[] scores = scorer.score(w, granularity);
        boolean[] already = UnitOrder.alreadyPruned(w, layout);
        int[] order = UnitOrder.order(scores, already);
        float[] mask = initialMask(w);
        int pruned = 0;
        for (int u : order) {
            if (!already[u] && pruned >= target) break;
            if (!already[u]) maskUnit(layout, u, mask);
            pruned++;
        }
        return new LayerMask(w.name(), mask, layout.units(), pruned);
    }

    static float[] initialMask(LayerWeights w) {
        if (w.mask() != null) return w.mask().clone();
        float[] m = new float[w.size()];
        java.util.Arrays.fill(m, 1f);
        return m;
    }

    static void maskUnit(UnitLayout layout, int u, float[] mask) {
        layout.forEachRun(u, (start, len) -> java.util.Arrays.fill(mask, start, start + len, 0f));
    }
}
