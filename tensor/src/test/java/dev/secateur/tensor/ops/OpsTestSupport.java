package dev.secateur.tensor.ops;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/** Random data and tolerance checks shared by the ops tests. */
final class OpsTestSupport {
    private OpsTestSupport() {}

    static final double EPS = Math.ulp(1f); // 2^-23

    /** Uniform in [-1, 1] with magnitudes at least 1e-3, so no test runs on zeros. */
    static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            float v = (float) (0.001 + 0.999 * r.nextDouble());
            a[i] = r.nextBoolean() ? v : -v;
        }
        return a;
    }

    /** {@code |actual - expected| <= rel * scale + 1e-30} element by element. */
    static void assertClose(String what, double[] expected, double[] scale, float[] actual, int off, double rel) {
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * Math.abs(scale[i]) + 1e-30;
            double err = Math.abs(actual[off + i] - expected[i]);
            if (!(err <= tol)) {
                fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[off + i] + " (err " + err
                        + " > tol " + tol + ")");
            }
        }
    }

    static void assertClose(String what, double[] expected, float[] actual, int off, double rel) {
        assertClose(what, expected, abs(expected), actual, off, rel);
    }

    static void assertClose(String what, double[] expected, double[] actual, int off, double rel, double absTol) {
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * Math.abs(expected[i]) + absTol;
            double err = Math.abs(actual[off + i] - expected[i]);
            if (!(err <= tol)) {
                fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[off + i] + " (err " + err
                        + " > tol " + tol + ")");
            }
        }
    }

    static float[] absOf(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]);
        return r;
    }

    static double[] abs(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]);
        return r;
    }

    static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }
}
