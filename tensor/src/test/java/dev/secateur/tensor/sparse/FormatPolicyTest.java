package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorPlatform;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Which formats are timed: never one that cannot win, never one that is not SIMD at this width. */
class FormatPolicyTest {
    private static List<String> names(List<SparseFormat> fs) {
        return fs.stream().map(SparseFormat::name).toList();
    }

    @Test
    void aDenseWeightOnlyEverTimesTheDenseKernel() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] w = Fixtures.weights(rnd, 64 * 300);
        WeightPattern p = WeightPattern.of(w, 64, 300, null);
        for (int batch : new int[] {1, 3, 64, 784}) {
            assertEquals(List.of("dense"), names(FormatPolicy.eligible(p, batch, null)), "batch " + batch);
        }
    }

    @Test
    void sampleMajorProductsWarmTheirOwnEntry() {
        SplittableRandom rnd = new SplittableRandom(6);
        float[] w = Fixtures.weights(rnd, 40 * 300);
        WeightPattern p = WeightPattern.of(w, 40, 300, Fixtures.mask(rnd, 40, 300, 0.9, false, null));
        assertTrue(!FormatPolicy.warmKey("pcsr", 64, true).equals(FormatPolicy.warmKey("pcsr", 64, false)),
                "sample-major batches run other code than feature-major ones");
        assertEquals(FormatPolicy.warmKey("gcsr", 1, false), FormatPolicy.warmKey("gcsr", 1, true), "one batch-1 path");
        for (String f : List.of("dense", "pcsr", "csr")) {
            for (boolean sampleMajor : new boolean[] {false, true}) {
                FormatPolicy.proxy(SparseFormats.named(f), p, 64, Workers.single(), sampleMajor).run();
            }
        }
    }

    @Test
    void batchedProductsAboveTheCrossoverDensityStayDense() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] w = Fixtures.weights(rnd, 64 * 300);
        boolean[] half = Fixtures.mask(rnd, 64, 300, 0.5, false, null);
        WeightPattern p = WeightPattern.of(w, 64, 300, half);
        assertEquals(List.of("dense"), names(FormatPolicy.eligible(p, 64, null)));
        assertTrue(FormatPolicy.eligible(p, 1, null).size() > 1, "batch 1 still tries formats that store fewer bytes");
        for (SparseMatrix m : FormatPolicy.candidates(p, 1, null)) {
            assertTrue(m.format().equals("dense") || m.byteSize() < p.denseBytes(), m.format() + " stores " + m.byteSize());
        }
    }

    @Test
    void formatsThatAreNotSimdHereAreNeverOffered() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] w = Fixtures.weights(rnd, 64 * 300);
        boolean[] sparse = Fixtures.mask(rnd, 64, 300, 0.9, false, null);
        WeightPattern p = WeightPattern.of(w, 64, 300, sparse);
        for (int batch : new int[] {1, 64}) {
            List<String> offered = names(FormatPolicy.eligible(p, batch, null));
            assertEquals("dense", offered.getFirst());
            assertTrue(offered.size() > 1, "a 90% sparse weight is worth timing sparse formats: " + offered);
            for (String name : offered) {
                SparseFormat f = SparseFormats.named(name);
                assertTrue(f.lanes() == 0 || VectorPlatform.supportsLanes(f.lanes()), name + " needs " + f.lanes() + " lanes");
            }
            assertFalse(offered.contains("int8csr"), "int8 changes the numbers: never chosen by itself");
        }
        assertEquals(VectorPlatform.LANES >= 16, SparseFormats.named("wsell16").runsHere());
        assertEquals(VectorPlatform.LANES >= 8, SparseFormats.named("bsr8x1").runsHere());
    }

    @Test
    void allowedNamesRestrictTheSparseFormats() {
        SplittableRandom rnd = new SplittableRandom(6);
        float[] w = Fixtures.weights(rnd, 32 * 64);
        WeightPattern p = WeightPattern.of(w, 32, 64, Fixtures.mask(rnd, 32, 64, 0.9, false, null));
        assertEquals(List.of("dense", "csr"), names(FormatPolicy.eligible(p, 1, Set.of("csr"))));
        assertEquals(List.of("dense"), names(FormatPolicy.eligible(p, 1, Set.of())));
    }

    @Test
    void everyRegisteredFormatIsCoveredByTheKernelProperties() {
        Set<String> tested = new java.util.HashSet<>();
        for (Fixtures.Format f : Fixtures.Format.values()) if (f.registered != null) tested.add(f.registered);
        assertEquals(Set.copyOf(SparseFormats.names()), tested);
    }

    @Test
    void theRegistryNamesEveryFormatOnceAndRejectsDuplicates() {
        List<String> names = SparseFormats.names();
        assertEquals(names.size(), Set.copyOf(names).size());
        assertEquals("dense", names.getFirst());
        assertThrows(IllegalArgumentException.class, () -> SparseFormats.named("nosuch"));
        assertThrows(IllegalArgumentException.class, () -> SparseFormats.register(SparseFormats.named("csr")));
        assertTrue(SparseFormats.describe().contains("wsell16"));
    }
}
