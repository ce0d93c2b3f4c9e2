package dev.secateur.tensor.reference;

/** Row-wise softmax, log-softmax and cross-entropy in float64: the yardstick for {@link dev.secateur.tensor.ops.Softmax}. */
public final class ReferenceSoftmax {
    private ReferenceSoftmax() {}

    public static double[] logSoftmax(float[] x, int rows, int cols) {
        double[] y = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, x[r * cols + c]);
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += Math.exp(x[r * cols + c] - max);
            double lse = max + Math.log(sum);
            for (int c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] - lse;
        }
        return y;
    }

    public static double[] softmax(float[] x, int rows, int cols) {
        double[] y = logSoftmax(x, rows, cols);
        for (int i = 0; i < y.length; i++) y[i] = Math.exp(y[i]);
        return y;
    }

    /** Mean of -log softmax(x)[r, label_r]. */
    public static double crossEntropy(float[] x, int[] labels, int rows, int cols) {
        if (rows == 0) return 0;
        double[] ls = logSoftmax(x, rows, cols);
        double s = 0;
        for (int r = 0; r < rows; r++) s -= ls[r * cols + labels[r]];
        return s / rows;
    }

    /** Gradient of {@link #crossEntropy}: (softmax - onehot) / rows. */
    public static double[] crossEntropyGradient(float[] x, int[] labels, int rows, int cols) {
        double[] p = softmax(x, rows, cols);
        for (int r = 0; r < rows; r++) {
            p[r * cols + labels[r]] -= 1;
            for (int c = 0; c < cols; c++) p[r * cols + c] /= rows;
        }
        return p;
    }
}
