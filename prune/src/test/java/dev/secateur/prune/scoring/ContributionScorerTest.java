package dev.secateur.prune.scoring;

import dev.secateur.prune.ReferenceScores;
import dev.secateur.tensor.Shape;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContributionScorerTest {

    static LayerWeights randomLayer(SplittableRandom r, boolean conv, boolean withMask) {
        int out = r.nextInt(1, 9), in = r.nextInt(1, 9);
        int[] dims = conv ? new int[]{out, in, r.nextInt(1, 4), r.nextInt(1, 4)} : new int[]{out, in};
        Shape s = Shape.of(dims);
        float[] w = new float[s.size()], g = new float[s.size()], b = new float[out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
            g[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < out; i++) b[i] = (float) r.nextGaussian();
        float[] mask = null;
        if (withMask) {
            mask = new float[w.length];
            for (int i = 0; i < w.length; i++) mask[i] = r.nextInt(4) == 0 ? 0f : 1f;
        }
        return new LayerWeights("layer", s, w, b, g, mask);
    }

    @Provide
    Arbitrary<Granularity> granularities() {
        return Arbitraries.of(Granularity.UNSTRUCTURED, Granularity.FILTER, Granularity.CHANNEL,
                new Granularity.Block(2, 3), new Granularity.Block(1, 4), new Granularity.Block(3, 1));
    }

    @Property(tries = 150)
    void scoresMatchDirectScalarComputation(@ForAll("granularities") Granularity g, @ForAll Criterion c,
                                            @ForAll long seed, @ForAll boolean conv, @ForAll boolean masked) {
        if (c == Criterion.RANDOM) return;
        LayerWeights w = randomLayer(new SplittableRandom(seed), conv, masked);
        float[] got = new ContributionScorer(c, 0).score(w, g);
        double[] want = ReferenceScores.scores(w, c, g);
        assertEquals(want.length, got.length);
        for (int u = 0; u < want.length; u++) {
            assertEquals(want[u], got[u], 1e-6 * (1 + Math.abs(want[u])), "unit " + u + " of " + w.shape() + " " + g + " " + c);
        }
    }

    @Property(tries = 50)
    void randomScoresAreSeededAndInUnitInterval(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int gi) {
        LayerWeights w = randomLayer(new SplittableRandom(seed), true, false);
        Granularity g = new Granularity[]{Granularity.UNSTRUCTURED, Granularity.FILTER, Granularity.CHANNEL, new Granularity.Block(2, 2)}[gi];
        float[] a = new ContributionScorer(Criterion.RANDOM, seed).score(w, g);
        float[] b = new ContributionScorer(Criterion.RANDOM, seed).score(w, g);
        assertArrayEquals(a, b);
        for (float x : a) assertTrue(x >= 0f && x < 1f);
    }

    @Test
    void taylorWithoutGradientsIsRejected() {
        LayerWeights w = LayerWeights.of("fc", Shape.of(2, 2), new float[]{1, 2, 3, 4});
        var e = assertThrows(IllegalArgumentException.class, () -> new ContributionScorer(Criterion.TAYLOR, 0).score(w, Granularity.FILTER));
        assertTrue(e.getMessage().contains("fc") && e.getMessage().contains("gradients"));
    }

    @Test
    void nonFiniteWeightIsRejected() {
        LayerWeights w = LayerWeights.of("fc", Shape.of(1, 2), new float[]{1, Float.NaN});
        assertThrows(IllegalArgumentException.class, () -> new ContributionScorer(Criterion.L1, 0).score(w, Granularity.FILTER));
    }

    @Test
    void badShapesAndMasksAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LayerWeights.of("v", Shape.of(3), new float[3]));
        assertThrows(IllegalArgumentException.class, () -> LayerWeights.of("v", Shape.of(2, 2), new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> new LayerWeights("v", Shape.of(1, 2), new float[2], null, null, new float[]{0.5f, 1f}));
    }

    @Test
    void parsesCliNames() {
        assertEquals(Criterion.MAX_PLUS_BIAS, Criterion.parse("seed-max"));
        assertEquals(Criterion.MAX_PLUS_BIAS, Criterion.parse("SEED_MAX"));
        assertEquals(new Granularity.Block(4, 1), Granularity.parse("block:4x1"));
        assertEquals(new Granularity.NOfM(2, 4), Granularity.parse("nm:2:4"));
        assertEquals(Granularity.FILTER, Granularity.parse("neuron"));
        assertEquals("block:4x1", new Granularity.Block(4, 1).toString());
        assertThrows(IllegalArgumentException.class, () -> Granularity.parse("nm:5:4"));
        assertThrows(IllegalArgumentException.class, () -> Granularity.parse("block:ax2"));
        assertThrows(IllegalArgumentException.class, () -> Criterion.parse("l3"));
    }
}
