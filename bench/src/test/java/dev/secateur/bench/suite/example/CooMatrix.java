package dev.secateur.bench.suite.example;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.SparseMatrix;

/**
 * The worked example of docs/formats.md: coordinate (COO) storage, one (row, column, value)
 * triple per kept weight in row-major order. Scalar loops, no SIMD: a teaching format, and the
 * baseline any research format should beat.
 */
public final class CooMatrix implements SparseMatrix {
    private final int rows, cols;
    private final int[] rowIndex, colIndex;
    private final float[] values;

    private CooMatrix(int rows, int cols, int[] rowIndex, int[] colIndex, float[] values) {
        this.rows = rows;
        this.cols = cols;
        this.rowIndex = rowIndex;
        this.colIndex = colIndex;
        this.values = values;
    }

    /** The kept entries of a dense row-major {@code rows × cols} weight ({@code mask} null: every entry). */
    public static CooMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        int n = 0;
        for (int i = 0; i < rows * cols; i++) if (mask == null || mask[i]) n++;
        int[] r = new int[n], c = new int[n];
        float[] v = new float[n];
        int j = 0;
        for (int i = 0; i < rows * cols; i++) {
            if (mask != null && !mask[i]) continue;
            r[j] = i / cols;
            c[j] = i % cols;
            v[j++] = dense[i];
        }
        return new CooMatrix(rows, cols, r, c, v);
    }

    @Override public int rows() { return rows; }

    @Override public int cols() { return cols; }

    @Override public long nonZeros() { return values.length; }

    @Override public long byteSize() { return 4L * values.length * 3; }

    @Override public String format() { return CooFormat.NAME; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int i = 0; i < values.length; i++) d[rowIndex[i] * cols + colIndex[i]] = values[i];
        return d;
    }

    @Override public void multiplyVector(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu) {
        multiplyBatch(null, x, xOff, 1, y, yOff, bias, relu);
    }

    /** Single-threaded: triples are in row order, so each output is summed in one fixed order. */
    @Override public void multiplyBatch(Workers workers, float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu) {
        for (int i = 0; i < rows; i++) {
            float b = bias == null ? 0f : bias[i];
            for (int j = 0; j < batch; j++) y[yOff + i * batch + j] = 0f;
            int at = java.util.Arrays.binarySearch(rowIndex, i);
            if (at >= 0) {
                while (at > 0 && rowIndex[at - 1] == i) at--;
                for (; at < values.length && rowIndex[at] == i; at++) {
                    float w = values[at];
                    int xr = xOff + colIndex[at] * batch, yr = yOff + i * batch;
                    for (int j = 0; j < batch; j++) y[yr + j] += w * x[xr + j];
                }
            }
            for (int j = 0; j < batch; j++) {
                float v = y[yOff + i * batch + j] + b;
                y[yOff + i * batch + j] = relu ? Math.max(v, 0f) : v;
            }
        }
    }
}
