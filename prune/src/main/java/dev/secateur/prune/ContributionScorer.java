package dev.secateur.prune;

import java.util.SplittableRandom;

/**
 * Scores the contribution of every pruning unit of a layer (see {@link Criterion} for the
 * formulas and {@link Granularity} for the units). Masked-out weights count as zero. Scores are
 * computed once per layer and then only sorted, so the selection never depends on float ties
 * between different kernels.
 */
public final class ContributionScorer {
    private final Criterion criterion;
    private final long seed;

    /**
     * @param criterion the score
     * @param seed      seed of the {@link Criterion#RANDOM} control (mixed with the layer name so
     *                  every layer draws its own stream); ignored by other criteria
     */
    public ContributionScorer(Criterion criterion, long seed) {
        if (criterion == null) throw new IllegalArgumentException("criterion is null");
        this.criterion = criterion;
        this.seed = seed;
    }

    public Criterion criterion() { return criterion; }

    /**
     * One score per unit of {@code w} under {@code g} (for N:M: one per weight). Every score is
     * finite and {@code >= 0}.
     *
     * @throws IllegalArgumentException if the criterion needs gradients the layer lacks, or a
     *                                  weight/gradient/bias is not finite
     */
    public float[] score(LayerWeights w, Granularity g) {
        if (criterion.needsGradients() && w.gradients() == null) {
            throw new IllegalArgumentException("layer '" + w.name() + "': criterion " + criterion + " needs gradients");
        }
        UnitLayout layout = new UnitLayout(w, g);
        float[] scores = new float[layout.units()];
        if (criterion == Criterion.RANDOM) {
            SplittableRandom r = new SplittableRandom(seed ^ ((long) w.name().hashCode() * 0x9E3779B97F4A7C15L));
            for (int u = 0; u < scores.length; u++) scores[u] = (float) r.nextDouble();
            return scores;
        }
        Accumulator acc = new Accumulator(w);
        for (int u = 0; u < scores.length; u++) {
            acc.reset();
            layout.forEachRun(u, acc);
            double s = switch (criterion) {
                case L1 -> acc.l1;
                case L2 -> Math.sqrt(acc.sumSquares);
                case SEED -> acc.l1 + biasSum(w, layout, u);
                case SEED_MAX -> acc.maxAbs + biasMax(w, layout, u);
                case TAYLOR -> acc.taylor;
                case RANDOM -> throw new AssertionError("handled above");
            };
            float f = (float) s + 0f; // + 0f turns -0 into +0 so that bit patterns sort like values
            if (!(f >= 0f) || Float.isInfinite(f)) {
                throw new IllegalArgumentException("layer '" + w.name() + "': score of unit " + u + " is " + s
                        + " (non-finite weight, bias or gradient?)");
            }
            scores[u] = f;
        }
        return scores;
    }

    private static double biasSum(LayerWeights w, UnitLayout layout, int u) {
        if (w.bias() == null) return 0;
        double s = 0;
        int r0 = layout.firstRow(u);
        for (int r = r0; r < r0 + layout.rowCount(u); r++) s += Math.abs(w.bias()[r]);
        return s;
    }

    private static double biasMax(LayerWeights w, UnitLayout layout, int u) {
        if (w.bias() == null) return 0;
        double m = 0;
        int r0 = layout.firstRow(u);
        for (int r = r0; r < r0 + layout.rowCount(u); r++) m = Math.max(m, Math.abs(w.bias()[r]));
        return m;
    }

    /** Float64 sums over the runs of one unit, skipping masked weights. */
    private static final class Accumulator implements UnitLayout.RunVisitor {
        private final float[] x;
        private final float[] g;
        private final float[] mask;
        double l1;
        double sumSquares;
        double maxAbs;
        double taylor;

        Accumulator(LayerWeights w) {
            this.x = w.weights();
            this.g = w.gradients();
            this.mask = w.mask();
        }

        void reset() {
            l1 = 0;
            sumSquares = 0;
            maxAbs = 0;
            taylor = 0;
        }

        @Override public void run(int start, int length) {
            for (int i = start; i < start + length; i++) {
                if (mask != null && mask[i] == 0f) continue;
                double a = Math.abs((double) x[i]);
                l1 += a;
                sumSquares += a * a;
                if (a > maxAbs || Double.isNaN(a)) maxAbs = a;
                if (g != null) taylor += Math.abs((double) x[i] * g[i]);
            }
        }
    }
}
