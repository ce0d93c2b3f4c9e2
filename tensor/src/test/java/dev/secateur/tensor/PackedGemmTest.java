package dev.secateur.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.secateur.tensor.kernels.PackedSgemm;
import dev.secateur.tensor.kernels.PackedWeight;
import dev.secateur.tensor.platform.VectorPlatform;
import dev.secateur.tensor.reference.ReferenceGemm;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Gemm#prepackA} and the products with a pre-packed A: against the float64 reference,
 * bit for bit against the unpacked {@code sgemm} (n above the packed-GEMV limit: same K split,
 * same micro-kernel), and identical for every thread count.
 */
class PackedGemmTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3), Workers.of(4)};
    private static final int P = PackedWeight.PANEL_ROWS;

    @AfterAll
    static void closePools() {
        for (Workers w : POOLS) w.close();
    }

    /** One random call: A's shape and storage, the row range, n, transB, scalars, padding, threads. */
    record Case(int m, int k, int n, boolean transA, boolean transB, int rowStart, int rowEnd, float alpha, float beta,
                int pad, int threads, long seed) {
        @Override public String toString() {
            return "m=" + m + " k=" + k + " n=" + n + " tA=" + transA + " tB=" + transB + " rows=[" + rowStart + "," + rowEnd
                    + ") alpha=" + alpha + " beta=" + beta + " pad=" + pad + " threads=" + threads;
        }
    }

    /** Sizes around the panel (6 or 8), tile (8–32), vector (4–16) and block (this platform's KC and MC) edges. */
    static Arbitrary<Integer> dim() {
        int kc = VectorPlatform.GEMM.kc(), mc = VectorPlatform.GEMM.mc();
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, 2, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 23, 25, 31, 33, 63, 65)),
                Tuple.of(2, Arbitraries.integers().between(1, 120)),
                Tuple.of(1, Arbitraries.of(191, 193, 205, 255, 257, 300, 385, 511, 513)),
                Tuple.of(1, Arbitraries.of(kc - 1, kc + 1, 2 * kc + 3, mc - 1, mc + 1, 2 * mc + 5)));
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> n = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, 2, 3, 17, 64, 100)), Tuple.of(1, Arbitraries.integers().between(0, 70)));
        Arbitrary<float[]> scalars = Arbitraries.of(new float[] {1f, 0f}, new float[] {1f, 1f}, new float[] {-0.5f, 2f},
                new float[] {0.75f, -1.25f}, new float[] {0f, 0.5f});
        return Combinators.combine(dim(), dim(), n, Arbitraries.integers().between(0, 3), scalars,
                        Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 4), Arbitraries.longs())
                .as((m, k, cols, trans, ab, pad, threads, seed) -> {
                    // Keep the float64 reference cheap.
                    if ((long) m * k * Math.max(1, cols) > 3_000_000L) k = Math.max(1, 3_000_000 / (m * Math.max(1, cols)));
                    // A row range starting on a panel: the whole matrix half of the time.
                    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                    int start = 0, end = m;
                    if (r.nextBoolean()) {
                        start = r.nextInt((m - 1) / P + 1) * P;
                        end = start + r.nextInt(m - start + 1);
                    }
                    return new Case(m, k, cols, (trans & 1) != 0, (trans & 2) != 0, start, end, ab[0], ab[1], pad * 3,
                            threads, seed);
                });
    }

    @Property(tries = 120)
    void packedProductMatchesReferenceAndUnpackedGemm(@ForAll("cases") Case tc) {
        check(tc);
    }

    @Test
    void largeShapesTakeTheParallelPathsAndAgree() {
        // Above 2^22 multiply-adds (GEMM) or 2^17 elements (GEMV) the calls run on every thread of the pool.
        int[][] shapes = {{300, 520, 64}, {520, 300, 100}, {1000, 300, 17}, {700, 300, 1}, {1030, 260, 1}, {97, 1100, 3},
                {2100, 130, 2}, {600, 700, 5}, {300, 520, 6}, {300, 520, 7}};
        long seed = 11;
        for (int[] s : shapes) {
            for (int threads = 1; threads <= 4; threads++) {
                check(new Case(s[0], s[1], s[2], false, false, 0, s[0], 1f, 0f, 0, threads, seed++));
                check(new Case(s[0], s[1], s[2], true, true, P * 3, s[0] - 5, 0.5f, 0.25f, 2, threads, seed++));
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int[][] shapes = {{530, 300, 64}, {300, 530, 100}, {700, 300, 1}, {2000, 100, 1}, {170, 150, 3}, {700, 300, 5},
                {700, 300, 4}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = GemmTest.random(m * k, 1), b = GemmTest.random(k * n, 2), c0 = GemmTest.random(m * n, 3);
            PackedWeight pw = Gemm.prepackA(false, m, k, a, 0, k);
            float[] first = null;
            for (Workers w : POOLS) {
                for (int rep = 0; rep < 2; rep++) {
                    float[] c = c0.clone();
                    Gemm.sgemm(w, pw, n, 0.5f, false, b, 0, n, 0.25f, c, 0, n);
                    if (first == null) first = c;
                    else assertArrayEquals(first, c, "threads=" + w.threads() + " shape " + Arrays.toString(s));
                }
            }
        }
    }

    @Test
    void packedCallsFromInsideAPoolTaskAgree() {
        int m = 530, k = 300;
        float[] a = GemmTest.random(m * k, 6);
        PackedWeight pw = Gemm.prepackA(false, m, k, a, 0, k);
        Workers pool = POOLS[1];
        for (int n : new int[] {1, 64}) {
            float[] b = GemmTest.random(k * n, 7);
            float[] expected = new float[m * n];
            Gemm.sgemm(Workers.single(), pw, n, 1f, false, b, 0, n, 0f, expected, 0, n);
            float[][] out = new float[3][m * n];
            pool.forEach(3, t -> Gemm.sgemm(pool, pw, n, 1f, false, b, 0, n, 0f, out[t], 0, n));
            for (float[] o : out) assertArrayEquals(expected, o, "n=" + n);
        }
    }

    @Test
    void unpackGivesBackTheExactMatrix() {
        for (int[] s : new int[][] {{1, 1}, {7, 300}, {9, 257}, {200, 513}, {0, 5}, {5, 0}}) {
            int m = s[0], k = s[1];
            float[] a = GemmTest.random(m * k, 4);
            float[] back = new float[m * k];
            Gemm.prepackA(false, m, k, a, 0, k).unpack(back, 0, k);
            assertArrayEquals(a, back);
            // The same matrix stored transposed (k×m), with a leading dimension and an offset.
            float[] t = new float[5 + k * (m + 2)];
            for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) t[5 + p * (m + 2) + i] = a[i * k + p];
            PackedWeight pw = Gemm.prepackA(true, m, k, t, 5, m + 2);
            Arrays.fill(back, Float.NaN);
            pw.unpack(back, 0, k);
            assertArrayEquals(a, back);
            assertEquals(4L * ((m + P - 1) / P * P) * k, pw.byteSize());
        }
    }

    @Test
    void betaZeroOverwritesNaN() {
        for (int[] s : new int[][] {{40, 30, 50}, {40, 30, 1}, {1, 30, 50}, {20, 0, 20}}) {
            int m = s[0], k = s[1], n = s[2];
            PackedWeight pw = Gemm.prepackA(false, m, k, GemmTest.random(m * k, 1), 0, k);
            float[] c = new float[m * n];
            Arrays.fill(c, Float.NaN);
            Gemm.sgemm(Workers.single(), pw, n, 1f, false, GemmTest.random(k * n, 2), 0, n, 0f, c, 0, n);
            for (float v : c) assertTrue(Float.isFinite(v), "NaN leaked from C with beta=0 for " + Arrays.toString(s));
        }
    }

    @Test
    void badInputIsRejectedWithShapes() {
        float[] x = new float[100];
        PackedWeight pw = Gemm.prepackA(false, 9, 5, x, 0, 5);
        Workers one = Workers.single();
        assertBad(() -> Gemm.prepackA(false, -1, 5, x, 0, 5), "negative");
        assertBad(() -> Gemm.prepackA(false, 20, 20, x, 0, 20), "A needs");
        assertBad(() -> Gemm.prepackA(false, 5, 5, null, 0, 5), "null");
        assertBad(() -> Gemm.prepackA(true, 5, 5, x, 0, 4), "leading dimension");
        assertBad(() -> Gemm.sgemm(one, pw, P + 1, 9, 2, 1f, false, x, 0, 2, 0f, x, 50, 2), "multiple of");
        assertBad(() -> Gemm.sgemm(one, pw, 0, 10, 2, 1f, false, x, 0, 2, 0f, x, 50, 2), "row range");
        assertBad(() -> Gemm.sgemm(one, pw, 8, 7, 2, 1f, false, x, 0, 2, 0f, x, 50, 2), "row range");
        assertBad(() -> Gemm.sgemm(one, pw, 30, 1f, false, x, 0, 30, 0f, x, 0, 30), "needs");
        assertBad(() -> Gemm.sgemm(one, pw, -1, 1f, false, x, 0, 2, 0f, x, 0, 2), "negative");
        assertBad(() -> Gemm.sgemm(one, pw, 2, Float.NaN, false, x, 0, 2, 0f, x, 50, 2), "alpha");
        assertBad(() -> Gemm.sgemm(one, null, 2, 1f, false, x, 0, 2, 0f, x, 50, 2), "null");
        assertBad(() -> Gemm.sgemm(null, pw, 2, 1f, false, x, 0, 2, 0f, x, 50, 2), "workers");
        assertThrows(IllegalArgumentException.class, () -> pw.unpack(new float[10], 0, 5));
    }

    private static void assertBad(Runnable call, String messagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' should contain '" + messagePart + "'");
    }

    private static void check(Case tc) {
        int m = tc.m, k = tc.k, n = tc.n, rows = tc.rowEnd - tc.rowStart;
        int lda = (tc.transA ? m : k) + tc.pad, ldb = (tc.transB ? k : n) + tc.pad, ldc = n + tc.pad;
        int aOff = tc.pad + 1, bOff = tc.pad, cOff = 2;
        float[] a = GemmTest.random(aOff + (tc.transA ? k : m) * lda + 1, tc.seed);
        float[] b = GemmTest.random(bOff + (tc.transB ? n : k) * ldb + 1, tc.seed + 1);
        float[] c = GemmTest.random(cOff + rows * ldc + 3, tc.seed + 2);
        if (tc.beta == 0f) Arrays.fill(c, Float.NaN);
        PackedWeight pw = Gemm.prepackA(tc.transA, m, k, a, aOff, lda);
        assertEquals(m, pw.rows());
        assertEquals(k, pw.cols());
        float[] actual = c.clone();
        Gemm.sgemm(POOLS[tc.threads - 1], pw, tc.rowStart, tc.rowEnd, n, tc.alpha, tc.transB, b, bOff, ldb, tc.beta,
                actual, cOff, ldc);

        // The rows [rowStart, rowEnd) of op(A): offset of A's row rowStart in its storage.
        int rowOff = tc.transA ? aOff + tc.rowStart : aOff + tc.rowStart * lda;
        float[] expected = c.clone();
        ReferenceGemm.sgemm(tc.transA, tc.transB, rows, n, k, tc.alpha, a, rowOff, lda, b, bOff, ldb, tc.beta,
                expected, cOff, ldc);
        double[] scale = ReferenceGemm.absProducts(tc.transA, tc.transB, rows, n, k, a, rowOff, lda, b, bOff, ldb);
        double eps = 1.2e-7;
        for (int i = 0; i < actual.length; i++) {
            int row = (i - cOff) / Math.max(1, ldc), col = (i - cOff) - row * ldc;
            boolean inside = i >= cOff && row < rows && col < n;
            if (!inside) {
                assertEquals(Float.floatToRawIntBits(c[i]), Float.floatToRawIntBits(actual[i]), "wrote outside C at " + i + " for " + tc);
                continue;
            }
            double tol = (k + 4) * eps * Math.abs(tc.alpha) * scale[row * n + col]
                    + (tc.beta == 0f ? 0 : 4 * eps * Math.abs(tc.beta * (double) c[i])) + 1e-30;
            double diff = Math.abs((double) actual[i] - expected[i]);
            if (!(diff <= tol)) fail("C[" + row + "," + col + "] = " + actual[i] + ", expected " + expected[i] + " (tol " + tol + ") for " + tc);
        }
        if (n > PackedSgemm.PACKED_GEMV_MAX_N && rows >= 2) {
            // Same K split and micro-kernel as the unpacked GEMM (whose m == 1 case is a GEMV): the same bits.
            float[] unpacked = c.clone();
            Gemm.sgemm(POOLS[tc.threads - 1], tc.transA, tc.transB, rows, n, k, tc.alpha, a, rowOff, lda, b, bOff, ldb,
                    tc.beta, unpacked, cOff, ldc);
            assertArrayEquals(unpacked, actual, "packed and unpacked sgemm differ for " + tc);
        }
    }
}
