package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.kernels.PackedWeight;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense weight behind the same interface, so a layer (or {@link SparseSelector}) can pick
 * "dense" like any format. The weight is packed once, when the matrix is built, into the panel
 * layout of the SGEMM micro-kernel ({@link Gemm#prepackA}); products are the pre-packed
 * {@link Gemm#sgemm(Workers, PackedWeight, int, int, int, float, boolean, float[], int, int, float, float[], int, int)}
 * (a GEMV over the same panels for batch 1, memory-bandwidth bound on large layers), which
 * splits the work over the pool itself, followed by the bias and ReLU epilogue. No row-major
 * copy is kept: the packed panels are the only storage ({@link #toDense} unpacks them exactly).
 */
public final class DenseMatrix extends AbstractSparseMatrix implements SparseMatrix {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Rows per unit of the range kernels: one packed panel, so every range starts on a panel. */
    private static final int UNIT = PackedWeight.PANEL_ROWS;

    private final PackedWeight packed;

    private DenseMatrix(int rows, int cols, long nonZeros, PackedWeight packed) {
        super(rows, cols, nonZeros, Partition.of(unitWork(rows, cols)));
        this.packed = packed;
    }

    private static long[] unitWork(int rows, int cols) {
        long[] work = new long[(rows + UNIT - 1) / UNIT];
        java.util.Arrays.fill(work, (long) UNIT * cols);
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
        return new DenseMatrix(rows, cols, kept, Gemm.prepackA(false, rows, cols, w, 0, cols));
    }

    /** Bytes of the packed panels: 4·cols per row, rows rounded up to a whole panel of {@link PackedWeight#PANEL_ROWS}. */
    @Override public long byteSize() { return packed.byteSize(); }

    @Override public String format() { return "dense"; }

    @Override public float[] toDense() {
        float[] w = new float[rows * cols];
        packed.unpack(w, 0, cols);
        return w;
    }

    /** Whole-matrix GEMM (GEMV for batch 1) on {@code workers}: the dense kernel splits the work itself. */
    @Override public void multiplyBatch(Workers workers, float[] x, int xOff, int batch, float[] y, int yOff,
                                        float[] bias, boolean relu) {
        if (workers == null) throw new IllegalArgumentException("workers is null");
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        check(x, xOff, batch, y, yOff, bias);
        if (batch == 0 || rows == 0) return;
        product(workers, x, xOff, batch, false, y, yOff, bias, relu, 0, rows);
    }

    /**
     * {@link #multiplyBatch} with the activations sample-major: {@code x} holds {@code [batch, cols]}
     * (one sample after another, as a caller or a convolution leaves them), {@code y} is still
     * {@code [rows, batch]}. The GEMM packs the transposed operand as cheaply as the plain one, so
     * no transposed copy of the input is made.
     */
    public void multiplyBatchSampleMajor(Workers workers, float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu) {
        if (workers == null) throw new IllegalArgumentException("workers is null");
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        check(x, xOff, batch, y, yOff, bias); // [batch, cols] and [cols, batch] span the same floats
        if (batch == 0 || rows == 0) return;
        product(workers, x, xOff, batch, true, y, yOff, bias, relu, 0, rows);
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        product(Workers.single(), x, xOff, 1, false, y, yOff, bias, relu, u0 * UNIT, Math.min(rows, u1 * UNIT));
    }

    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        product(Workers.single(), x, xOff, n, false, y, yOff, bias, relu, u0 * UNIT, Math.min(rows, u1 * UNIT));
    }

    private void product(Workers workers, float[] x, int xOff, int n, boolean sampleMajor, float[] y, int yOff, float[] bias,
                         boolean relu, int r0, int r1) {
        if (r0 >= r1) return;
        if (cols == 0) {
            java.util.Arrays.fill(y, yOff + r0 * n, yOff + r1 * n, 0f);
        } else {
            Gemm.sgemm(workers, packed, r0, r1, n, 1f, sampleMajor, x, xOff, sampleMajor ? cols : n, 0f, y, yOff + r0 * n, n);
        }
        if (bias == null && !relu) return;
        // Bias and ReLU in place, written out here: a vector passed to a call that is not inlined is
        // boxed, and a masked load running past the end of y leaves the intrinsic (both allocate).
        for (int r = r0; r < r1; r++) {
            float b = bias == null ? 0f : bias[r];
            int at = yOff + r * n, j = 0;
            for (; j + L <= n; j += L) {
                FloatVector v = FloatVector.fromArray(S, y, at + j).add(b);
                if (relu) v = v.max(0f);
                v.intoArray(y, at + j);
            }
            for (; j < n; j++) {
                float v = y[at + j] + b;
                y[at + j] = relu ? Math.max(v, 0f) : v;
            }
        }
    }
}
