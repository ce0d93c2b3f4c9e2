package dev.secateur.prune.mask;

import dev.secateur.prune.scoring.ContributionScorer;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;
import dev.secateur.prune.scoring.UnitLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One global threshold across layers (as {@code torch.nn.utils.prune.global_unstructured}): all
 * units of the included layers are ranked together by score (ties: layer order, then unit
 * index) and pruned lowest first until {@code round(sparsity × weights)} of the included
 * layers' weights are masked out. Per-layer {@link DensityCaps} bound each layer: a layer at its
 * minimum is skipped, a layer above its maximum is pruned down first (its own lowest units).
 * Excluded layers are returned unchanged.
 *
 * <p>For unstructured pruning the weight count is met exactly (unless caps forbid it). For
 * structured units of different sizes, the last unit is taken only if that lands closer to the
 * target than stopping before it. Scores of different layers are compared raw, so pick a
 * criterion whose scale is comparable across layers (per-weight magnitude is; filter L1 sums
 * grow with fan-in).
 */
public final class GlobalPruner {
    private final ContributionScorer scorer;
    private final Granularity granularity;
    private final DensityCaps defaultCaps;
    private final Map<String, DensityCaps> caps;
    private final Set<String> excluded;

    /**
     * @param defaultCaps caps of every layer not in {@code caps}
     * @param caps        per-layer caps by layer name
     * @param excluded    names of layers left untouched
     */
    public GlobalPruner(Criterion criterion, Granularity granularity, long seed,
                        DensityCaps defaultCaps, Map<String, DensityCaps> caps, Set<String> excluded) {
        if (granularity instanceof Granularity.NOfM) {
            throw new IllegalArgumentException("granularity " + granularity + " has a fixed sparsity: use NmPruner per layer");
        }
        this.scorer = new ContributionScorer(criterion, seed);
        this.granularity = granularity;
        this.defaultCaps = defaultCaps == null ? DensityCaps.NONE : defaultCaps;
        this.caps = Map.copyOf(caps == null ? Map.of() : caps);
        this.excluded = Set.copyOf(excluded == null ? Set.of() : excluded);
    }

    public GlobalPruner(Criterion criterion, Granularity granularity) {
        this(criterion, granularity, 0L, DensityCaps.NONE, Map.of(), Set.of());
    }

    /** Masks for all {@code layers} (same order) at global {@code sparsity} in [0, 1]. */
    public List<LayerMask> prune(List<LayerWeights> layers, double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) throw new IllegalArgumentException("sparsity must be in [0, 1], got " + sparsity);
        long total = 0;
        for (LayerWeights w : layers) if (!excluded.contains(w.name())) total += w.size();
        return pruneWeights(layers, Math.round(sparsity * total));
    }

    /** Masks with {@code targetPruned} weights of the included layers masked out (if caps allow). */
    public List<LayerMask> pruneWeights(List<LayerWeights> layers, long targetPruned) {
        Set<String> names = new HashSet<>();
        for (LayerWeights w : layers) {
            if (!names.add(w.name())) throw new IllegalArgumentException("layer name '" + w.name() + "' appears twice");
        }
        int n = layers.size();
        UnitLayout[] layouts = new UnitLayout[n];
        float[][] masks = new float[n][];
        boolean[][] already = new boolean[n][];
        int[] kept = new int[n];
        int[] minKeep = new int[n];
        long pruned = 0;
        List<long[]> candidateKeys = new ArrayList<>();
        long offset = 0;
        for (int l = 0; l < n; l++) {
            LayerWeights w = layers.get(l);
            masks[l] = MagnitudePruner.initialMask(w);
            if (excluded.contains(w.name())) continue;
            UnitLayout layout = new UnitLayout(w, granularity);
            layouts[l] = layout;
            float[] scores = scorer.score(w, granularity);
            already[l] = UnitOrder.alreadyPruned(w, layout);
            for (float m : masks[l]) if (m == 0f) pruned++;
            DensityCaps c = caps.getOrDefault(w.name(), defaultCaps);
            minKeep[l] = c.minKeep(layout.units());
            kept[l] = layout.units();
            for (boolean a : already[l]) if (a) kept[l]--;
            // Layers above their maximum density are pruned down first, lowest units first.
            int[] order = UnitOrder.order(scores, already[l]);
            int maxKeep = c.maxKeep(layout.units());
            long[] keys = new long[layout.units()];
            int k = 0;
            for (int u : order) {
                if (already[l][u]) continue;
                if (kept[l] > maxKeep) {
                    pruned += pruneUnit(layout, u, masks[l]);
                    already[l][u] = true;
                    kept[l]--;
                } else {
                    keys[k++] = UnitOrder.key(scores[u], false, offset + u);
                }
            }
            candidateKeys.add(Arrays.copyOf(keys, k));
            if (offset + layout.units() > 0xFFFF_FFFFL) throw new IllegalArgumentException("more than 2^32 pruning units");
            offset += layout.units();
        }
        long[] all = concat(candidateKeys);
        Arrays.sort(all);
        long[] layerStart = layerOffsets(layers, layouts);
        for (long key : all) {
            if (pruned >= targetPruned) break;
            long pos = UnitOrder.position(key);
            int l = layerOf(layerStart, pos);
            int u = (int) (pos - layerStart[l]);
            if (kept[l] <= minKeep[l]) continue;
            int alive = aliveInUnit(layouts[l], u, masks[l]);
            if (alive > 1 && (pruned + alive - targetPruned) > (targetPruned - pruned)) break;
            pruned += pruneUnit(layouts[l], u, masks[l]);
            already[l][u] = true;
            kept[l]--;
        }
        List<LayerMask> out = new ArrayList<>(n);
        for (int l = 0; l < n; l++) {
            LayerWeights w = layers.get(l);
            if (layouts[l] == null) {
                out.add(new LayerMask(w.name(), masks[l], new UnitLayout(w, granularity).units(),
                        countDead(UnitOrder.alreadyPruned(w, new UnitLayout(w, granularity)))));
            } else {
                out.add(new LayerMask(w.name(), masks[l], layouts[l].units(), layouts[l].units() - kept[l]));
            }
        }
        return out;
    }

    private static long pruneUnit(UnitLayout layout, int u, float[] mask) {
        int alive = aliveInUnit(layout, u, mask);
        MagnitudePruner.maskUnit(layout, u, mask);
        return alive;
    }

    private static int aliveInUnit(UnitLayout layout, int u, float[] mask) {
        int[] alive = {0};
        layout.forEachRun(u, (start, len) -> {
            for (int i = start; i < start + len; i++) if (mask[i] != 0f) alive[0]++;
        });
        return alive[0];
    }

    private static long[] layerOffsets(List<LayerWeights> layers, UnitLayout[] layouts) {
        long[] start = new long[layers.size() + 1];
        for (int l = 0; l < layers.size(); l++) start[l + 1] = start[l] + (layouts[l] == null ? 0 : layouts[l].units());
        return start;
    }

    private static int layerOf(long[] start, long pos) {
        int idx = Arrays.binarySearch(start, pos);
        if (idx < 0) return -idx - 2;
        // Several layers may start at pos when some have no units; take the last one.
        while (idx + 1 < start.length && start[idx + 1] == pos) idx++;
        return idx;
    }

    private static long[] concat(List<long[]> parts) {
        int n = 0;
        for (long[] p : parts) n += p.length;
        long[] all = new long[n];
        int k = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, k, p.length);
            k += p.length;
        }
        return all;
    }

    private static int countDead(boolean[] dead) {
        int c = 0;
        for (boolean d : dead) if (d) c++;
        return c;
    }

    /** The per-layer caps by layer name (layers not named use the default caps). */
    public Map<String, DensityCaps> caps() { return caps; }
}
