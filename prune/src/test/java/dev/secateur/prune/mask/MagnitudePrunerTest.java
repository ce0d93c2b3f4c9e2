package dev.secateur.prune.mask;

import dev.secateur.prune.ReferenceScores;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;
import dev.secateur.tensor.Shape;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MagnitudePrunerTest {

    @Provide
    Arbitrary<Granularity> granularities() {
        return Arbitraries.of(Granularity.UNSTRUCTURED, Granularity.FILTER, Granularity.CHANNEL,
                new Granularity.Block(2, 3), new Granularity.Block(4, 1));
    }

    /** Layers whose float scores are exact, so the mask must equal the reference bit for bit. */
    static LayerWeights exactLayer(long seed, boolean conv, boolean masked) {
        SplittableRandom r = new SplittableRandom(seed);
        int out = r.nextInt(1, 9), in = r.nextInt(1, 9);
        Shape s = conv ? Shape.of(out, in, r.nextInt(1, 4), r.nextInt(1, 4)) : Shape.of(out, in);
        float[] w = ReferenceScores.exactWeights(r, s.size());
        float[] g = ReferenceScores.exactWeights(r, s.size());
        float[] b = ReferenceScores.exactWeights(r, out);
        float[] mask = null;
        if (masked) {
            mask = new float[s.size()];
            for (int i = 0; i < mask.length; i++) mask[i] = r.nextInt(3) == 0 ? 0f : 1f;
        }
        return new LayerWeights("l", s, w, b, g, mask);
    }

    @Property(tries = 200)
    void maskEqualsDirectReferenceAndPrunesExactAmount(@ForAll("granularities") Granularity g, @ForAll Criterion c,
                                                       @ForAll long seed, @ForAll boolean conv, @ForAll boolean masked,
                                                       @ForAll @DoubleRange(min = 0, max = 1) double sparsity) {
        if (c == Criterion.RANDOM) return;
        LayerWeights w = exactLayer(seed, conv, masked);
        MagnitudePruner pruner = new MagnitudePruner(c, g);
        LayerMask m = pruner.prune(w, sparsity);
        int units = ReferenceScores.units(w.shape().toArray(), g).size();
        int target = (int) Math.round(sparsity * units);
        float[] want = ReferenceScores.mask(w, g, ReferenceScores.scores(w, c, g), target);
        assertArrayEquals(want, m.mask(), w.shape() + " " + g + " " + c + " sparsity " + sparsity);
        if (!masked) assertEquals(target, m.prunedUnits());
        else assertEquals(Math.max(target, m.prunedUnits()), m.prunedUnits());
        if (w.mask() != null) {
            for (int i = 0; i < want.length; i++) if (w.mask()[i] == 0f) assertEquals(0f, m.mask()[i], "regrown weight " + i);
        }
    }

    @Property(tries = 100)
    void randomCriterionPrunesExactAmount(@ForAll("granularities") Granularity g, @ForAll long seed,
                                          @ForAll @DoubleRange(min = 0, max = 1) double sparsity) {
        LayerWeights w = exactLayer(seed, true, false);
        LayerMask m = new MagnitudePruner(Criterion.RANDOM, g, seed).prune(w, sparsity);
        assertEquals(Math.round(sparsity * m.units()), m.prunedUnits());
        float[] again = new MagnitudePruner(Criterion.RANDOM, g, seed).prune(w, sparsity).mask();
        assertArrayEquals(m.mask(), again);
    }

    @Test
    void equalScoresArePrunedInIndexOrder() {
        float[] w = new float[12];
        java.util.Arrays.fill(w, 0.5f);
        LayerWeights layer = LayerWeights.of("fc", Shape.of(3, 4), w);
        LayerMask m = new MagnitudePruner(Criterion.L1, Granularity.UNSTRUCTURED).prune(layer, 5 / 12.0);
        assertArrayEquals(new float[]{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1}, m.mask());
        LayerMask f = new MagnitudePruner(Criterion.L2, Granularity.FILTER).prune(layer, 0.34);
        assertArrayEquals(new float[]{0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, f.mask());
        assertEquals(1, f.prunedUnits());
    }

    @Test
    void seedCriterionCountsTheBias() {
        // Row 0 has the smaller weights but a large bias: the seed score keeps it, L1 does not.
        float[] w = {0.1f, 0.1f, 0.2f, 0.2f};
        LayerWeights layer = new LayerWeights("fc", Shape.of(2, 2), w, new float[]{1f, 0f}, null, null);
        assertArrayEquals(new float[]{0, 0, 1, 1}, new MagnitudePruner(Criterion.L1, Granularity.FILTER).prune(layer, 0.5).mask());
        assertArrayEquals(new float[]{1, 1, 0, 0}, new MagnitudePruner(Criterion.L1_PLUS_BIAS, Granularity.FILTER).prune(layer, 0.5).mask());
        assertArrayEquals(new float[]{1, 1, 0, 0}, new MagnitudePruner(Criterion.MAX_PLUS_BIAS, Granularity.FILTER).prune(layer, 0.5).mask());
    }

    @Test
    void iterativeStepsNeverRegrowAndLowerTargetsKeepTheMask() {
        SplittableRandom r = new SplittableRandom(7);
        float[] w = new float[200];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        LayerWeights layer = LayerWeights.of("fc", Shape.of(10, 20), w);
        MagnitudePruner p = new MagnitudePruner(Criterion.L1, Granularity.UNSTRUCTURED);
        LayerMask half = p.prune(layer, 0.5);
        w[0] = 0f; // changes nothing already decided
        LayerMask more = p.prune(layer.withMask(half.mask()), 0.8);
        assertEquals(160, more.prunedUnits());
        for (int i = 0; i < 200; i++) if (half.mask()[i] == 0f) assertEquals(0f, more.mask()[i]);
        LayerMask less = p.prune(layer.withMask(more.mask()), 0.3);
        assertArrayEquals(more.mask(), less.mask());
        assertEquals(160, less.prunedUnits());
    }

    @Test
    void badArgumentsAreRejected() {
        LayerWeights layer = LayerWeights.of("fc", Shape.of(2, 2), new float[]{1, 2, 3, 4});
        MagnitudePruner p = new MagnitudePruner(Criterion.L1, Granularity.UNSTRUCTURED);
        assertThrows(IllegalArgumentException.class, () -> p.prune(layer, 1.5));
        assertThrows(IllegalArgumentException.class, () -> p.prune(layer, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new MagnitudePruner(Criterion.L1, new Granularity.NOfM(2, 4)));
    }

    @Test
    void emptyAndFullSparsity() {
        LayerWeights layer = LayerWeights.of("fc", Shape.of(2, 3), new float[]{1, -2, 3, -4, 5, -6});
        MagnitudePruner p = new MagnitudePruner(Criterion.L1, Granularity.CHANNEL);
        assertEquals(1.0, p.prune(layer, 0).density());
        assertEquals(0.0, p.prune(layer, 1).density());
        LayerWeights empty = LayerWeights.of("e", Shape.of(0, 3), new float[0]);
        assertEquals(0, new MagnitudePruner(Criterion.L1, Granularity.FILTER).prune(empty, 0.5).prunedUnits());
    }
}
