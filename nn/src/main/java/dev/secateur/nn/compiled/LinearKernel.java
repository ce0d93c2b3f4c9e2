package dev.secateur.nn.compiled;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.kernels.Transposes;
import dev.secateur.tensor.ops.DenseConvolution;
import dev.secateur.tensor.sparse.DenseMatrix;
import dev.secateur.tensor.sparse.DirectSparseConv;
import dev.secateur.tensor.sparse.PanelCsrMatrix;
import dev.secateur.tensor.sparse.SparseMatrix;

/**
 * One way to compute {@code Y = act(W·X + b)} for a layer's {@code M×K} weight with activations
 * laid out {@code [K, cols]} / {@code [M, cols]} (the sparse batched layout): a {@link SparseMatrix}
 * (dense, CSR, BSR, bitmap, N:M, int8), optionally over a compacted weight — only the rows
 * (outputs) and columns (inputs) that structured pruning left non-empty. A removed output row
 * is the constant {@code act(b[r])}; removed inputs are skipped (the convolution's im2col does not
 * even build them, see {@link #keptCols()}). A convolution may instead hold a
 * {@link DirectSparseConv} (no matrix, no im2col) or a dense register-blocked
 * {@link DenseConvolution} (both can fuse a following 2×2 max pooling), run by {@link #convolve}.
 */
final class LinearKernel {
    private final String name;
    private final SparseMatrix matrix;
    private final DirectSparseConv direct;
    private final DenseConvolution blocked;
    private final int rows, cols;
    private final int[] keptRows, keptCols;
    private final int[] removedRows;
    private final float[] bias, removedValues;
    private final boolean relu;
    private final long nonZeros;

    /**
     * @param keptRows output rows the matrix computes (null: all, and the matrix is M×K)
     * @param keptCols input columns the matrix reads (null: all)
     * @param bias     full-length bias (M), copied
     */
    LinearKernel(String name, SparseMatrix matrix, int rows, int cols, int[] keptRows, int[] keptCols, float[] bias,
                 boolean relu, long nonZeros) {
        this(name, matrix, null, null, rows, cols, keptRows, keptCols, bias, relu, nonZeros);
    }

    /** A direct sparse convolution over the layer's full {@code [outC, inC·kH·kW]} weight. */
    static LinearKernel direct(String name, DirectSparseConv conv, float[] bias, boolean relu) {
        return new LinearKernel(name, null, conv, null, conv.geometry().outC(), conv.geometry().colRows(), null, null, bias, relu,
                conv.nonZeros());
    }

    /** A dense register-blocked direct convolution over the layer's full weight. */
    static LinearKernel blocked(String name, DenseConvolution conv, float[] bias, boolean relu, long nonZeros) {
        return new LinearKernel(name, null, null, conv, conv.geometry().outC(), conv.geometry().colRows(), null, null, bias, relu,
                nonZeros);
    }

    private LinearKernel(String name, SparseMatrix matrix, DirectSparseConv direct, DenseConvolution blocked, int rows, int cols, int[] keptRows,
                         int[] keptCols, float[] bias, boolean relu, long nonZeros) {
        this.name = name;
        this.matrix = matrix;
        this.direct = direct;
        this.blocked = blocked;
        this.rows = rows;
        this.cols = cols;
        this.keptRows = keptRows;
        this.keptCols = keptCols;
        this.relu = relu;
        this.nonZeros = nonZeros;
        if (keptRows == null) {
            this.bias = bias.clone();
            this.removedRows = new int[0];
            this.removedValues = new float[0];
        } else {
            this.bias = new float[keptRows.length];
            for (int i = 0; i < keptRows.length; i++) this.bias[i] = bias[keptRows[i]];
            boolean[] kept = new boolean[rows];
            for (int r : keptRows) kept[r] = true;
            this.removedRows = new int[rows - keptRows.length];
            this.removedValues = new float[removedRows.length];
            for (int r = 0, j = 0; r < rows; r++) {
                if (kept[r]) continue;
                removedRows[j] = r;
                removedValues[j++] = relu ? Math.max(0f, bias[r]) : bias[r];
            }
        }
        if (matrix != null && (matrix.rows() != (keptRows == null ? rows : keptRows.length) || matrix.cols() != (keptCols == null ? cols : keptCols.length))) {
            throw new IllegalArgumentException("kernel " + name + ": matrix " + matrix.rows() + "x" + matrix.cols()
                    + " does not match the kept rows/columns of " + rows + "x" + cols);
        }
    }

    String name() { return name; }

    SparseMatrix matrix() { return matrix; }

    /** Whether the kernel convolves images itself ({@link #convolve}) instead of multiplying im2col patches. */
    boolean convolves() { return direct != null || blocked != null; }

    /** For a dense direct convolution: the key and the cheap call of its JIT warm-up (else null). */
    String warmKey() { return blocked == null ? null : blocked.warmKey(); }

    Runnable warmProxy() { return blocked == null ? null : blocked.warmProxy(); }

    /** Whether {@link #convolve} can apply the following 2×2 stride-2 max pooling itself. */
    boolean poolsItself() { return blocked != null || direct != null; }

    /** Input columns the kernel reads, in order (null: all K). */
    int[] keptCols() { return keptCols; }

    /** Multiply-adds one activation column costs at least (the dense kernels multiply every weight). */
    long multiplyAdds() {
        if (matrix != null) return matrix.multiplyAdds();
        return blocked != null ? (long) rows * cols : nonZeros;
    }

    /** Weights stored as kept (structurally non-zero) in the original M×K matrix. */
    long nonZeros() { return nonZeros; }

    /** Floats of scratch {@link #apply} needs for {@code n} activation columns. */
    int scratchSize(int n, boolean inputCompacted) {
        int s = 0;
        if (keptRows != null) s += keptRows.length * n;
        if (keptCols != null && !inputCompacted) s += keptCols.length * n;
        return s;
    }

    /**
     * {@code y[M, n] = act(W·x + b)}. {@code x} holds {@code [K, n]}, or only the kept columns'
     * rows {@code [keptCols, n]} when {@code inputCompacted}. {@code scratch} has at least
     * {@link #scratchSize} floats from {@code s}.
     */
    void apply(Workers workers, float[] x, int xOff, boolean inputCompacted, int n, float[] y, int yOff, float[] scratch, int s) {
        if (matrix == null) throw new IllegalStateException("kernel " + name + " is a direct convolution: use convolve");
        if (keptCols != null && !inputCompacted) {
            for (int i = 0; i < keptCols.length; i++) System.arraycopy(x, xOff + keptCols[i] * n, scratch, s + i * n, n);
            x = scratch;
            xOff = s;
            s += keptCols.length * n;
        }
        if (keptRows == null) {
            matrix.multiplyBatch(workers, x, xOff, n, y, yOff, bias, relu);
            return;
        }
        matrix.multiplyBatch(workers, x, xOff, n, scratch, s, bias, relu);
        for (int i = 0; i < keptRows.length; i++) System.arraycopy(scratch, s + i * n, y, yOff + keptRows[i] * n, n);
        for (int j = 0; j < removedRows.length; j++) {
            int at = yOff + removedRows[j] * n;
            java.util.Arrays.fill(y, at, at + n, removedValues[j]);
        }
    }

    /**
     * Whether {@link #applySampleMajor} reads a sample-major input without a transposed copy (the
     * plain dense kernel and panel CSR).
     */
    boolean readsSampleMajor() {
        return (matrix instanceof DenseMatrix || matrix instanceof PanelCsrMatrix) && keptRows == null && keptCols == null;
    }

    /** Floats of scratch {@link #applySampleMajor} needs for {@code n} samples. */
    int scratchSizeSampleMajor(int n) {
        if (n == 1) return scratchSize(1, false);
        return readsSampleMajor() ? 0 : cols * n + scratchSize(n, false);
    }

    /**
     * {@link #apply} with {@code x} sample-major ({@code [n, K]}); {@code y} is still {@code [M, n]}.
     * The plain dense kernel and panel CSR read it as it is; the others get a transposed copy in the scratch.
     */
    void applySampleMajor(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, float[] scratch, int s) {
        if (n == 1) {
            apply(workers, x, xOff, false, 1, y, yOff, scratch, s);
        } else if (readsSampleMajor()) {
            if (matrix instanceof PanelCsrMatrix p) p.multiplyBatchSampleMajor(workers, x, xOff, n, y, yOff, bias, relu);
            else ((DenseMatrix) matrix).multiplyBatchSampleMajor(workers, x, xOff, n, y, yOff, bias, relu);
        } else {
            Transposes.matrix(x, xOff, n, cols, scratch, s);
            apply(workers, scratch, s, false, n, y, yOff, scratch, s + cols * n);
        }
    }

    /**
     * {@code y = act(conv(x, W) + b)} for {@code n} CHW images with a direct convolution, 2×2
     * max-pooled when {@code pool}; its workspace from worker 0's scratch.
     */
    void convolve(Workers workers, float[] x, int xOff, int n, float[] y, int yOff, boolean pool, Workspace ws) {
        if (blocked != null) {
            float[] s = ws.scratch(0, blocked.workspaceFloats(workers.threads()));
            blocked.forward(workers, x, xOff, n, y, yOff, bias, relu, pool, s, 0);
            return;
        }
        float[] s = ws.scratch(0, direct.workspaceFloats(workers.threads()));
        direct.forward(workers, x, xOff, n, y, yOff, bias, relu, pool, s, 0);
    }
}
