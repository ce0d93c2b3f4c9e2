package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense weight behind the same interface, so a layer (or {@link SparseSelector}) can pick
 * "dense" like any format. Products are our packed {@link Gemm#sgemm} (its GEMV path for batch 1,
 * memory-bandwidth bound on large layers), which splits the work over the pool itself, followed
 * by the bias and ReLU epilogue.
 */
public final class DenseMatrix extends AbstractSparseMatrix implements SparseMatrix {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    final float[] w;

    private DenseMatrix(int rows, int cols, long nonZeros, float[] w) {
        super(rows, cols, nonZeros, Partition.of(rowWork(rows, cols)));
        this.w = w;
    }

    private static long[] rowWork(int rows, int cols) {
        long[] work = new long[rows];
        java.util.Arrays.fill(work, cols);
        return work;
    }

    /** A copy of the dense row-major {@code rows×cols} weight. */
    public static DenseMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** A copy of the dense weight with the entries outside {@code mask} zeroed (null: as is). */
    public static DenseMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("dense", dense, rows, cols, mask);
        float[] w = new float[rows * cols];
        long kept = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (src.kept(r, c)) {
                    w[r * cols + c] = dense[r * cols + c];
                    kept++;
                }
            }
        }
        return new DenseMatrix(rows, cols, kept, w);
    }

    @Override public long byteSize() { return 4L * w.length; }

    @Override public String format() { return "dense"; }

    @Override public float[] toDense() { return w.clone(); }

    /** Whole-matrix GEMM (GEMV for batch 1) on {@code workers}: the dense kernel splits the work itself. */
    @Override public void multiplyBatch(Workers workers, float[] x, int xOff, int batch, float[] y, int yOff,
                                        float[] bias, boolean relu) {
        if (workers == null) throw new IllegalArgumentException("workers is null");
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        check(x, xOff, batch, y, yOff, bias);
        if (batch == 0 || rows == 0) return;
        product(workers, x, xOff, batch, y, yOff, bias, relu, 0, rows);
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        product(Workers.single(), x, xOff, 1, y, yOff, bias, relu, r0, r1);
    }

    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        product(Workers.single(), x, xOff, n, y, yOff, bias, relu, r0, r1);
    }

    private void product(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu,
                         int r0, int r1) {
        if (r0 >= r1) return;
        if (cols == 0) {
            java.util.Arrays.fill(y, yOff + r0 * n, yOff + r1 * n, 0f);
        } else {
            Gemm.sgemm(workers, false, false, r1 - r0, n, cols, 1f, w, r0 * cols, cols, x, xOff, n,
                    0f, y, yOff + r0 * n, n);
        }
        if (bias == null && !relu) return;
        for (int r = r0; r < r1; r++) {
            float b = bias == null ? 0f : bias[r];
            int at = yOff + r * n, j = 0;
            for (; j + L <= n; j += L) Epilogue.store(FloatVector.fromArray(S, y, at + j), b, relu, y, at + j);
            if (j < n) {
                VectorMask<Float> t = S.indexInRange(j, n);
                Epilogue.store(FloatVector.fromArray(S, y, at + j, t), b, relu, y, at + j, t);
            }
        }
    }
}
