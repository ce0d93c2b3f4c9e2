package dev.secateur.prune.scoring;

import dev.secateur.tensor.ops.Magnitude;
import dev.secateur.tensor.ops.Norm;

import java.util.SplittableRandom;

/**
 * Scores the contribution of every pruning unit of a layer (see {@link Criterion} for the
 * formulas and {@link Granularity} for the units). Masked-out weights count as zero. Filter,
 * channel and block reductions run on the SIMD {@link Magnitude} kernels. Scores are computed
 * once per layer and then only sorted, so the selection never depends on float ties between
 * different kernels.
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
        float[] x = effectiveWeights(w);
        double[] raw = new double[layout.units()];
        Norm norm = switch (criterion) {
            case L2 -> Norm.L2;
            case MAX_PLUS_BIAS -> Norm.MAX_ABS;
            default -> Norm.L1;
        };
        int rows = layout.rows(), cols = layout.cols();
        switch (g) {
            case Granularity.Unstructured u -> perWeight(x, raw);
            case Granularity.NOfM u -> perWeight(x, raw);
            // Magnitude.perRow adds |bias[r]| itself: exactly the seed's per-filter term.
            case Granularity.Filter f -> Magnitude.perRow(norm, x, 0, rows, cols, criterion.usesBias() ? w.bias() : null, raw, 0);
            // [F, C, taps] seen as a conv with a taps×1 kernel.
            case Granularity.Channel c -> Magnitude.perInputChannel(norm, x, 0, rows, w.inputs(), w.taps(), 1, raw, 0);
            case Granularity.Block b -> Magnitude.perBlock(norm, x, 0, rows, cols, b.rows(), b.cols(), raw, 0);
        }
        boolean biasAddedByKernel = g instanceof Granularity.Filter;
        for (int u = 0; u < scores.length; u++) {
            double s = raw[u];
            if (criterion.usesBias() && !biasAddedByKernel) {
                s += criterion == Criterion.L1_PLUS_BIAS ? biasSum(w, layout, u) : biasMax(w, layout, u);
            }
            float f = (float) s + 0f; // + 0f turns -0 into +0 so that bit patterns sort like values
            if (!(f >= 0f) || Float.isInfinite(f)) {
                throw new IllegalArgumentException("layer '" + w.name() + "': score of unit " + u + " is " + s
                        + " (non-finite weight, bias or gradient?)");
            }
            scores[u] = f;
        }
        return scores;
    }

    /** The values whose magnitudes are reduced: weights (or |w·g| for Taylor) with masked ones zeroed. */
    private float[] effectiveWeights(LayerWeights w) {
        float[] x = w.weights();
        float[] m = w.mask();
        if (criterion != Criterion.TAYLOR && m == null) return x;
        float[] out = new float[x.length];
        float[] grad = w.gradients();
        for (int i = 0; i < x.length; i++) {
            if (m != null && m[i] == 0f) continue;
            out[i] = criterion == Criterion.TAYLOR ? (float) Math.abs((double) x[i] * grad[i]) : x[i];
        }
        return out;
    }

    private static void perWeight(float[] x, double[] out) {
        for (int i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
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
}
