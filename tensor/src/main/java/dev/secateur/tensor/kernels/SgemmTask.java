package dev.secateur.tensor.kernels;

import static dev.secateur.tensor.kernels.PackedSgemm.MC;
import static dev.secateur.tensor.kernels.PackedSgemm.ceilDiv;
import static dev.secateur.tensor.kernels.PackedSgemm.roundUp;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.NR;

import dev.secateur.tensor.Workers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One multi-threaded GEMM: the loops of {@link PackedSgemm#blocked} shared by cooperating
 * threads. For every (jc, pc) block and chunk of up to {@link #M_CHUNK} rows, the threads first
 * pack the B block and the A rows together into shared buffers (each operand is packed once,
 * not once per thread), then take work items (an up-to-MC × some-columns block of C) from a queue.
 * Items need no packing of their own, so they can be cut small enough to keep both threads busy
 * at small sizes without shrinking the row blocks that keep B micro-panels reused from L1.
 *
 * <p>Each phase has its own pair of counters: "next item" and "items done". A thread leaves a
 * phase only when all its items are done; it never waits for a thread that has not started,
 * so the call also completes when {@link Workers} runs the tasks one after another (a busy or
 * nested pool), and a thread that the OS deschedules delays others by one item at most.
 * Which thread computes a tile does not change its arithmetic, so results are identical to the
 * single-threaded path. The object is reused by its calling thread, so a call allocates nothing.
 *
 * <p>With a {@link PackedWeight} as A ({@link #setPacked}) there is nothing of A to pack: the
 * pack phase only packs the B block, all rows form one chunk, and the kernel phase reads the
 * A panels from the packed weight.
 */
final class SgemmTask implements Workers.Task {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    /** Rows of A packed per shared chunk: 2048·KC floats (1–4 MiB), shared in L3. */
    static final int M_CHUNK = 2048;
    /** Work items per thread and phase: enough to even out threads slowed by other processes. */
    private static final int ITEMS_PER_THREAD = 4;
    /** Spins on a not-yet-done phase before yielding the CPU to other processes. */
    private static final int SPINS_BEFORE_YIELD = 2_000;

    private boolean transA, transB;
    private int m, n, k, lda, ldb, ldc, aOff, bOff, cOff;
    private float alpha, beta;
    private float[] a, b, c;
    /** A pre-packed (null: pack A from {@code a}), and the row of it that is C's row 0. */
    private PackedWeight packed;
    private int rowBase;
    /** Rows of A per shared chunk: {@link #M_CHUNK}, or all of them when A is pre-packed. */
    private int chunkRows;

    private int threads, kcMax, ncStep;
    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    /** Per phase q: [2q] next item to take, [2q+1] items finished. */
    private int[] counters = new int[0];
    /** The first failure of any thread, so that the others stop waiting for its items. */
    private volatile Throwable failure;

    void set(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
             float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        this.threads = threads;
        this.transA = transA; this.transB = transB;
        this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
        this.a = a; this.aOff = aOff; this.lda = lda;
        this.b = b; this.bOff = bOff; this.ldb = ldb;
        this.c = c; this.cOff = cOff; this.ldc = ldc;
        this.packed = null;
        this.chunkRows = M_CHUNK;
        prepare();
        int aSize = roundUp(Math.min(M_CHUNK, m), MR) * kcMax;
        if (packedA.length < aSize) packedA = new float[aSize];
    }

    /** C (m×n) = alpha · rows [rowBase, rowBase+m) of the packed A · op(B) + beta · C. */
    void setPacked(int threads, PackedWeight weight, int rowBase, boolean transB, int m, int n, float alpha,
                   float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        this.threads = threads;
        this.transA = false; this.transB = transB;
        this.m = m; this.n = n; this.k = weight.k; this.alpha = alpha; this.beta = beta;
        this.a = null; this.aOff = 0; this.lda = 0;
        this.b = b; this.bOff = bOff; this.ldb = ldb;
        this.c = c; this.cOff = cOff; this.ldc = ldc;
        this.packed = weight;
        this.rowBase = rowBase;
        this.chunkRows = m;
        prepare();
    }

    /** Block sizes, the B buffer and the phase counters of the call just set. */
    private void prepare() {
        kcMax = PackedSgemm.kDepth(k);
        ncStep = PackedSgemm.ncStep(m);
        int bSize = roundUp(Math.min(ncStep, n), NR) * kcMax;
        if (packedB.length < bSize) packedB = new float[bSize];
        int phases = 2 * ceilDiv(n, ncStep) * ceilDiv(k, kcMax) * ceilDiv(m, chunkRows);
        if (counters.length < 2 * phases) counters = new int[2 * phases];
        else Arrays.fill(counters, 0, 2 * phases, 0);
        failure = null;
    }

    /** Drops the array references so a finished call does not keep big arrays alive. */
    void clear() {
        a = null; b = null; c = null;
        packed = null;
        failure = null;
    }

    @Override public void run(int worker) {
        try {
            work();
        } catch (Throwable e) {
            if (failure == null) failure = e;
            throw e;
        }
    }

    private void work() {
        SgemmWorkspace ws = SgemmWorkspace.get();
        float[] pa = packedA, pb = packedB;
        int goal = ITEMS_PER_THREAD * threads;
        int phase = 0;
        for (int jc = 0; jc < n; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            int bPanels = ceilDiv(nc, NR);
            int bPerItem = ceilDiv(bPanels, Math.min(bPanels, goal));
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float betaHere = pc == 0 ? beta : 1f;
                for (int ic = 0; ic < m; ic += chunkRows) {
                    int mch = Math.min(chunkRows, m - ic);
                    // Pack phase: the B block (with the first row chunk only) and this chunk of A.
                    int bItems = ic == 0 ? ceilDiv(bPanels, bPerItem) : 0;
                    int aPanels = ceilDiv(mch, MR);
                    int aPerItem = ceilDiv(aPanels, Math.min(aPanels, goal));
                    int packItems = bItems + (packed == null ? ceilDiv(aPanels, aPerItem) : 0);
                    for (int x; (x = take(phase)) < packItems; ) {
                        if (x < bItems) {
                            int p0 = x * bPerItem;
                            int cols = Math.min(nc - p0 * NR, bPerItem * NR);
                            SgemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc + p0 * NR, cols, pb, p0 * NR * kc);
                        } else {
                            int r0 = (x - bItems) * aPerItem * MR;
                            int rows = Math.min(mch - r0, aPerItem * MR);
                            SgemmPacking.packA(transA, a, aOff, lda, ic + r0, rows, pc, kc, pa, r0 * kc);
                        }
                        finish(phase);
                    }
                    awaitDone(phase++, packItems);
                    // Kernel phase: row blocks of at most MC rows × column groups, at least `goal` items.
                    int rowBlocks = ceilDiv(mch, MC);
                    int groups = Math.min(bPanels, ceilDiv(goal, rowBlocks));
                    int panelsPerGroup = ceilDiv(bPanels, groups);
                    groups = ceilDiv(bPanels, panelsPerGroup);
                    if (rowBlocks * groups < goal) rowBlocks = Math.min(aPanels, ceilDiv(goal, groups));
                    int rowsPerBlock = roundUp(ceilDiv(mch, rowBlocks), MR);
                    rowBlocks = ceilDiv(mch, rowsPerBlock);
                    int kernelItems = rowBlocks * groups;
                    // Where this chunk's A panels are: the shared buffer just packed, or the packed weight.
                    float[] aSrc = packed == null ? pa : packed.panels;
                    int aBase = packed == null ? 0 : packed.blockOffset(pc) + (rowBase + ic) * kc;
                    for (int x; (x = take(phase)) < kernelItems; ) {
                        int r0 = (x / groups) * rowsPerBlock, g = x % groups;
                        int mc = Math.min(rowsPerBlock, mch - r0);
                        int j0 = g * panelsPerGroup * NR, j1 = Math.min(nc, j0 + panelsPerGroup * NR);
                        PackedSgemm.macroKernel(ws, mc, j1 - j0, kc, aSrc, aBase + r0 * kc, pb, j0 * kc, alpha, betaHere,
                                c, cOff + (ic + r0) * ldc + jc + j0, ldc);
                        finish(phase);
                    }
                    awaitDone(phase++, kernelItems);
                }
            }
        }
    }

    private int take(int phase) {
        return (int) INTS.getAndAdd(counters, 2 * phase, 1);
    }

    private void finish(int phase) {
        INTS.getAndAdd(counters, 2 * phase + 1, 1);
    }

    /** Waits until every item of the phase is finished (items still running on other threads). */
    private void awaitDone(int phase, int items) {
        for (int spins = 0; (int) INTS.getVolatile(counters, 2 * phase + 1) < items; spins++) {
            Throwable f = failure;
            if (f != null) throw new IllegalStateException("another thread of this sgemm call failed", f);
            if (spins < SPINS_BEFORE_YIELD) Thread.onSpinWait();
            else Thread.yield();
        }
    }
}
