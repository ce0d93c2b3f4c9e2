package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise softmax, log-softmax and the fused softmax cross-entropy over a row-major
 * {@code [rows, cols]} matrix. Every row is shifted by its maximum first, so logits of any finite
 * magnitude (e.g. ±1000) give finite results. Outputs may alias the input exactly.
 */
public final class Softmax {
    private Softmax() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;

    /** {@code y[r, c] = exp(x[r, c] - max_r) / Σ_c exp(x[r, c] - max_r)}. */
    public static void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        check("softmax", x, xOff, y, yOff, rows, cols);
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float max = rowMax(x, xi, cols);
            float sum = expShifted(x, xi, y, yi, cols, max);
            scaleRow(y, yi, cols, 1f / sum);
        }
    }

    /** {@code y[r, c] = x[r, c] - max_r - log Σ_c exp(x[r, c] - max_r)}. */
    public static void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        check("logSoftmax", x, xOff, y, yOff, rows, cols);
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float max = rowMax(x, xi, cols);
            float shift = max + (float) Math.log(sumExpShifted(x, xi, cols, max));
            int c = 0;
            for (int ub = S.loopBound(cols); c < ub; c += L) {
                FloatVector.fromArray(S, x, xi + c).sub(shift).intoArray(y, yi + c);
            }
            for (; c < cols; c++) y[yi + c] = x[xi + c] - shift;
        }
    }

    /**
     * Mean cross-entropy of softmax(logits) against integer labels:
     * {@code loss = -(1/rows) Σ_r log softmax(logits)[r, label_r]}. When {@code dlogits} is not null
     * it receives the gradient of that mean, {@code (softmax - onehot) / rows} (it may be {@code logits}).
     *
     * @return the mean loss (0 for zero rows)
     */
    public static double softmaxCrossEntropy(float[] logits, int lOff, int[] labels, int labOff, int rows, int cols,
                                             float[] dlogits, int dOff) {
        if (!(shapeOk(rows, cols) && Checks.in(logits, lOff, (long) rows * cols) && Checks.in(labels, labOff, rows)
                && (dlogits == null || Checks.in(dlogits, dOff, (long) rows * cols)))) {
            String ctx = "softmaxCrossEntropy(rows=" + rows + ", cols=" + cols + ")";
            checkShape(ctx, rows, cols);
            Checks.range("logits", logits, lOff, (long) rows * cols, ctx);
            Checks.range("labels", labels, labOff, rows, ctx);
            if (dlogits != null) Checks.range("dlogits", dlogits, dOff, (long) rows * cols, ctx);
        }
        for (int r = 0; r < rows; r++) {
            int lab = labels[labOff + r];
            if (lab < 0 || lab >= cols) {
                throw new IllegalArgumentException("label " + lab + " of row " + r + " is outside [0, " + cols
                        + ") in softmaxCrossEntropy(rows=" + rows + ", cols=" + cols + ")");
            }
        }
        if (rows == 0) return 0.0;
        double total = 0;
        float invRows = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int xi = lOff + r * cols, lab = labels[labOff + r];
            float max = rowMax(logits, xi, cols);
            float target = logits[xi + lab];
            if (dlogits == null) {
                double logSum = Math.log(sumExpShifted(logits, xi, cols, max));
                total += logSum - (target - max);
            } else {
                int di = dOff + r * cols;
                float sum = expShifted(logits, xi, dlogits, di, cols, max);
                total += Math.log(sum) - (target - max);
                scaleRow(dlogits, di, cols, invRows / sum);
                dlogits[di + lab] -= invRows;
            }
        }
        return total / rows;
    }

    private static float rowMax(float[] x, int off, int n) {
        int c = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.fromArray(S, x, off);
            if (FLOAT_MAX) {
                for (int ub = S.loopBound(n); c < ub; c += L) acc = acc.max(FloatVector.fromArray(S, x, off + c));
                max = acc.reduceLanes(VectorOperators.MAX);
            } else {
                for (int ub = S.loopBound(n); c < ub; c += L) acc = VectorMax.max(acc, FloatVector.fromArray(S, x, off + c));
                max = VectorMax.maxLanes(acc);
            }
        }
        for (; c < n; c++) max = Math.max(max, x[off + c]);
        return max;
    }

    /**
     * {@code y = exp(x - max)}; returns the sum, added in index order. Scalar {@link Math#exp} on
     * purpose: the vector EXP runs a different approximation compiled than interpreted, so results
     * would change with JIT warm-up; training must be reproducible run to run.
     */
    private static float expShifted(float[] x, int xi, float[] y, int yi, int n, float max) {
        float sum = 0f;
        for (int c = 0; c < n; c++) {
            float e = (float) Math.exp(x[xi + c] - max);
            y[yi + c] = e;
            sum += e;
        }
        return sum;
    }

    private static float sumExpShifted(float[] x, int xi, int n, float max) {
        float sum = 0f;
        for (int c = 0; c < n; c++) sum += (float) Math.exp(x[xi + c] - max);
        return sum;
    }

    private static void scaleRow(float[] y, int yi, int n, float f) {
        int c = 0;
        for (int ub = S.loopBound(n); c < ub; c += L) FloatVector.fromArray(S, y, yi + c).mul(f).intoArray(y, yi + c);
        for (; c < n; c++) y[yi + c] *= f;
    }

    private static boolean shapeOk(int rows, int cols) {
        return Checks.fits(rows, cols) && (rows == 0 || cols > 0);
    }

    private static void check(String op, float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        if (shapeOk(rows, cols) && Checks.in(x, xOff, (long) rows * cols) && Checks.in(y, yOff, (long) rows * cols)) return;
        String ctx = op + "(rows=" + rows + ", cols=" + cols + ")";
        checkShape(ctx, rows, cols);
        Checks.range("x", x, xOff, (long) rows * cols, ctx);
        Checks.range("y", y, yOff, (long) rows * cols, ctx);
    }

    private static void checkShape(String ctx, int rows, int cols) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative size in " + ctx);
        if (rows > 0 && cols == 0) throw new IllegalArgumentException("softmax over zero columns in " + ctx);
        Checks.size(ctx, rows, cols);
    }
}
