package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise float kernels on array ranges (Vector API body, scalar tail). Outputs may alias
 * inputs exactly (same array and offset) for in-place use; partial overlaps are not supported.
 * Matrices are row-major; images are NCHW with {@code spatial = H*W}.
 */
public final class Elementwise {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private Elementwise() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** {@code y = a + b} over {@code n} elements. */
    public static void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        check3("add", a, aOff, b, bOff, y, yOff, n);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = a[aOff + i] + b[bOff + i];
    }

    /** {@code y = a - b} over {@code n} elements. */
    public static void sub(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        check3("sub", a, aOff, b, bOff, y, yOff, n);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = a[aOff + i] - b[bOff + i];
    }

    /** {@code y = a * b} (elementwise) over {@code n} elements. */
    public static void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        check3("mul", a, aOff, b, bOff, y, yOff, n);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = a[aOff + i] * b[bOff + i];
    }

    /** {@code y = alpha * x} over {@code n} elements ({@code y} may be {@code x}). */
    public static void scale(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        check2("scale", x, xOff, y, yOff, n);
        checkFinite("scale", alpha);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = alpha * x[xOff + i];
    }

    /** {@code y += alpha * x} over {@code n} elements. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        check2("axpy", x, xOff, y, yOff, n);
        checkFinite("axpy", alpha);
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            (FMA ? FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)) : FloatVector.fromArray(S, x, xOff + i).mul(va).add(FloatVector.fromArray(S, y, yOff + i))).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Fma.fma(alpha, x[xOff + i], y[yOff + i]);
    }

    /**
     * {@code y = max(x, 0)} over {@code n} elements ({@code y} may be {@code x}). NaN stays NaN,
     * except where float max is no instruction: there the vector lanes use {@link VectorMax#relu},
     * which turns a NaN with the sign bit set into +0.
     */
    public static void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        check2("relu", x, xOff, y, yOff, n);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            (FLOAT_MAX ? v.blend(0f, v.compare(VectorOperators.LT, 0f)) : VectorMax.relu(v)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v < 0f ? 0f : v;
        }
    }

    /** In-place ReLU. */
    public static void relu(float[] x, int xOff, int n) {
        relu(x, xOff, x, xOff, n);
    }

    /**
     * ReLU gradient: {@code dx = x > 0 ? dy : 0}. {@code x} may be the ReLU's input or its output
     * (both are positive at the same places). {@code dx} may be {@code dy}.
     */
    public static void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        check3("reluBackward", x, xOff, dy, dyOff, dx, dxOff, n);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + i), g = FloatVector.fromArray(S, dy, dyOff + i);
            (FLOAT_MAX ? FloatVector.zero(S).blend(g, xv.compare(VectorOperators.GT, 0f)) : VectorMax.whereXPositive(xv, g))
                    .intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
    }

    /** {@code y[r, c] += b[c]} for a row-major {@code [rows, cols]} matrix. */
    public static void addBiasRows(float[] y, int yOff, int rows, int cols, float[] b, int bOff) {
        checkRows("addBiasRows", "y", y, yOff, rows, cols, "bias", b, bOff);
        for (int r = 0; r < rows; r++) {
            int row = yOff + r * cols;
            int c = 0;
            for (int ub = S.loopBound(cols); c < ub; c += L) {
                FloatVector.fromArray(S, y, row + c).add(FloatVector.fromArray(S, b, bOff + c)).intoArray(y, row + c);
            }
            for (; c < cols; c++) y[row + c] += b[bOff + c];
        }
    }

    /** {@code y[n, ch, p] += b[ch]} for NCHW data with {@code spatial = H*W}. */
    public static void addBiasChannels(float[] y, int yOff, int batch, int channels, int spatial, float[] b, int bOff) {
        checkChannels("addBiasChannels", "y", y, yOff, batch, channels, spatial, "bias", b, bOff);
        for (int n = 0; n < batch; n++) {
            for (int ch = 0; ch < channels; ch++) {
                int base = yOff + (n * channels + ch) * spatial;
                float bv = b[bOff + ch];
                int p = 0;
                for (int ub = S.loopBound(spatial); p < ub; p += L) {
                    FloatVector.fromArray(S, y, base + p).add(bv).intoArray(y, base + p);
                }
                for (; p < spatial; p++) y[base + p] += bv;
            }
        }
    }

    /** Bias gradient of a dense layer: {@code db[c] += Σ_r dy[r, c]} (rows summed in order). */
    public static void sumRows(float[] dy, int dyOff, int rows, int cols, float[] db, int dbOff) {
        checkRows("sumRows", "dy", dy, dyOff, rows, cols, "db", db, dbOff);
        int c = 0;
        for (int ub = S.loopBound(cols); c < ub; c += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0; r < rows; r++) acc = acc.add(FloatVector.fromArray(S, dy, dyOff + r * cols + c));
            acc.add(FloatVector.fromArray(S, db, dbOff + c)).intoArray(db, dbOff + c);
        }
        for (; c < cols; c++) {
            float acc = 0f;
            for (int r = 0; r < rows; r++) acc += dy[dyOff + r * cols + c];
            db[dbOff + c] += acc;
        }
    }

    /** Bias gradient of a conv layer: {@code db[ch] += Σ_n Σ_p dy[n, ch, p]}. */
    public static void sumChannels(float[] dy, int dyOff, int batch, int channels, int spatial, float[] db, int dbOff) {
        checkChannels("sumChannels", "dy", dy, dyOff, batch, channels, spatial, "db", db, dbOff);
        for (int ch = 0; ch < channels; ch++) {
            FloatVector acc = FloatVector.zero(S);
            float tail = 0f;
            for (int n = 0; n < batch; n++) {
                int base = dyOff + (n * channels + ch) * spatial;
                int p = 0;
                for (int ub = S.loopBound(spatial); p < ub; p += L) acc = acc.add(FloatVector.fromArray(S, dy, base + p));
                for (; p < spatial; p++) tail += dy[base + p];
            }
            db[dbOff + ch] += Lanes.sum(acc) + tail;
        }
    }

    private static void checkRows(String op, String yName, float[] y, int yOff, int rows, int cols,
                                  String bName, float[] b, int bOff) {
        if (Checks.fits(rows, cols) && Checks.in(y, yOff, (long) rows * cols) && Checks.in(b, bOff, cols)) return;
        String ctx = op + "(rows=" + rows + ", cols=" + cols + ")";
        int total = Checks.size(ctx, rows, cols);
        Checks.range(yName, y, yOff, total, ctx);
        Checks.range(bName, b, bOff, cols, ctx);
    }

    private static void checkChannels(String op, String yName, float[] y, int yOff, int batch, int channels, int spatial,
                                      String bName, float[] b, int bOff) {
        if (Checks.fits(batch, channels, spatial) && Checks.in(y, yOff, (long) batch * channels * spatial)
                && Checks.in(b, bOff, channels)) {
            return;
        }
        String ctx = op + "(batch=" + batch + ", channels=" + channels + ", spatial=" + spatial + ")";
        int total = Checks.size(ctx, batch, channels, spatial);
        Checks.range(yName, y, yOff, total, ctx);
        Checks.range(bName, b, bOff, channels, ctx);
    }

    private static void check2(String op, float[] x, int xOff, float[] y, int yOff, int n) {
        if (n >= 0 && Checks.in(x, xOff, n) && Checks.in(y, yOff, n)) return;
        String ctx = op + "(n=" + n + ")";
        Checks.nonNegative("n", n, ctx);
        Checks.range("x", x, xOff, n, ctx);
        Checks.range("y", y, yOff, n, ctx);
    }

    private static void check3(String op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        if (n >= 0 && Checks.in(a, aOff, n) && Checks.in(b, bOff, n) && Checks.in(y, yOff, n)) return;
        String ctx = op + "(n=" + n + ")";
        Checks.nonNegative("n", n, ctx);
        Checks.range(op.equals("reluBackward") ? "x" : "a", a, aOff, n, ctx);
        Checks.range(op.equals("reluBackward") ? "dy" : "b", b, bOff, n, ctx);
        Checks.range(op.equals("reluBackward") ? "dx" : "y", y, yOff, n, ctx);
    }

    private static void checkFinite(String op, float alpha) {
        if (!Float.isFinite(alpha)) throw new IllegalArgumentException(op + ": alpha must be finite, got " + alpha);
    }
}
