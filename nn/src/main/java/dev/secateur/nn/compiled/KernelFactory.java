package dev.secateur.nn.compiled;

import dev.secateur.tensor.ops.ChannelVectorConv;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.ops.DenseConvolution;
import dev.secateur.tensor.ops.DirectConv;
import dev.secateur.tensor.ops.WinogradConv;
import dev.secateur.tensor.sparse.DenseMatrix;
import dev.secateur.tensor.sparse.DirectSparseConv;
import dev.secateur.tensor.sparse.FormatCost;
import dev.secateur.tensor.sparse.FormatPolicy;
import dev.secateur.tensor.sparse.Int8CsrMatrix;
import dev.secateur.tensor.sparse.SparseFormat;
import dev.secateur.tensor.sparse.SparseFormats;
import dev.secateur.tensor.sparse.SparseMatrix;
import dev.secateur.tensor.sparse.WeightPattern;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the candidate kernels for one layer's weight: the {@code M×K} row-major matrix with
 * pruned entries already zero (the kept pattern is the non-zero pattern). The matrix formats
 * worth timing come from {@link FormatPolicy} (shared with {@code SparseSelector}); this class
 * adds what only a layer knows: int8 CSR when the weights already are int8 codes times a per-row
 * scale (so int8 storage changes no result), the compacted dense layer when whole rows or columns
 * are empty, and for a pruned convolution the sparse direct convolution (an unpruned one runs its
 * dense direct kernel or Winograd, see {@link #cannotBeatDenseConvolution}; kernels over im2col
 * patches are timed only when named, see {@link #patchesCannotWin}). Of the matrix kernels only
 * the few {@link FormatCost} estimates close to the best are timed. A convolution's {@link Kernels#DENSE} kernel, the
 * baseline every other candidate must beat, is a register-blocked direct convolution: channels
 * in the lanes ({@link ChannelVectorConv}) where that suits the layer, else pixels in the lanes
 * ({@link DirectConv}) — see {@link DenseConvolution#forLayer}; im2col + GEMM on the dense weight
 * is the {@link Kernels#IM2COL} candidate. A 3×3 stride-1 convolution with at least 8 input
 * channels whose weight is dense enough ({@link #MIN_WINOGRAD_DENSITY}) also gets the {@link Kernels#WINOGRAD} candidate: its transformed
 * weight is dense whatever the pruning, so on a pruned layer it competes with the sparse kernels on fewer multiply-adds per weight. The system property {@code secateur.conv.dense}
 * ({@code im2col}, {@code direct} or {@code channels}) forces one dense kernel (to compare them).
 */
final class KernelFactory {
    /**
     * Below this density Winograd is not timed: it does 16/36 of the dense multiply-adds at about
     * the dense kernel's rate, and the sparse direct convolution, which runs far below that rate,
     * catches up only near a tenth of the weights kept (VGG's convolutions pruned to 1/12 ran
     * about as fast either way), so the two are timed against each other down to here.
     */
    static final double MIN_WINOGRAD_DENSITY = 0.05;

    private final float[] w;
    private final int rows, cols;
    private final float[] bias;
    private final boolean relu;
    private final long nonZeros;
    private final WeightPattern pattern;
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
        this.pattern = new WeightPattern(w, rows, cols, null, nz);
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

    /**
     * The kernels worth timing for products with {@code columns} activation columns, dense first:
     * the matrix formats {@link FormatPolicy} lets through (none when the weight is dense; for a
     * convolution none, see {@link #patchesCannotWin}), int8 CSR when the weights already are int8
     * codes, the compacted layer when rows or columns are empty, the direct convolution for a
     * convolution; of the matrix kernels only those {@link FormatCost} estimates close to the best.
     * {@code allowed} restricts all but dense; a caller that names kernels gets every one that
     * applies timed.
     */
    List<LinearKernel> candidates(Set<String> allowed, long columns) {
        int batch = (int) Math.min(Integer.MAX_VALUE, columns);
        boolean automatic = allowed == null;
        List<LinearKernel> out = new ArrayList<>();
        for (SparseFormat f : FormatPolicy.eligible(pattern, batch, allowed)) {
            if (f.name().equals(Kernels.DENSE)) {
                out.add(build(Kernels.DENSE, columns));
                continue;
            }
            if (automatic && patchesCannotWin()) continue;
            SparseMatrix m = f.build(w, rows, cols, null);
            if (FormatPolicy.worthTiming(f, m, pattern, batch)) out.add(full(f.name(), m));
        }
        for (String k : List.of(Kernels.IM2COL, Kernels.INT8_CSR, Kernels.COMPACT, Kernels.DIRECT, Kernels.WINOGRAD)) {
            if ((allowed == null || allowed.contains(k)) && applies(k, columns) && (!k.equals(Kernels.WINOGRAD) || winogradSuits())
                    && !cannotBeatDenseConvolution(k) && !(automatic && k.equals(Kernels.IM2COL) && patchesCannotWin())) {
                out.add(build(k, columns));
            }
        }
        return automatic ? estimatedContenders(out, columns) : out;
    }

    /**
     * Whether the sparse formats over im2col patches, and im2col + GEMM, are left out for this
     * layer: a convolution whose dense kernel is a direct one. The sparse direct convolution does
     * the same kept multiply-adds without building patches, and on every pruned LeNet-5 and VGG
     * layer, at batch 1 and 64, the patch kernels ran 1.4 to 8 times slower than the dense direct
     * kernel (docs/bench/compiled.md); timing them was most of a pruned convolution's first
     * compile. The compacted and int8 layers stay (they are what filter pruning and int8 codes are for).
     */
    private boolean patchesCannotWin() {
        return conv != null && blockedDense();
    }

    /**
     * The candidates worth timing by {@link FormatCost}: dense, the kernels it has no estimate
     * for, and the few matrix kernels estimated close to the best.
     */
    private static List<LinearKernel> estimatedContenders(List<LinearKernel> all, long columns) {
        return FormatCost.contenders(all,
                k -> k.matrix() == null || k.convolves() ? -1 : FormatCost.estimateNanos(k.matrix(), columns),
                k -> k.name().equals(Kernels.COMPACT)); // runs the dense kernel on a smaller matrix
    }

    /**
     * Whether {@code kernel} is one of the convolution's alternatives that lose to its dense direct
     * kernel when nothing is pruned: im2col + GEMM and the sparse direct convolution (one
     * broadcast multiply-add per weight) ran 1.0 to 7 times slower than it on every unpruned
     * LeNet-5 and VGG layer at 512, 256 and 128 bits and with SSE alone, and timing them is about
     * half of a first compile (their code has to be JIT-compiled first).
     */
    private boolean cannotBeatDenseConvolution(String kernel) {
        boolean alternative = kernel.equals(Kernels.IM2COL) || kernel.equals(Kernels.DIRECT);
        return alternative && conv != null && nonZeros == (long) rows * cols;
    }

    /** A hash of the weight bits (with the convolution shape): equal layers get equal keys. */
    String fingerprint() {
        return Integer.toHexString(java.util.Arrays.hashCode(w)) + (conv == null ? "" : ":" + conv);
    }

    /** The weight and its non-zero pattern, as the format policy sees it. */
    WeightPattern pattern() { return pattern; }

    /** Whether kernel {@code name} can represent this weight exactly and runs on this platform. */
    boolean applies(String name, long columns) {
        return switch (name) {
            case Kernels.INT8_CSR -> nonZeros > 0 && isInt8PerRow();
            case Kernels.COMPACT -> keptRows.length < rows || keptCols.length < cols;
            case Kernels.DIRECT -> conv != null; // also dense: on small images im2col can cost more
            case Kernels.IM2COL -> conv != null && blockedDense();
            case Kernels.WINOGRAD -> conv != null && WinogradConv.applies(conv);
            default -> {
                if (!SparseFormats.names().contains(name)) yield false;
                SparseFormat f = SparseFormats.named(name);
                yield f.runsHere() && f.suits(pattern, (int) Math.min(Integer.MAX_VALUE, columns));
            }
        };
    }

    /**
     * Whether Winograd is worth timing: dense enough ({@link #MIN_WINOGRAD_DENSITY}) and enough
     * input channels ({@link WinogradConv#suits}); it still applies, when forced, to any 3×3 stride-1 layer.
     */
    private boolean winogradSuits() {
        return density() >= MIN_WINOGRAD_DENSITY && WinogradConv.suits(conv);
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

    /** Builds kernel {@code name} for single-sample products; IAE when it does not apply. */
    LinearKernel build(String name) {
        return build(name, 1);
    }

    /** Builds kernel {@code name} for products with {@code columns} columns; IAE when it does not apply. */
    LinearKernel build(String name, long columns) {
        if (!applies(name, columns)) {
            throw new IllegalArgumentException("kernel '" + name + "' does not apply to this " + rows + "x" + cols + " weight (density "
                    + String.format("%.3f", density()) + ", " + columns + " columns) on this platform; known kernels: " + Kernels.ALL);
        }
        return switch (name) {
            case Kernels.INT8_CSR -> full(name, Int8CsrMatrix.from(w, rows, cols));
            case Kernels.COMPACT -> compact();
            case Kernels.DIRECT -> LinearKernel.direct(name, DirectSparseConv.from(conv, w), bias, relu);
            case Kernels.IM2COL -> full(name, DenseMatrix.from(w, rows, cols));
            case Kernels.WINOGRAD -> LinearKernel.blocked(name, WinogradConv.from(conv, w, 0), bias, relu, nonZeros);
            case Kernels.DENSE -> conv != null && blockedDense()
                    ? LinearKernel.blocked(name, denseConvolution(), bias, relu, nonZeros)
                    : full(name, DenseMatrix.from(w, rows, cols));
            default -> full(name, SparseFormats.named(name).build(w, rows, cols, null));
        };
    }

    /** Whether a convolution's dense kernel is a direct one (the default) rather than im2col + GEMM. */
    private static boolean blockedDense() {
        return !"im2col".equals(System.getProperty("secateur.conv.dense"));
    }

    /** The convolution's direct dense kernel: as {@code secateur.conv.dense} forces, else the one that suits the layer. */
    private DenseConvolution denseConvolution() {
        return switch (System.getProperty("secateur.conv.dense", "auto")) {
            case "direct" -> DirectConv.from(conv, w, 0);
            case "channels" -> ChannelVectorConv.from(conv, w, 0);
            default -> DenseConvolution.forLayer(conv, w, 0);
        };
    }

    private LinearKernel full(String name, SparseMatrix m) {
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
