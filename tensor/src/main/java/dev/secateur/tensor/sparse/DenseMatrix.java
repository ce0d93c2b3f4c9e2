package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.kernels.DenseLayerKernels;
import dev.secateur.tensor.kernels.FeaturePanels;
import dev.secateur.tensor.kernels.PackedSgemm;
import dev.secateur.tensor.kernels.PackedWeight;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dense weight behind the same interface, so a layer (or {@link SparseSelector}) can pick
 * "dense" like any format. The weight is packed once, when the matrix is built, into the panel
 * layout of the SGEMM micro-kernel ({@link Gemm#prepackA}) and, where 32 vector registers hold
 * the layer kernels' tile, also transposed into {@link FeaturePanels}. Whole-layer products run
 * {@link DenseLayerKernels} (bias and ReLU fused into the stores, nothing packed per call): one
 * sample and sample-major batches over the feature panels, feature-major batches over the SGEMM
 * panels with the activations read in place; the columns of a feature-major batch that do not fill
 * a tile, row ranges, and platforms without the tile use the pre-packed
 * {@link Gemm#sgemm(Workers, PackedWeight, int, int, int, float, boolean, float[], int, int, float, float[], int, int)}
 * (a GEMV over the same panels for up to a few columns) followed by the bias and ReLU pass. Every
 * product splits its work over the pool itself. No row-major copy is kept ({@link #toDense}
 * unpacks the SGEMM panels exactly).
 */
public final class DenseMatrix extends AbstractSparseMatrix implements SparseMatrix {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final int L = S.length();

    /** Rows per unit of the range kernels: one packed panel, so every range starts on a panel. */
    private static final int UNIT = PackedWeight.PANEL_ROWS;

    private final PackedWeight packed;
    /** The transposed copy for one sample and for sample-major batches (null where the layer kernels do not run). */
    private final FeaturePanels panels;

    private DenseMatrix(int rows, int cols, long nonZeros, PackedWeight packed, FeaturePanels panels) {
        super(rows, cols, nonZeros, Partition.of(unitWork(rows, cols)));
        this.packed = packed;
        this.panels = panels;
    }

    /** Every weight, kept or not. */
    @Override
    public long multiplyAdds() {
        return (long) rows() * cols();
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
        FeaturePanels panels = DenseLayerKernels.GEMV ? FeaturePanels.pack(w, 0, rows, cols) : null;
        return new DenseMatrix(rows, cols, kept, Gemm.prepackA(false, rows, cols, w, 0, cols), panels);
    }

    /**
     * Bytes of the packed weight: the GEMM panels (4·cols per row, rows rounded up to a whole panel
     * of {@link PackedWeight#PANEL_ROWS}) plus, where the layer kernels run, the transposed feature panels.
     */
    @Override public long byteSize() { return packed.byteSize() + (panels == null ? 0 : panels.byteSize()); }

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
        if (panels != null && cols > 0 && r0 == 0 && r1 == rows && n == 1) {
            // One sample: bias and ReLU fused, no expanded copy of x (every width).
            DenseLayerKernels.gemv(workers, panels, x, xOff, bias, relu, y, yOff);
            return;
        }
        if (panels != null && cols > 0 && r0 == 0 && r1 == rows && DenseLayerKernels.SUPPORTED) {
            // Whole-layer batches: bias and ReLU fused, no per-call packing of the weight.
            if (sampleMajor && n > PackedSgemm.PACKED_GEMV_MAX_N) {
                DenseLayerKernels.sampleMajor(workers, panels, x, xOff, n, bias, relu, y, yOff);
                return;
            }
            if (!sampleMajor && n >= DenseLayerKernels.COLUMNS) {
                int main = n - n % DenseLayerKernels.COLUMNS;
                DenseLayerKernels.featureMajor(workers, packed, x, xOff, n, main, bias, relu, y, yOff);
                if (main == n) return;
                // The last columns (fewer than a tile) through the SGEMM, then the epilogue on them.
                Gemm.sgemm(workers, packed, 0, rows, n - main, 1f, false, x, xOff + main, n, 0f, y, yOff + main, n);
                epilogue(y, yOff, n, main, bias, relu, 0, rows);
                return;
            }
        }
        if (cols == 0) {
            java.util.Arrays.fill(y, yOff + r0 * n, yOff + r1 * n, 0f);
        } else {
            Gemm.sgemm(workers, packed, r0, r1, n, 1f, sampleMajor, x, xOff, sampleMajor ? cols : n, 0f, y, yOff + r0 * n, n);
        }
        epilogue(y, yOff, n, 0, bias, relu, r0, r1);
    }

    /** Bias and ReLU in place on columns {@code [j0, n)} of rows {@code [r0, r1)} of {@code y[rows, n]}. */
    private static void epilogue(float[] y, int yOff, int n, int j0, float[] bias, boolean relu, int r0, int r1) {
        if (bias == null && !relu) return;
        // Bias and ReLU in place, written out here: a vector passed to a call that is not inlined is
        // boxed, and a masked load running past the end of y leaves the intrinsic (both allocate).
        for (int r = r0; r < r1; r++) {
            float b = bias == null ? 0f : bias[r];
            int at = yOff + r * n, j = j0;
            for (; j + L <= n; j += L) {
                FloatVector v = FloatVector.fromArray(S, y, at + j).add(b);
                if (relu) v = FLOAT_MAX ? v.max(0f) : VectorMax.relu(v);
                v.intoArray(y, at + j);
            }
            for (; j < n; j++) {
                float v = y[at + j] + b;
                y[at + j] = relu ? Math.max(v, 0f) : v;
            }
        }
    }
}
