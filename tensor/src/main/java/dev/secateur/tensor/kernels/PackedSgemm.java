package dev.secateur.tensor.kernels;

import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.NR;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.GemmBlocking;
import dev.secateur.tensor.platform.VectorPlatform;
import java.util.Arrays;

/**
 * BLIS/Goto-style SGEMM, row-major, {@code C = alpha·op(A)·op(B) + beta·C}. Arguments are
 * validated by {@link dev.secateur.tensor.Gemm}. The five loops around the micro-kernel:
 * <pre>
 *   jc: NC columns of C      (B block KC×NC packed once, kept in L3)
 *    pc: KC of the K range   (one rank-KC update; beta applies to the first only)
 *     ic: MC rows of C       (A block MC×KC packed, kept in L2)
 *      jr: NR columns        (one B micro-panel KC×NR, reused by the tiles down the block)
 *       ir: MR rows          (the {@link SgemmMicroKernel} MR×NR register tile)
 * </pre>
 * With several threads ({@link SgemmTask}) the B block is packed once and shared, and threads
 * take MC-row blocks of C from a queue. Every C element is still computed by one thread, in the
 * same K order and with the same micro-kernel, so results are identical for any thread count.
 * Shapes with n == 1 or m == 1 go to the bandwidth-bound {@link SgemvKernel}.
 *
 * <p>A constant A can be packed once ({@link PackedWeight}); the products with it run the same
 * loops without packing A (same K split, same micro-kernel, so the same bits), and up to
 * {@link #PACKED_GEMV_MAX_N} columns read the packed panels directly ({@link PackedSgemv}).
 */
public final class PackedSgemm {
    /** K depth of a packed block: see {@link GemmBlocking#kc()}. */
    static final int KC = VectorPlatform.GEMM.kc();
    /** Rows of a packed A block (L2): MC×KC floats stay in L2 beside the B micro-panels; a multiple of MR. */
    static final int MC = VectorPlatform.GEMM.mc();
    /** Columns of a packed B block (L3): KC×NC floats, one block shared by all threads, stay in L3. */
    static final int NC = VectorPlatform.GEMM.nc();
    /**
     * C columns per jc block are cut further so that the m×nc block of C (updated once per K block)
     * stays in L3 between its K passes: at most this many bytes (a quarter of L3, at most 8 MiB).
     */
    static final long C_BLOCK_BYTES = VectorPlatform.GEMM.cBlockBytes();
    /**
     * The order of the tiles inside a macro-kernel: 0 walks down the columns of C (one B
     * micro-panel at a time); otherwise along its rows when the block is wider than tall in
     * tiles, over blocks of B micro-panels of at most this many bytes (L2). See {@link GemmBlocking#rowWalkBytes()}.
     */
    static final long ROW_WALK_BYTES = VectorPlatform.GEMM.rowWalkBytes();
    /** MR-row strips that walk along C together, sharing each B micro-panel. */
    private static final int ROW_WALK_STRIPS = GemmBlocking.ROW_WALK_STRIPS;
    /** Fewest columns per jc block: each one re-packs A, so thinner blocks cost more packing than they save. */
    static final int NC_MIN = GemmBlocking.NC_MIN;
    /**
     * Below this many multiply-adds (about 160³, some 20 µs on one core) a call runs on the calling
     * thread: waking a parked worker, or waiting for one that another process holds off the CPU,
     * costs more than the work saved (measured: 128³ took 0.17 ms on two threads, 0.04 ms on one).
     */
    static final long PARALLEL_MIN_MACS = 1L << 22;
    /**
     * Pre-packed A times at most this many columns runs as a multi-column GEMV over the packed
     * panels ({@link PackedSgemv}: each weight read once, one FMA per column), not as full MR×NR
     * tiles that would be mostly padding. Measured (docs/bench/gemm.md): 2.5× faster at n = 2,
     * 1.5–2.3× at n = 4, even with the tiles at n = 8, slower from there.
     */
    public static final int PACKED_GEMV_MAX_N = 6;
    /** ... and only while the expanded columns (n·MR·k floats) stay a modest buffer: 16 Mi floats. */
    static final long PACKED_GEMV_MAX_X = 1L << 24;
    /** GEMV: below this many matrix elements a call runs on the calling thread. */
    static final long PARALLEL_MIN_GEMV = 1L << 17;

    private static final ThreadLocal<SgemmTask> GEMM_TASKS = ThreadLocal.withInitial(SgemmTask::new);
    private static final ThreadLocal<SgemvTask> GEMV_TASKS = ThreadLocal.withInitial(SgemvTask::new);
    private static final ThreadLocal<PackedSgemvTask> PACKED_GEMV_TASKS = ThreadLocal.withInitial(PackedSgemvTask::new);

    private PackedSgemm() {}

    /** {@code C = alpha·op(A)·op(B) + beta·C} on {@code workers}; arguments already validated. */
    public static void sgemm(Workers workers, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (n == 1) {
            // y (m) = op(A)·x, x = column 0 of op(B); A stored m×k is the dot form.
            int incx = transB ? 1 : ldb;
            gemv(workers, !transA, m, k, alpha, a, aOff, lda, b, bOff, incx, beta, c, cOff, ldc);
            return;
        }
        if (m == 1) {
            // yᵀ (n) = op(B)ᵀ·x, x = row 0 of op(A); B stored n×k (transB) is the dot form.
            int incx = transA ? lda : 1;
            gemv(workers, transB, n, k, alpha, b, bOff, ldb, a, aOff, incx, beta, c, cOff, 1);
            return;
        }
        int threads = (long) m * n * k < PARALLEL_MIN_MACS ? 1 : workers.threads();
        if (threads == 1) {
            blocked(SgemmWorkspace.get(), transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc);
            return;
        }
        SgemmTask task = GEMM_TASKS.get();
        task.set(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        try {
            workers.forEach(threads, task);
        } finally {
            task.clear();
        }
    }

    /**
     * {@code C = alpha·A[i0..i1)·op(B) + beta·C} with A pre-packed: C is (i1−i0)×n, its row 0 is
     * A's row {@code i0} (a multiple of {@link PackedWeight#PANEL_ROWS}), op(B) is k×n. Arguments
     * already validated.
     */
    public static void sgemm(Workers workers, PackedWeight a, int i0, int i1, int n, float alpha, boolean transB,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int m = i1 - i0, k = a.k;
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (n <= PACKED_GEMV_MAX_N && (long) n * PackedSgemv.stride(k) <= PACKED_GEMV_MAX_X) {
            // B element (p, j): stored k×n at p·ldb + j, or n×k (transB) at j·ldb + p.
            packedGemv(workers, a, i0, i1, n, alpha, b, bOff, transB ? 1 : ldb, transB ? ldb : 1, beta, c, cOff, ldc);
            return;
        }
        int threads = (long) m * n * k < PARALLEL_MIN_MACS ? 1 : workers.threads();
        if (threads == 1) {
            blockedPacked(SgemmWorkspace.get(), a, i0, i1, n, alpha, transB, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        SgemmTask task = GEMM_TASKS.get();
        task.setPacked(threads, a, i0, transB, m, n, alpha, b, bOff, ldb, beta, c, cOff, ldc);
        try {
            workers.forEach(threads, task);
        } finally {
            task.clear();
        }
    }

    /**
     * Y (rows [i0, i1) of A × n columns, row stride ldy) = alpha·A·X + beta·Y from the packed
     * panels; X element (p, j) at {@code x[xOff + p·rowStep + j·colStep]}.
     */
    private static void packedGemv(Workers workers, PackedWeight a, int i0, int i1, int n, float alpha,
                                   float[] x, int xOff, int rowStep, int colStep, float beta, float[] y, int yOff, int ldy) {
        SgemmWorkspace ws = SgemmWorkspace.get();
        // Each column padded like the panels, so masked tail loads never run past the end of the array.
        float[] xe = ws.vector(n * PackedSgemv.stride(a.k));
        PackedSgemv.expand(x, xOff, rowStep, colStep, a.k, n, xe);
        int threads = (long) (i1 - i0) * a.k < PARALLEL_MIN_GEMV ? 1 : workers.threads();
        if (threads == 1) {
            float[] acc = ws.accumulator(PackedSgemv.ACC * n * ceilDiv(i1 - i0, MR));
            PackedSgemv.rows(a, i0, i1, i0, xe, n, alpha, beta, y, yOff, ldy, acc);
            return;
        }
        PackedSgemvTask call = PACKED_GEMV_TASKS.get();
        call.set(threads, a, i0, i1, xe, n, alpha, beta, y, yOff, ldy);
        try {
            workers.forEach(call.parts, call);
        } finally {
            call.clear();
        }
    }

    /** The loops of {@link #blocked} for a pre-packed A on one thread: only B is packed. */
    private static void blockedPacked(SgemmWorkspace ws, PackedWeight a, int i0, int i1, int n, float alpha,
                                      boolean transB, float[] b, int bOff, int ldb, float beta,
                                      float[] c, int cOff, int ldc) {
        int k = a.k, kcMax = a.kcMax;
        int ncStep = ncStep(i1 - i0);
        float[] pb = ws.packedB(roundUp(Math.min(ncStep, n), NR) * kcMax);
        for (int jc = 0; jc < n; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                SgemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb, 0);
                float betaHere = pc == 0 ? beta : 1f;
                int block = a.blockOffset(pc);
                // MC is a multiple of MR, so every row block starts on a panel.
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    macroKernel(ws, mc, nc, kc, a.panels, block + ic * kc, pb, 0, alpha, betaHere,
                            c, cOff + (ic - i0) * ldc + jc, ldc);
                }
            }
        }
    }

    /**
     * y = alpha·M·x + beta·y with M rows×len; {@code dotForm}: M row i at {@code mat[mOff + i·ldm]}
     * (contiguous), else M[i][p] at {@code mat[mOff + p·ldm + i]}; x[p] at {@code x[xOff + p·incx]}.
     */
    private static void gemv(Workers workers, boolean dotForm, int rows, int len, float alpha,
                             float[] mat, int mOff, int ldm, float[] x, int xOff, int incx,
                             float beta, float[] y, int yOff, int incy) {
        SgemmWorkspace ws = SgemmWorkspace.get();
        float[] xs = ws.vector(len);
        if (incx == 1) {
            System.arraycopy(x, xOff, xs, 0, len);
        } else {
            for (int p = 0; p < len; p++) xs[p] = x[xOff + p * incx];
        }
        int threads = (long) rows * len < PARALLEL_MIN_GEMV ? 1 : workers.threads();
        if (threads == 1) {
            if (dotForm) {
                SgemvKernel.dotRows(mat, mOff, ldm, 0, rows, len, xs, alpha, beta, y, yOff, incy, ws.tile);
            } else {
                SgemvKernel.axpyColumns(mat, mOff, ldm, 0, rows, len, xs, alpha, beta, y, yOff, incy, ws.accumulator(rows));
            }
            return;
        }
        SgemvTask call = GEMV_TASKS.get();
        call.set(threads, dotForm, rows, len, alpha, mat, mOff, ldm, xs, beta, y, yOff, incy);
        try {
            workers.forEach(call.parts, call);
        } finally {
            call.clear();
        }
    }

    /** Runs the five loops for the C block rows [i0, i1) × columns [j0, j1) on one thread. */
    static void blocked(SgemmWorkspace ws, boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                        float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        // The K split depends on k only, so every thread count sums each C element in the same order.
        int kcMax = kDepth(k);
        int mBlocks = ceilDiv(i1 - i0, MC);
        int mcMax = roundUp(ceilDiv(i1 - i0, mBlocks), MR);
        int ncStep = ncStep(i1 - i0);
        int ncMax = roundUp(Math.min(ncStep, j1 - j0), NR);
        float[] pa = ws.packedA(mcMax * kcMax);
        float[] pb = ws.packedB(ncMax * kcMax);
        for (int jc = j0; jc < j1; jc += ncStep) {
            int nc = Math.min(ncStep, j1 - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                SgemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb, 0);
                float betaHere = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    SgemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, pa, 0);
                    macroKernel(ws, mc, nc, kc, pa, 0, pb, 0, alpha, betaHere, c, cOff + ic * ldc + jc, ldc);
                }
            }
        }
    }

    /**
     * The two inner loops: every MR×NR tile of an mc×nc block of C (panels from {@code pa[paOff..]},
     * {@code pb[pbOff..]}), in one of two orders ({@link #ROW_WALK_BYTES}).
     */
    static void macroKernel(SgemmWorkspace ws, int mc, int nc, int kc, float[] pa, int paOff, float[] pb, int pbOff,
                            float alpha, float beta, float[] c, int cOff, int ldc) {
        if (ROW_WALK_BYTES > 0 && ceilDiv(nc, NR) > ceilDiv(mc, MR)) {
            // Along the rows of C: the tiles of one MR-row strip are consecutive in memory, a few
            // streams the hardware prefetchers follow, so C's lines arrive before the tile's
            // read-modify-write needs them. The A and B micro-panels stream from L2, the B ones in
            // blocks of columns that fit there. Two strips go along together, so each B
            // micro-panel loaded from L2 serves two tiles. Only where a strip holds more
            // tiles than a column (a narrow C, as a layer's weight times a batch, reuses the B
            // micro-panel better down its columns).
            int step = Math.max(NR, (int) (ROW_WALK_BYTES / ((long) kc * Float.BYTES)) / NR * NR);
            for (int j0 = 0; j0 < nc; j0 += step) {
                int j1 = Math.min(nc, j0 + step);
                for (int i0 = 0; i0 < mc; i0 += ROW_WALK_STRIPS * MR) {
                    int i1 = Math.min(mc, i0 + ROW_WALK_STRIPS * MR);
                    for (int jr = j0; jr < j1; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = i0; ir < i1; ir += MR) {
                            tile(ws, kc, pa, paOff + ir * kc, pb, pbOff + jr * kc, Math.min(MR, mc - ir), nr,
                                    alpha, beta, c, cOff + ir * ldc + jr, ldc);
                        }
                    }
                }
            }
            return;
        }
        // Down the columns of C: one B micro-panel serves every tile of the column while the A
        // block streams from L2.
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                tile(ws, kc, pa, paOff + ir * kc, pb, pbOff + jr * kc, Math.min(MR, mc - ir), nr,
                        alpha, beta, c, cOff + ir * ldc + jr, ldc);
            }
        }
    }

    /** One mr×nr tile of C (full, or an edge tile computed whole into the buffer and stored masked). */
    private static void tile(SgemmWorkspace ws, int kc, float[] pa, int ao, float[] pb, int bo, int mr, int nr,
                             float alpha, float beta, float[] c, int co, int ldc) {
        if (mr == MR && nr == NR) {
            SgemmMicroKernel.kernel(kc, pa, ao, pb, bo, c, co, ldc, alpha, beta, ws.tile);
        } else {
            SgemmMicroKernel.tileToBuffer(kc, pa, ao, pb, bo, ws.tile);
            SgemmMicroKernel.storeEdge(ws.tile, mr, nr, c, co, ldc, alpha, beta);
        }
    }

    /** C = beta·C (beta == 0: zeros, C not read), for k == 0 or alpha == 0. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int o = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, o, o + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[o + j] *= beta;
            }
        }
    }

    /** Columns per jc block for a C of m rows: NC, or fewer so that m×nc floats of C fit C_BLOCK_BYTES. */
    static int ncStep(int m) {
        long fit = C_BLOCK_BYTES / Float.BYTES / Math.max(1, m) / NR * NR;
        return (int) Math.min(NC, Math.max(NC_MIN, fit));
    }

    /** The depth of every K block but the last: equal blocks of at most KC (e.g. 300 = 150 + 150). */
    static int kDepth(int k) {
        return ceilDiv(k, ceilDiv(k, KC));
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
