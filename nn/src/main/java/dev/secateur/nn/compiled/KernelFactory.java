package dev.secateur.nn.compiled;

import dev.secateur.tensor.sparse.BitmapMatrix;
import dev.secateur.tensor.sparse.BsrMatrix;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.sparse.CsrMatrix;
import dev.secateur.tensor.sparse.DenseMatrix;
import dev.secateur.tensor.sparse.DirectSparseConv;
import dev.secateur.tensor.sparse.Int8CsrMatrix;
import dev.secateur.tensor.sparse.NmMatrix;
import dev.secateur.tensor.sparse.PanelCsrMatrix;
import dev.secateur.tensor.sparse.SellMatrix;
import dev.secateur.tensor.sparse.WindowedSellMatrix;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the candidate kernels for one layer's weight: the {@code M×K} row-major matrix with
 * pruned entries already zero (the kept pattern is the non-zero pattern). Knows which kernels
 * apply: SELL formats only at density ≤ 0.5 (their row padding grows with density), N:M only when the pattern is N:M, int8 only when the weights already are int8 codes
 * times a per-row scale (so int8 storage changes no result), the compacted dense layer only
 * when whole rows or columns are empty, block formats only when their padding stays under 3×
 * the kept weights, the direct convolution for every convolution at any density (on small
 * images it can beat im2col + GEMM even unpruned).
 */
final class KernelFactory {
    private final float[] w;
    private final int rows, cols;
    private final float[] bias;
    private final boolean relu;
    private final long nonZeros;
    private final int[] keptRows, keptCols;
    /** The convolution this weight belongs to (null for a dense layer). */
    private final ConvGeometry conv;

    KernelFactory(float[] w, int rows, int cols, float[] bias, boolean relu) {
        this(w, rows, cols, bias, relu, null);
    }

    KernelFactory(float[] w, int rows, int cols, float[] bias, boolean relu, ConvGeometry conv) {
        this.conv = conv;
        this.w = w;
        this.rows = rows;
        this.cols = cols;
        this.bias = bias;
        this.relu = relu;
        long nz = 0;
        boolean[] rowUsed = new boolean[rows], colUsed = new boolean[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (w[r * cols + c] != 0f) {
                    nz++;
                    rowUsed[r] = true;
                    colUsed[c] = true;
                }
            }
        }
        this.nonZeros = nz;
        this.keptRows = indices(rowUsed);
        this.keptCols = indices(colUsed);
    }

    private static int[] indices(boolean[] used) {
        int n = 0;
        for (boolean u : used) if (u) n++;
        int[] idx = new int[n];
        for (int i = 0, j = 0; i < used.length; i++) if (used[i]) idx[j++] = i;
        return idx;
    }

    long nonZeros() { return nonZeros; }

    double density() { return rows == 0 || cols == 0 ? 0 : (double) nonZeros / ((long) rows * cols); }

    /** Names of the kernels that apply to this weight, dense first, filtered by {@code allowed}. */
    List<String> candidates(java.util.Set<String> allowed) {
        List<String> names = new ArrayList<>();
        names.add(Kernels.DENSE);
        for (String k : List.of(Kernels.CSR, Kernels.PCSR, Kernels.BSR4, Kernels.BSR8, Kernels.BITMAP, Kernels.SELL, Kernels.WSELL, Kernels.NM24, Kernels.NM14,
                Kernels.INT8_CSR, Kernels.COMPACT, Kernels.DIRECT)) {
            if ((allowed == null || allowed.contains(k)) && applies(k)) names.add(k);
        }
        return names;
    }

    /** Whether kernel {@code name} can represent this weight exactly. */
    boolean applies(String name) {
        return switch (name) {
            case Kernels.DENSE, Kernels.CSR, Kernels.BITMAP -> true;
            case Kernels.PCSR -> PanelCsrMatrix.worthTrying(cols) && density() <= 0.5; // wide, sparse layers
            case Kernels.SELL, Kernels.WSELL -> density() <= 0.5; // row-padded slices: only for sparse weights
            case Kernels.BSR4 -> blockPaddingOk(4);
            case Kernels.BSR8 -> blockPaddingOk(8);
            case Kernels.NM24 -> NmMatrix.satisfies(w, rows, cols, null, 2, 4) && !NmMatrix.satisfies(w, rows, cols, null, 1, 4);
            case Kernels.NM14 -> NmMatrix.satisfies(w, rows, cols, null, 1, 4);
            case Kernels.INT8_CSR -> nonZeros > 0 && isInt8PerRow();
            case Kernels.COMPACT -> keptRows.length < rows || keptCols.length < cols;
            case Kernels.DIRECT -> conv != null; // also dense: on small images im2col can cost more
            default -> false;
        };
    }

    private boolean blockPaddingOk(int r) {
        long blocks = 0;
        for (int br = 0; br * r < rows; br++) {
            for (int c = 0; c < cols; c++) {
                for (int i = br * r; i < Math.min(rows, br * r + r); i++) {
                    if (w[i * cols + c] != 0f) {
                        blocks++;
                        break;
                    }
                }
            }
        }
        return blocks * r <= 3 * Math.max(1, nonZeros);
    }

    /** True when every row is {@code q·scale} with integer {@code |q| ≤ 127} and {@code scale = max|w|/127}. */
    private boolean isInt8PerRow() {
        for (int r = 0; r < rows; r++) {
            float max = 0f;
            for (int c = 0; c < cols; c++) max = Math.max(max, Math.abs(w[r * cols + c]));
            if (max == 0f) continue;
            float scale = max / 127f;
            for (int c = 0; c < cols; c++) {
                float q = w[r * cols + c] / scale;
                if (Math.abs(q - Math.round(q)) > 1e-3f) return false;
            }
        }
        return true;
    }

    /** Builds kernel {@code name}; IAE when it does not apply. */
    LinearKernel build(String name) {
        if (!applies(name)) {
            throw new IllegalArgumentException("kernel '" + name + "' does not apply to this " + rows + "x" + cols + " weight (density "
                    + String.format("%.3f", density()) + "); known kernels: " + Kernels.ALL);
        }
        return switch (name) {
            case Kernels.DENSE -> full(name, DenseMatrix.from(w, rows, cols));
            case Kernels.CSR -> full(name, CsrMatrix.from(w, rows, cols));
            case Kernels.PCSR -> full(name, PanelCsrMatrix.from(w, rows, cols));
            case Kernels.BSR4 -> full(name, BsrMatrix.from(w, rows, cols, 4));
            case Kernels.BSR8 -> full(name, BsrMatrix.from(w, rows, cols, 8));
            case Kernels.BITMAP -> full(name, BitmapMatrix.from(w, rows, cols));
            case Kernels.SELL -> full(name, SellMatrix.from(w, rows, cols));
            case Kernels.WSELL -> full(name, WindowedSellMatrix.from(w, rows, cols));
            case Kernels.NM24 -> full(name, NmMatrix.from(w, rows, cols, 2, 4));
            case Kernels.NM14 -> full(name, NmMatrix.from(w, rows, cols, 1, 4));
            case Kernels.INT8_CSR -> full(name, Int8CsrMatrix.from(w, rows, cols));
            case Kernels.COMPACT -> compact();
            case Kernels.DIRECT -> LinearKernel.direct(name, DirectSparseConv.from(conv, w), bias, relu);
            default -> throw new IllegalArgumentException("unknown kernel '" + name + "'; known: " + Kernels.ALL);
        };
    }

    private LinearKernel full(String name, dev.secateur.tensor.sparse.SparseMatrix m) {
        return new LinearKernel(name, m, rows, cols, null, null, bias, relu, nonZeros);
    }

    /** The smaller dense matrix over the non-empty rows and columns. */
    private LinearKernel compact() {
        float[] small = new float[keptRows.length * keptCols.length];
        for (int i = 0; i < keptRows.length; i++) {
            for (int j = 0; j < keptCols.length; j++) small[i * keptCols.length + j] = w[keptRows[i] * cols + keptCols[j]];
        }
        DenseMatrix m = DenseMatrix.from(small, keptRows.length, keptCols.length);
        return new LinearKernel(Kernels.COMPACT, m, rows, cols, keptRows.length < rows ? keptRows : null,
                keptCols.length < cols ? keptCols : null, bias, relu, nonZeros);
    }
}
