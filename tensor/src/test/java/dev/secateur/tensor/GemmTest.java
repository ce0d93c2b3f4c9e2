package dev.secateur.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.secateur.tensor.platform.VectorPlatform;
import dev.secateur.tensor.reference.ReferenceGemm;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Gemm.sgemm (the packed kernel and its GEMV path) against the float64 ReferenceGemm. */
class GemmTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3), Workers.of(4)};

    @AfterAll
    static void closePools() {
        for (Workers w : POOLS) w.close();
    }

    /** One random call: shapes, transposes, scalars, padding of offsets and leading dimensions. */
    record Case(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta,
                int aPad, int bPad, int cPad, int off, int threads, long seed) {
        @Override public String toString() {
            return "m=" + m + " n=" + n + " k=" + k + " tA=" + transA + " tB=" + transB + " alpha=" + alpha + " beta=" + beta
                    + " pads=" + aPad + "/" + bPad + "/" + cPad + " off=" + off + " threads=" + threads;
        }
    }

    /**
     * Sizes that hit edges: 0, 1, vector width ±1, micro-tile multiples ±1 (tiles of 6 or 8 rows,
     * 8, 16 or 32 columns), primes, block edges (this platform's KC and MC ± 1, two K blocks and a
     * bit).
     */
    static Arbitrary<Integer> size() {
        int kc = VectorPlatform.GEMM.kc(), mc = VectorPlatform.GEMM.mc();
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(0, 1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 61, 64)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 100)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(97, 191, 192, 193, 203, 205, 255, 256, 257, 300, 383, 385, 511, 513)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(kc - 1, kc, kc + 1, 2 * kc + 3, mc - 1, mc + 1, 2 * mc + 5)));
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<float[]> scalars = Arbitraries.of(new float[] {1f, 0f}, new float[] {1f, 1f}, new float[] {-0.5f, 2f},
                new float[] {2.5f, 0f}, new float[] {0.75f, -1.25f}, new float[] {0f, 0.5f});
        return Combinators.combine(
                Combinators.combine(size(), size(), size()).as((m, n, k) -> new int[] {m, n, k}),
                Arbitraries.integers().between(0, 3), scalars,
                Arbitraries.integers().between(0, 3).list().ofSize(4),
                Arbitraries.integers().between(1, 4), Arbitraries.longs())
            .as((mnk, trans, ab, pads, threads, seed) -> {
                // Keep the reference cheap: large dims only with a small third one.
                int m = mnk[0], n = mnk[1], k = mnk[2];
                if ((long) m * n * k > 4_000_000L) k = Math.max(1, 4_000_000 / Math.max(1, m * n));
                return new Case(m, n, k, (trans & 1) != 0, (trans & 2) != 0, ab[0], ab[1],
                        pads.get(0) * 5, pads.get(1) * 3, pads.get(2) * 7, pads.get(3) * 11, threads, seed);
            });
    }

    @Property(tries = 150)
    void gemmMatchesReferenceForAnyShape(@ForAll("cases") Case tc) {
        check(tc);
    }

    @Test
    void blockEdgesAllTranspositions() {
        // Small ones run on one thread; those above 2^22 multiply-adds take the parallel path
        // (shared B, row blocks from a queue; column groups when C has few rows).
        int[][] shapes = {{193, 33, 257}, {17, 200, 513}, {9, 4100, 3}, {385, 65, 31}, {1, 1, 1}, {1, 300, 70},
                {300, 1, 70}, {70, 1, 300}, {1, 70, 300}, {2, 2, 600},
                {193, 97, 257}, {17, 1000, 300}, {1000, 17, 300}, {9, 4100, 120}, {260, 260, 70},
                // wider than one L2 block of B micro-panels (the row walk's column blocks), with edge tiles
                {20, 2100, 300}};
        long seed = 1;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                for (int threads = 1; threads <= 4; threads++) {
                    check(new Case(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 1.5f, threads % 2 == 0 ? 0f : -0.5f,
                            3, 5, 1, 7, threads, seed++));
                }
            }
        }
    }

    @Test
    void betaZeroOverwritesNaN() {
        for (int[] s : new int[][] {{40, 50, 30}, {40, 1, 30}, {1, 50, 30}, {20, 20, 0}}) {
            float[] a = random(s[0] * s[2], 1), b = random(s[2] * s[1], 2);
            float[] c = new float[s[0] * s[1]];
            Arrays.fill(c, Float.NaN);
            Gemm.sgemm(Workers.single(), false, false, s[0], s[1], s[2], 1f, a, 0, s[2], b, 0, s[1], 0f, c, 0, s[1]);
            for (float v : c) assertTrue(Float.isFinite(v), "NaN leaked from C with beta=0 for " + Arrays.toString(s));
        }
    }

    @Test
    void sameCallTwiceIsBitIdenticalAndThreadCountDoesNotMatter() {
        int[][] shapes = {{170, 170, 150}, {97, 530, 100}, {530, 97, 100}, {700, 1, 300}, {1, 700, 300}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2];
                float[] a = random(m * k, 3), b = random(k * n, 4), c0 = random(m * n, 5);
                float[] first = null;
                for (Workers w : POOLS) {
                    for (int rep = 0; rep < 2; rep++) {
                        float[] c = c0.clone();
                        Gemm.sgemm(w, ta, tb, m, n, k, 0.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.25f, c, 0, n);
                        if (first == null) first = c;
                        else assertArrayEquals(first, c, "results differ (threads=" + w.threads() + ", shape " + Arrays.toString(s) + ")");
                    }
                }
            }
        }
    }

    /**
     * Shapes whose parallel call runs many stages without barriers: two row chunks of A (over
     * 2048 rows), two K blocks, and either several B blocks with A packed once for all of K
     * (2100×1100) or one B block with A packed per stage into alternating buffers (2100×300).
     * Every thread count must give the single-thread bits; sampled elements match the float64 sum.
     */
    @Test
    void manyStagesAreBitIdenticalForAnyThreadCount() {
        int k2 = VectorPlatform.GEMM.kc() + 77;
        int[][] shapes = {{2100, 1100, k2}, {2100, 300, k2}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2], lda = ta ? m : k, ldb = tb ? k : n;
                float[] a = random(m * k, 11 + t), b = random(k * n, 12 + t), c0 = random(m * n, 13 + t);
                float[] first = null;
                for (Workers w : POOLS) {
                    float[] c = c0.clone();
                    Gemm.sgemm(w, ta, tb, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 0.25f, c, 0, n);
                    if (first == null) first = c;
                    else assertArrayEquals(first, c, "results differ (threads=" + w.threads() + ", shape " + Arrays.toString(s) + ", t=" + t + ")");
                }
                SplittableRandom r = new SplittableRandom(t);
                for (int sample = 0; sample < 200; sample++) {
                    int i = r.nextInt(m), j = r.nextInt(n);
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double prod = (double) a[ta ? p * lda + i : i * lda + p] * b[tb ? j * ldb + p : p * ldb + j];
                        sum += prod;
                        abs += Math.abs(prod);
                    }
                    double expected = 0.5 * sum + 0.25 * c0[i * n + j];
                    double tol = (k + 4) * 1.2e-7 * 0.5 * abs + 4 * 1.2e-7 * Math.abs(0.25 * c0[i * n + j]);
                    assertEquals(expected, first[i * n + j], tol, "C[" + i + "," + j + "] of " + Arrays.toString(s) + ", t=" + t);
                }
            }
        }
    }

    @Test
    void gemmCalledFromInsideAPoolTaskRunsInlineAndAgrees() {
        int m = 150, n = 170, k = 90;
        float[] a = random(m * k, 6), b = random(k * n, 7);
        float[] expected = new float[m * n];
        Gemm.sgemm(Workers.single(), false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, expected, 0, n);
        float[][] out = new float[3][m * n];
        Workers pool = POOLS[1];
        pool.forEach(3, t -> Gemm.sgemm(pool, false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, out[t], 0, n));
        for (float[] o : out) assertArrayEquals(expected, o);
    }

    @Test
    void badInputIsRejectedWithShapes() {
        float[] x = new float[100];
        assertBad(() -> Gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2), "negative");
        assertBad(() -> Gemm.sgemm(false, false, 20, 20, 20, 1f, x, 0, 20, x, 0, 20, 0f, x, 0, 20), "needs");
        assertBad(() -> Gemm.sgemm(false, false, 5, 5, 5, 1f, x, 0, 4, x, 0, 5, 0f, x, 0, 5), "leading dimension");
        assertBad(() -> Gemm.sgemm(false, false, 5, 5, 5, Float.NaN, x, 0, 5, x, 0, 5, 0f, x, 0, 5), "alpha");
        assertBad(() -> Gemm.sgemm(false, false, 5, 5, 5, 1f, x, 0, 5, x, 0, 5, Float.POSITIVE_INFINITY, x, 0, 5), "beta");
        assertBad(() -> Gemm.sgemm(false, false, 5, 5, 5, 1f, x, 90, 5, x, 0, 5, 0f, x, 0, 5), "A needs");
        assertBad(() -> Gemm.sgemm(true, false, 5, 5, 5, 1f, null, 0, 5, x, 0, 5, 0f, x, 0, 5), "null");
    }

    @Test
    void matmulOfTensors() {
        Tensor a = Tensor.randomUniform(1, -1, 1, 37, 19);
        Tensor b = Tensor.randomUniform(2, -1, 1, 19, 41);
        Tensor c = Gemm.matmul(a, b);
        float[] ref = new float[37 * 41];
        ReferenceGemm.sgemm(false, false, 37, 41, 19, 1f, a.data(), 0, 19, b.data(), 0, 41, 0f, ref, 0, 41);
        assertArrayEquals(ref, c.data(), 1e-4f);
        assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(a, a));
    }

    private static void assertBad(Runnable call, String messagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(messagePart) && e.getMessage().contains("sgemm(m="),
                "message '" + e.getMessage() + "' should contain '" + messagePart + "' and the shapes");
    }

    private static void check(Case tc) {
        int m = tc.m, n = tc.n, k = tc.k;
        // Stored shapes: A is (transA ? k×m : m×k), B is (transB ? n×k : k×n).
        int aRows = tc.transA ? k : m, aCols = tc.transA ? m : k;
        int bRows = tc.transB ? n : k, bCols = tc.transB ? k : n;
        int lda = aCols + tc.aPad, ldb = bCols + tc.bPad, ldc = n + tc.cPad;
        int aOff = tc.off, bOff = tc.off / 2 + 1, cOff = tc.off + 3;
        float[] a = random(aOff + aRows * lda + 2, tc.seed);
        float[] b = random(bOff + bRows * ldb + 2, tc.seed + 1);
        float[] c = random(cOff + m * ldc + 5, tc.seed + 2);
        if (tc.beta == 0f) {
            for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
        }
        float[] expected = c.clone();
        ReferenceGemm.sgemm(tc.transA, tc.transB, m, n, k, tc.alpha, a, aOff, lda, b, bOff, ldb, tc.beta, expected, cOff, ldc);
        double[] scale = ReferenceGemm.absProducts(tc.transA, tc.transB, m, n, k, a, aOff, lda, b, bOff, ldb);
        float[] actual = c.clone();
        Gemm.sgemm(POOLS[tc.threads - 1], tc.transA, tc.transB, m, n, k, tc.alpha, a, aOff, lda, b, bOff, ldb,
                tc.beta, actual, cOff, ldc);
        // float32 accumulation error grows at most ~K·eps·Σ|a·b|; the C term adds a few eps of |beta·c|.
        double eps = 1.2e-7;
        for (int i = 0; i < actual.length; i++) {
            int row = (i - cOff) / Math.max(1, ldc), col = (i - cOff) - row * ldc;
            boolean inside = i >= cOff && row < m && col < n;
            if (!inside) {
                assertEquals(c[i], actual[i], 0f, "wrote outside C at index " + i + " for " + tc);
                continue;
            }
            double tol = (k + 4) * eps * Math.abs(tc.alpha) * scale[row * n + col]
                    + (tc.beta == 0f ? 0 : 4 * eps * Math.abs(tc.beta * (double) c[i])) + 1e-30;
            double diff = Math.abs((double) actual[i] - expected[i]);
            if (!(diff <= tol)) {
                fail("C[" + row + "," + col + "] = " + actual[i] + ", expected " + expected[i] + " (tol " + tol + ") for " + tc);
            }
        }
    }

    static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble(-1, 1));
        return x;
    }
}
