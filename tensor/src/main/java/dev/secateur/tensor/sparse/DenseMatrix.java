package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense weight behind the same interface, so a layer (or {@link SparseSelector}) can pick
 * "dense" like any format. Batch 1 is a Vector API GEMV (four rows at a time share each load of
 * x; memory-bandwidth bound on large layers); batch N calls {@link Gemm#sgemm} on each thread's
 * row slab, then applies bias and ReLU.
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

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        int k = cols;
        int r = r0;
        for (; r + 3 < r1; r += 4) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int o0 = r * k, o1 = o0 + k, o2 = o1 + k, o3 = o2 + k;
            int c = 0;
            for (; c + L <= k; c += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xOff + c);
                a0 = FloatVector.fromArray(S, w, o0 + c).fma(xv, a0);
                a1 = FloatVector.fromArray(S, w, o1 + c).fma(xv, a1);
                a2 = FloatVector.fromArray(S, w, o2 + c).fma(xv, a2);
                a3 = FloatVector.fromArray(S, w, o3 + c).fma(xv, a3);
            }
            if (c < k) {
                VectorMask<Float> t = S.indexInRange(c, k);
                FloatVector xv = FloatVector.fromArray(S, x, xOff + c, t);
                a0 = FloatVector.fromArray(S, w, o0 + c, t).fma(xv, a0);
                a1 = FloatVector.fromArray(S, w, o1 + c, t).fma(xv, a1);
                a2 = FloatVector.fromArray(S, w, o2 + c, t).fma(xv, a2);
                a3 = FloatVector.fromArray(S, w, o3 + c, t).fma(xv, a3);
            }
            y[yOff + r] = Epilogue.scalar(a0.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), bias, r, relu);
            y[yOff + r + 1] = Epilogue.scalar(a1.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), bias, r + 1, relu);
            y[yOff + r + 2] = Epilogue.scalar(a2.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), bias, r + 2, relu);
            y[yOff + r + 3] = Epilogue.scalar(a3.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), bias, r + 3, relu);
        }
        for (; r < r1; r++) {
            FloatVector a0 = FloatVector.zero(S);
            int o0 = r * k, c = 0;
            for (; c + L <= k; c += L) {
                a0 = FloatVector.fromArray(S, w, o0 + c).fma(FloatVector.fromArray(S, x, xOff + c), a0);
            }
            if (c < k) {
                VectorMask<Float> t = S.indexInRange(c, k);
                a0 = FloatVector.fromArray(S, w, o0 + c, t).fma(FloatVector.fromArray(S, x, xOff + c, t), a0);
            }
            y[yOff + r] = Epilogue.scalar(a0.reduceLanes(jdk.incubator.vector.VectorOperators.ADD), bias, r, relu);
        }
    }

    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        int m = r1 - r0;
        if (cols == 0) {
            java.util.Arrays.fill(y, yOff + r0 * n, yOff + r1 * n, 0f);
        } else {
            Gemm.sgemm(Workers.single(), false, false, m, n, cols, 1f, w, r0 * cols, cols, x, xOff, n,
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
