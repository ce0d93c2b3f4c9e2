package dev.secateur.nn.compiled;

import dev.secateur.tensor.sparse.SparseFormats;
import java.util.List;
import java.util.stream.Stream;

/** Names of the kernels a compiled layer can use (as recorded in {@link KernelChoice} and files). */
public final class Kernels {
    private Kernels() {}

    /**
     * The dense baseline, always a candidate: our packed GEMM / GEMV on the full weight, for a
     * convolution a register-blocked direct convolution (channels or pixels in the lanes, see
     * {@code KernelFactory}).
     */
    public static final String DENSE = "dense";
    /** Compressed sparse rows (16-bit column deltas). */
    public static final String CSR = "csr";
    /** CSR in 1024-column panels with an aligned copy of each X panel (batched products of wide layers). */
    public static final String PCSR = "pcsr";
    /** Block-sparse rows, 4×1 blocks. */
    public static final String BSR4 = "bsr4x1";
    /** Block-sparse rows, 8×1 blocks. */
    public static final String BSR8 = "bsr8x1";
    /** Block-sparse rows, 16×1 blocks (one 512-bit vector per block). */
    public static final String BSR16 = "bsr16x1";
    /** 16-row bitmap groups (compress/expand). */
    public static final String BITMAP = "bitmap16";
    /** Sliced ELLPACK, 16-row slices (batch-1 gather kernel). */
    public static final String SELL = "sell16";
    /** SELL-16 in 64-column windows (batch-1 permute kernel, no gather). */
    public static final String WSELL = "wsell16";
    /** Windowed SELL over 8-row slices (batch 1 on 256-bit vectors). */
    public static final String WSELL8 = "wsell8";
    /** Windowed SELL over 4-row slices (batch 1 on 128-bit vectors). */
    public static final String WSELL4 = "wsell4";
    /** CSR with 4-byte columns, rows padded to whole vectors (batch-1 gather kernel where gathers are SIMD instructions). */
    public static final String GCSR = "gcsr";
    /** 2:4 structured sparsity (only when the mask is 2:4). */
    public static final String NM24 = "nm2:4";
    /** 1:4 structured sparsity (only when the mask is 1:4). */
    public static final String NM14 = "nm1:4";
    /** CSR with int8 weights and a per-row scale (only when the weights already are int8 per row). */
    public static final String INT8_CSR = "int8csr";
    /** Direct sparse convolution (convolutions only): no im2col, CSR over filters with input offsets. */
    public static final String DIRECT = "direct";
    /** Convolutions only: im2col + our packed GEMM on the dense weight (a convolution's dense kernel is the direct one). */
    public static final String IM2COL = "im2col";
    /**
     * Convolutions only: Winograd F(2×2, 3×3) on the dense weight (3×3 stride-1 layers), 16
     * multiply-adds per 2×2 output tile and channel pair instead of 36.
     */
    public static final String WINOGRAD = "winograd";
    /** Dense GEMM on the smaller matrix left after removing empty rows / columns (structured pruning). */
    public static final String COMPACT = "compact";

    /** Every kernel name: the registered matrix formats, then the compacted layer, the direct convolution, im2col + GEMM, Winograd. */
    public static final List<String> ALL = Stream.concat(SparseFormats.names().stream(), Stream.of(COMPACT, DIRECT, IM2COL, WINOGRAD)).toList();
}
