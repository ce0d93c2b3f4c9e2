package dev.secateur.prune.mask;

import dev.secateur.prune.ReferenceScores;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.LayerWeights;
import dev.secateur.tensor.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalPrunerTest {

    static List<LayerWeights> layers(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<LayerWeights> out = new ArrayList<>();
        int n = r.nextInt(1, 5);
        for (int l = 0; l < n; l++) {
            Shape s = r.nextBoolean() ? Shape.of(r.nextInt(1, 7), r.nextInt(1, 9)) : Shape.of(r.nextInt(1, 5), r.nextInt(1, 4), 3, 3);
            float[] w = ReferenceScores.exactWeights(r, s.size());
            for (int i = 0; i < w.length; i++) w[i] *= (l + 1); // layers on different scales
            out.add(LayerWeights.of("layer" + l, s, w));
        }
        return out;
    }

    @Property(tries = 150)
    void unstructuredGlobalMatchesOneSortedThreshold(@ForAll long seed, @ForAll @DoubleRange(min = 0, max = 1) double sparsity) {
        List<LayerWeights> ls = layers(seed);
        List<LayerMask> masks = new GlobalPruner(Criterion.L1, Granularity.UNSTRUCTURED).prune(ls, sparsity);
        // Reference: every weight of every layer in one list, sorted by (|w|, layer, index).
        List<long[]> all = new ArrayList<>();
        long total = 0;
        for (int l = 0; l < ls.size(); l++) {
            total += ls.get(l).size();
            for (int i = 0; i < ls.get(l).size(); i++) all.add(new long[]{l, i});
        }
        all.sort(Comparator.<long[]>comparingDouble(a -> Math.abs(ls.get((int) a[0]).weights()[(int) a[1]]))
                .thenComparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        long target = Math.round(sparsity * total);
        float[][] want = new float[ls.size()][];
        for (int l = 0; l < ls.size(); l++) {
            want[l] = new float[ls.get(l).size()];
            Arrays.fill(want[l], 1f);
        }
        int[] kept = new int[ls.size()];
        for (int l = 0; l < ls.size(); l++) kept[l] = ls.get(l).size();
        long pruned = 0;
        for (long[] a : all) {
            if (pruned == target) break;
            int l = (int) a[0];
            if (kept[l] == 1) continue; // never empty a layer
            want[l][(int) a[1]] = 0f;
            kept[l]--;
            pruned++;
        }
        long got = 0;
        for (int l = 0; l < ls.size(); l++) {
            assertArrayEquals(want[l], masks.get(l).mask(), "layer " + l);
            got += ls.get(l).size() - masks.get(l).nonZeros();
            assertTrue(masks.get(l).nonZeros() >= 1, "layer " + l + " emptied");
        }
        assertEquals(pruned, got);
    }

    @Property(tries = 150)
    void capsAndExclusionsAreRespected(@ForAll long seed, @ForAll @DoubleRange(min = 0, max = 1) double sparsity,
                                       @ForAll boolean filters) {
        List<LayerWeights> ls = layers(seed);
        Granularity g = filters ? Granularity.FILTER : Granularity.UNSTRUCTURED;
        DensityCaps caps = new DensityCaps(0.3, 0.8);
        Set<String> excluded = Set.of("layer1");
        List<LayerMask> masks = new GlobalPruner(Criterion.L2, g, 0, caps, Map.of("layer0", new DensityCaps(0.5, 1.0)), excluded)
                .prune(ls, sparsity);
        for (int l = 0; l < ls.size(); l++) {
            LayerMask m = masks.get(l);
            int kept = m.units() - m.prunedUnits();
            if (l == 1) {
                assertEquals(ls.get(l).size(), m.nonZeros(), "excluded layer touched");
                continue;
            }
            DensityCaps c = l == 0 ? new DensityCaps(0.5, 1.0) : caps;
            assertTrue(kept >= Math.max(1, Math.ceil(c.minDensity() * m.units() - 1e-9)), "min cap broken in layer " + l);
            assertTrue(kept <= Math.max(c.minKeep(m.units()), Math.floor(c.maxDensity() * m.units() + 1e-9)), "max cap broken in layer " + l);
        }
    }

    @Test
    void globalPruningNeverEmptiesALayer() {
        List<LayerWeights> ls = List.of(
                LayerWeights.of("tiny", Shape.of(2, 2), new float[]{0.01f, 0.02f, 0.03f, 0.04f}),
                LayerWeights.of("big", Shape.of(2, 2), new float[]{5, 6, 7, 8}));
        List<LayerMask> masks = new GlobalPruner(Criterion.L1, Granularity.UNSTRUCTURED).prune(ls, 1.0);
        assertEquals(1, masks.get(0).nonZeros());
        assertEquals(1, masks.get(1).nonZeros());
        assertArrayEquals(new float[]{0, 0, 0, 1}, masks.get(0).mask());
    }

    @Test
    void excludedLayerKeepsItsExistingMask() {
        float[] old = {1, 0, 1, 1};
        LayerWeights a = new LayerWeights("a", Shape.of(2, 2), new float[]{1, 2, 3, 4}, null, null, old);
        LayerWeights b = LayerWeights.of("b", Shape.of(2, 2), new float[]{1, 2, 3, 4});
        List<LayerMask> masks = new GlobalPruner(Criterion.L1, Granularity.UNSTRUCTURED, 0, DensityCaps.NONE, Map.of(), Set.of("a"))
                .prune(List.of(a, b), 0.5);
        assertArrayEquals(old, masks.get(0).mask());
        assertEquals(1, masks.get(0).prunedUnits());
        assertEquals(2, masks.get(1).prunedUnits());
    }

    @Test
    void maxDensityForcesPruningOfStrongLayers() {
        LayerWeights weak = LayerWeights.of("weak", Shape.of(1, 4), new float[]{0.1f, 0.2f, 0.3f, 0.4f});
        LayerWeights strong = LayerWeights.of("strong", Shape.of(1, 4), new float[]{5, 6, 7, 8});
        List<LayerMask> masks = new GlobalPruner(Criterion.L1, Granularity.UNSTRUCTURED, 0, new DensityCaps(0, 0.5), Map.of(), Set.of())
                .prune(List.of(weak, strong), 0.5);
        assertArrayEquals(new float[]{0, 0, 1, 1}, masks.get(0).mask());
        assertArrayEquals(new float[]{0, 0, 1, 1}, masks.get(1).mask());
    }
}
