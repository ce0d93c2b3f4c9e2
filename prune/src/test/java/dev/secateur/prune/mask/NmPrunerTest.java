package dev.secateur.prune.mask;

import dev.secateur.prune.ReferenceScores;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;
import dev.secateur.tensor.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NmPrunerTest {

    @Property(tries = 150)
    void everyGroupKeepsExactlyNOfItsLargest(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int m,
                                            @ForAll @IntRange(min = 0, max = 8) int nRaw, @ForAll boolean conv) {
        int n = nRaw % (m + 1);
        SplittableRandom r = new SplittableRandom(seed);
        int out = r.nextInt(1, 6);
        Shape s = conv ? Shape.of(out, r.nextInt(1, 5), 3, 3) : Shape.of(out, r.nextInt(1, 20));
        float[] w = ReferenceScores.exactWeights(r, s.size());
        LayerMask mask = new NmPruner(Criterion.L1, new Granularity.NOfM(n, m)).prune(LayerWeights.of("l", s, w));
        int cols = s.size() / out;
        for (int row = 0; row < out; row++) {
            for (int c0 = 0; c0 < cols; c0 += m) {
                int len = Math.min(m, cols - c0);
                int expectKeep = (n * len + m - 1) / m;
                int keep = 0;
                float minKept = Float.POSITIVE_INFINITY, maxPruned = -1f;
                for (int j = 0; j < len; j++) {
                    int i = row * cols + c0 + j;
                    if (mask.mask()[i] != 0f) {
                        keep++;
                        minKept = Math.min(minKept, Math.abs(w[i]));
                    } else {
                        maxPruned = Math.max(maxPruned, Math.abs(w[i]));
                    }
                }
                assertEquals(expectKeep, keep, "row " + row + " group at " + c0);
                assertTrue(maxPruned <= minKept, "a pruned weight outscored a kept one");
            }
        }
    }

    @Test
    void twoOfFourWithTiesPrunesLowerIndicesFirst() {
        float[] w = {1, 1, 1, 1, -3, 0.5f, 2, -0.25f, 7, 7};
        LayerMask m = new NmPruner(Criterion.L1, new Granularity.NOfM(2, 4)).prune(LayerWeights.of("l", Shape.of(1, 10), w));
        // Tail of 2 keeps ceil(2·2/4) = 1.
        assertArrayEquals(new float[]{0, 0, 1, 1, 1, 0, 1, 0, 0, 1}, m.mask());
    }

    @Test
    void previouslyPrunedWeightsStayPruned() {
        float[] w = {4, 3, 2, 1};
        LayerWeights l = new LayerWeights("l", Shape.of(1, 4), w, null, null, new float[]{0, 1, 1, 1});
        LayerMask m = new NmPruner(Criterion.L1, new Granularity.NOfM(2, 4)).prune(l);
        assertArrayEquals(new float[]{0, 1, 1, 0}, m.mask());
    }
}
