package dev.secateur.bench.suite;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferenceSpmm;
import dev.secateur.tensor.sparse.SparseFormat;
import dev.secateur.tensor.sparse.SparseMatrix;
import dev.secateur.tensor.sparse.WeightPattern;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The product check a format passes before the suite times it: on random shapes with ragged
 * tails, random weights and masks, biases and ReLU, its single-vector and batched products must
 * match the float64 reference ({@link ReferenceSpmm}) within the rounding any summation order
 * may produce, its {@code toDense} must reproduce the masked weights and its
 * {@code nonZeros} the kept count. Shapes the format does not {@code suits} are skipped. A
 * format the kernel choice may not pick by itself ({@code automatic() == false}) may store the
 * weights lossily (int8 codes): when its {@code toDense} differs from the weights, its products
 * must agree with the reference within {@value #LOSSY_TOLERANCE} of Σ|w·x| instead.
 */
public final class FormatCheck {
    /** Relative tolerance against Σ|w·x|: float32 rounding of any order over up to a few thousand terms. */
    static final double TOLERANCE = 1e-5;
    /** Relative tolerance of a lossy format against Σ|w·x| (int8 codes: about 1/254 per weight). */
    static final double LOSSY_TOLERANCE = 0.01;

    private static final int[][] SHAPES = {{1, 1}, {5, 3}, {17, 33}, {40, 129}, {33, 1030}};
    private static final int[] BATCHES = {1, 5, 19};

    private FormatCheck() {}

    /** {@code null} when every product agrees, else one line naming the first disagreement. */
    public static String check(SparseFormat format) {
        SplittableRandom rnd = new SplittableRandom(20240511L);
        try (Workers workers = Workers.of(2)) {
            int tried = 0;
            for (int[] shape : SHAPES) {
                for (double sparsity : new double[] {0.0, 0.6, 0.95}) {
                    int m = shape[0], k = shape[1];
                    float[] w = new float[m * k];
                    boolean[] keep = new boolean[m * k];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = (float) rnd.nextDouble(-1, 1);
                        keep[i] = rnd.nextDouble() >= sparsity;
                    }
                    float[] bias = new float[m];
                    for (int i = 0; i < m; i++) bias[i] = (float) rnd.nextDouble(-1, 1);
                    float[] masked = w.clone();
                    for (int i = 0; i < w.length; i++) if (!keep[i]) masked[i] = 0;
                    WeightPattern pattern = WeightPattern.of(w, m, k, keep);
                    for (int batch : BATCHES) {
                        if (!format.suits(pattern, batch)) continue;
                        SparseMatrix a = format.build(w, m, k, keep);
                        String where = String.format(Locale.ROOT, "format %s, %dx%d weight, sparsity %.1f, batch %d", format.name(), m, k, sparsity, batch);
                        String bad = compare(a, w, keep, m, k, batch, bias, rnd, workers, where, format.automatic());
                        if (bad != null) return bad;
                        tried++;
                    }
                }
            }
            return tried == 0 ? "format " + format.name() + " suits none of the check's shapes; nothing could be checked" : null;
        } catch (RuntimeException e) {
            return "format " + format.name() + " failed: " + e;
        }
    }

    private static String compare(SparseMatrix a, float[] w, boolean[] keep, int m, int k, int batch, float[] bias,
                                  SplittableRandom rnd, Workers workers, String where, boolean automatic) {
        long kept = 0;
        for (boolean b : keep) if (b) kept++;
        if (a.rows() != m || a.cols() != k) return where + ": reports " + a.rows() + "x" + a.cols();
        if (a.nonZeros() != kept) return where + ": nonZeros " + a.nonZeros() + ", expected " + kept;
        float[] dense = a.toDense();
        boolean lossless = true;
        for (int i = 0; i < dense.length; i++) {
            float expect = keep[i] ? w[i] : 0f;
            if (dense[i] == expect) continue;
            if (automatic) return where + ": toDense()[" + i + "] = " + dense[i] + ", expected " + expect;
            lossless = false;
        }
        int off = 3;
        float[] x = new float[off + k * batch];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        for (boolean relu : new boolean[] {false, true}) {
            float[] expect = ReferenceSpmm.multiply(w, keep, m, k, x, off, batch, bias, relu);
            double[] scale = ReferenceSpmm.absProducts(w, keep, m, k, x, off, batch, bias);
            float[] y = new float[off + m * batch];
            a.multiplyBatch(workers, x, off, batch, y, off, bias, relu);
            double tolerance = lossless ? TOLERANCE : LOSSY_TOLERANCE;
            String bad = within(expect, y, off, scale, tolerance, where + (relu ? ", ReLU" : "") + ", multiplyBatch");
            if (bad != null) return bad;
            if (batch == 1) {
                float[] v = new float[off + m];
                a.multiplyVector(x, off, v, off, bias, relu);
                bad = within(expect, v, off, scale, tolerance, where + (relu ? ", ReLU" : "") + ", multiplyVector");
                if (bad != null) return bad;
            }
        }
        return null;
    }

    private static String within(float[] expect, float[] got, int off, double[] scale, double tolerance, String where) {
        for (int i = 0; i < expect.length; i++) {
            double tol = tolerance * scale[i] + 1e-30;
            if (!(Math.abs(got[off + i] - expect[i]) <= tol)) {
                return String.format(Locale.ROOT, "%s: output %d is %s, reference %s (tolerance %.3g)", where, i, got[off + i], expect[i], tol);
            }
        }
        return null;
    }
}
