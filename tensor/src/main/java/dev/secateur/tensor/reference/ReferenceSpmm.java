package dev.secateur.tensor.reference;

/**
 * The masked dense product every sparse kernel is checked against, accumulated in float64:
 * {@code Y[i, j] = act(Σ_k W[i,k]·mask[i,k]·X[k, j] + bias[i])} with W row-major M×K, X row-major
 * {@code [K, batch]} and Y {@code [M, batch]} (the layout of
 * {@code dev.secateur.tensor.sparse.SparseMatrix}). A null mask means W is used as is.
 */
public final class ReferenceSpmm {
    private ReferenceSpmm() {}

    /** Y as a new {@code float[M·batch]}. */
    public static float[] multiply(float[] w, boolean[] mask, int rows, int cols, float[] x, int xOff, int batch,
                                   float[] bias, boolean relu) {
        float[] y = new float[rows * batch];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < batch; j++) {
                double s = 0;
                for (int k = 0; k < cols; k++) {
                    if (mask == null || mask[i * cols + k]) s += (double) w[i * cols + k] * x[xOff + k * batch + j];
                }
                if (bias != null) s += bias[i];
                if (relu) s = Math.max(s, 0);
                y[i * batch + j] = (float) s;
            }
        }
        return y;
    }

    /**
     * {@code Σ_k |W[i,k]·mask[i,k]·X[k,j]| + |bias[i]|} per output: the scale of the rounding error
     * of any summation order, for tolerances.
     */
    public static double[] absProducts(float[] w, boolean[] mask, int rows, int cols, float[] x, int xOff, int batch,
                                       float[] bias) {
        double[] out = new double[rows * batch];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < batch; j++) {
                double s = bias == null ? 0 : Math.abs(bias[i]);
                for (int k = 0; k < cols; k++) {
                    if (mask == null || mask[i * cols + k]) s += Math.abs((double) w[i * cols + k] * x[xOff + k * batch + j]);
                }
                out[i * batch + j] = s;
            }
        }
        return out;
    }
}
