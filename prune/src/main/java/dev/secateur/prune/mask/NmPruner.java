package dev.secateur.prune.mask;

import dev.secateur.prune.scoring.ContributionScorer;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;

/**
 * N:M semi-structured pruning: in every group of M consecutive weights along a row of the
 * matrix view [out, in·taps], keeps the N highest-scoring weights (per-weight scores of the
 * criterion; equal scores: the lower index is pruned first). A row tail of t &lt; M weights keeps
 * ceil(N·t/M). Weights already masked out are pruned first and never regrown, so a group whose
 * previous mask keeps fewer than N keeps only those.
 */
public final class NmPruner {
    private final ContributionScorer scorer;
    private final Granularity.NOfM nm;

    public NmPruner(Criterion criterion, Granularity.NOfM nm, long seed) {
        if (nm == null) throw new IllegalArgumentException("N:M pattern is null");
        this.scorer = new ContributionScorer(criterion, seed);
        this.nm = nm;
    }

    public NmPruner(Criterion criterion, Granularity.NOfM nm) {
        this(criterion, nm, 0L);
    }

    /** The N:M mask of {@code w}; {@code units} counts weights. */
    public LayerMask prune(LayerWeights w) {
        float[] scores = scorer.score(w, nm);
        float[] mask = MagnitudePruner.initialMask(w);
        int rows = w.outputs();
        int cols = rows == 0 ? 0 : w.size() / rows;
        int m = nm.m();
        float[] groupScores = new float[m];
        boolean[] groupDead = new boolean[m];
        for (int r = 0; r < rows; r++) {
            for (int c0 = 0; c0 < cols; c0 += m) {
                int len = Math.min(m, cols - c0);
                int keep = keepCount(len);
                int base = r * cols + c0;
                for (int j = 0; j < len; j++) {
                    groupScores[j] = scores[base + j];
                    groupDead[j] = mask[base + j] == 0f;
                }
                int[] order = UnitOrder.order(java.util.Arrays.copyOf(groupScores, len), java.util.Arrays.copyOf(groupDead, len));
                for (int i = 0; i < len - keep; i++) mask[base + order[i]] = 0f;
            }
        }
        int pruned = 0;
        for (float x : mask) if (x == 0f) pruned++;
        return new LayerMask(w.name(), mask, w.size(), pruned);
    }

    /** Weights kept in a group of {@code len} (len == M for full groups). */
    int keepCount(int len) {
        return (int) (((long) nm.n() * len + nm.m() - 1) / nm.m());
    }
}
