package dev.secateur.prune.mask;

import dev.secateur.nn.Model;
import dev.secateur.prune.compact.ChannelGraph;
import dev.secateur.prune.scoring.ContributionScorer;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;
import dev.secateur.prune.scoring.PrunableLayer;
import dev.secateur.prune.scoring.UnitLayout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Filter pruning of layers whose outputs a residual add ties together ({@link ChannelGraph}):
 * such layers must drop the <em>same</em> channels, or nothing can be compacted. A channel's
 * score is the sum of its filter scores over the tied layers; the group prunes
 * round((1 − d) × channels) channels, lowest first (ties by index), where d is the target
 * density of the group's first layer. Channels already dead in every tied layer count and stay
 * dead.
 */
final class TiedFilterPruner {
    private TiedFilterPruner() {}

    /** Masks for the included layers that share a channel group with another included layer. */
    static Map<PrunableLayer, LayerMask> masks(Model model, List<PrunableLayer> included, PruningPlan plan, double uniform) {
        ChannelGraph graph;
        try {
            graph = ChannelGraph.of(model);
        } catch (IllegalArgumentException e) {
            return Map.of(); // not analysable: every layer is pruned on its own
        }
        Map<Integer, List<PrunableLayer>> groups = new HashMap<>();
        for (PrunableLayer l : included) {
            int group = graph.outputGroup(l.layer());
            if (group >= 0) groups.computeIfAbsent(group, k -> new ArrayList<>()).add(l);
        }
        Map<PrunableLayer, LayerMask> out = new IdentityHashMap<>();
        ContributionScorer scorer = new ContributionScorer(plan.criterion(), plan.seed());
        for (List<PrunableLayer> members : groups.values()) {
            if (members.size() < 2) continue;
            int channels = members.getFirst().weight().value().dim(0);
            float[] score = new float[channels];
            boolean[] dead = new boolean[channels];
            java.util.Arrays.fill(dead, true);
            for (PrunableLayer l : members) {
                LayerWeights w = l.view();
                float[] s = scorer.score(w, Granularity.FILTER);
                boolean[] d = UnitOrder.alreadyPruned(w, new UnitLayout(w, Granularity.FILTER));
                for (int c = 0; c < channels; c++) {
                    score[c] += s[c];
                    dead[c] &= d[c];
                }
            }
            double density = plan.perLayer().getOrDefault(members.getFirst().name(), uniform);
            int target = (int) Math.round((1 - density) * channels);
            int[] order = UnitOrder.order(score, dead);
            boolean[] prune = new boolean[channels];
            int pruned = 0;
            for (int c : order) {
                if (!dead[c] && pruned >= target) break;
                prune[c] = true;
                pruned++;
            }
            for (PrunableLayer l : members) {
                float[] mask = MagnitudePruner.initialMask(l.view());
                int row = mask.length / channels;
                for (int c = 0; c < channels; c++) if (prune[c]) java.util.Arrays.fill(mask, c * row, (c + 1) * row, 0f);
                out.put(l, new LayerMask(l.name(), mask, channels, pruned));
            }
        }
        return out;
    }
}
