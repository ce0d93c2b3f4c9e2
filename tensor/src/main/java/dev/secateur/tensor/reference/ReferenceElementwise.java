package dev.secateur.tensor.reference;

/** Elementwise ops by definition in float64: the yardstick for {@link dev.secateur.tensor.ops.Elementwise}. */
public final class ReferenceElementwise {
    private ReferenceElementwise() {}

    public static double[] add(float[] a, float[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < y.length; i++) y[i] = (double) a[i] + b[i];
        return y;
    }

    public static double[] sub(float[] a, float[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < y.length; i++) y[i] = (double) a[i] - b[i];
        return y;
    }

    public static double[] mul(float[] a, float[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < y.length; i++) y[i] = (double) a[i] * b[i];
        return y;
    }

    public static double[] axpy(double alpha, float[] x, float[] y) {
        double[] r = new double[y.length];
        for (int i = 0; i < r.length; i++) r[i] = alpha * x[i] + y[i];
        return r;
    }

    public static double[] relu(float[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) y[i] = Math.max(0, x[i]);
        return y;
    }

    public static double[] reluBackward(float[] x, float[] dy) {
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[i] > 0 ? dy[i] : 0;
        return y;
    }

    /** {@code y[r, c] + b[c]}. */
    public static double[] addBiasRows(float[] y, int rows, int cols, float[] b) {
        double[] r = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) r[i * cols + c] = (double) y[i * cols + c] + b[c];
        }
        return r;
    }

    /** {@code y[n, ch, p] + b[ch]}. */
    public static double[] addBiasChannels(float[] y, int batch, int channels, int spatial, float[] b) {
        double[] r = new double[batch * channels * spatial];
        for (int i = 0; i < r.length; i++) r[i] = (double) y[i] + b[(i / spatial) % channels];
        return r;
    }

    /** {@code Σ_r dy[r, c]}. */
    public static double[] sumRows(float[] dy, int rows, int cols) {
        double[] s = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) s[c] += dy[r * cols + c];
        }
        return s;
    }

    /** {@code Σ_{n, p} dy[n, ch, p]}. */
    public static double[] sumChannels(float[] dy, int batch, int channels, int spatial) {
        double[] s = new double[channels];
        for (int i = 0; i < batch * channels * spatial; i++) s[(i / spatial) % channels] += dy[i];
        return s;
    }
}
