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
 * threads. For every (jc, pc) block the threads first pack the KC×nc block of B together into
 * one shared buffer (so B is packed once, not once per thread), then take work items (an
 * MC-row block of C, or part of one when C has few rows) from a queue, packing their own A block.
 *
 * <p>Each phase has its own pair of counters: "next item" and "items done". A thread leaves a
 * phase only when all its items are done; it never waits for a thread that has not started,
 * so the call also completes when {@link Workers} runs the tasks one after another (a busy or
 * nested pool), and a thread that the OS deschedules delays others by one item at most.
 * Which thread computes a tile does not change its arithmetic, so results are identical to the
 * single-threaded path. The object is reused by its calling thread, so a call allocates nothing.
 */
final class SgemmTask implements Workers.Task {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    /** Work items per thread and phase: enough to even out threads slowed by other processes. */
    private static final int ITEMS_PER_THREAD = 4;
    /** Spins on a not-yet-done phase before yielding the CPU to other processes. */
    private static final int SPINS_BEFORE_YIELD = 2_000;

    private boolean transA, transB;
    private int m, n, k, lda, ldb, ldc, aOff, bOff, cOff;
    private float alpha, beta;
    private float[] a, b, c;

    private int threads, kcMax, mcMax, mBlocks, ncStep;
    private float[] packedB = new float[0];
    /** Per phase q: [2q] next item to take, [2q+1] items finished. */
    private int[] counters = new int[0];
    private volatile boolean failed;

    void set(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
             float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        this.threads = threads;
        this.transA = transA; this.transB = transB;
        this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
        this.a = a; this.aOff = aOff; this.lda = lda;
        this.b = b; this.bOff = bOff; this.ldb = ldb;
        this.c = c; this.cOff = cOff; this.ldc = ldc;
        kcMax = PackedSgemm.kDepth(k);
        // Smaller row blocks than MC when that gives each thread several items to take.
        mcMax = Math.min(MC, Math.max(MR, roundUp(ceilDiv(m, ITEMS_PER_THREAD * threads), MR)));
        mBlocks = ceilDiv(m, mcMax);
        ncStep = PackedSgemm.ncStep(m);
        int ncMax = roundUp(Math.min(ncStep, n), NR);
        if (packedB.length < ncMax * kcMax) packedB = new float[ncMax * kcMax];
        int phases = 2 * ceilDiv(n, ncStep) * ceilDiv(k, kcMax);
        if (counters.length < 2 * phases) counters = new int[2 * phases];
        else Arrays.fill(counters, 0, 2 * phases, 0);
        failed = false;
    }

    /** Drops the array references so a finished call does not keep big arrays alive. */
    void clear() {
        a = null; b = null; c = null;
    }

    @Override public void run(int worker) {
        try {
            work();
        } catch (Throwable e) {
            failed = true;
            throw e;
        }
    }

    private void work() {
        SgemmWorkspace ws = SgemmWorkspace.get();
        float[] pa = ws.packedA(mcMax * kcMax);
        float[] pb = packedB;
        int goal = ITEMS_PER_THREAD * threads;
        int phase = 0;
        for (int jc = 0; jc < n; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            int panels = ceilDiv(nc, NR);
            int panelsPerPack = ceilDiv(panels, Math.min(panels, goal));
            int packItems = ceilDiv(panels, panelsPerPack);
            // Few row blocks: also split the columns, so that every thread has work.
            int groups = mBlocks >= goal ? 1 : Math.min(panels, ceilDiv(goal, mBlocks));
            int panelsPerGroup = ceilDiv(panels, groups);
            groups = ceilDiv(panels, panelsPerGroup);
            int kernelItems = mBlocks * groups;
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                for (int x; (x = take(phase)) < packItems; ) {
                    int p0 = x * panelsPerPack;
                    int cols = Math.min(nc - p0 * NR, panelsPerPack * NR);
                    SgemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc + p0 * NR, cols, pb, p0 * NR * kc);
                    finish(phase);
                }
                awaitDone(phase++, packItems);
                float betaHere = pc == 0 ? beta : 1f;
                int packedBlock = -1;
                for (int x; (x = take(phase)) < kernelItems; ) {
                    int block = x / groups, g = x % groups;
                    int ic = block * mcMax, mc = Math.min(mcMax, m - ic);
                    if (block != packedBlock) {
                        SgemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, pa);
                        packedBlock = block;
                    }
                    int j0 = g * panelsPerGroup * NR, j1 = Math.min(nc, j0 + panelsPerGroup * NR);
                    PackedSgemm.macroKernel(ws, mc, j1 - j0, kc, pa, pb, j0 * kc, alpha, betaHere,
                            c, cOff + ic * ldc + jc + j0, ldc);
                    finish(phase);
                }
                awaitDone(phase++, kernelItems);
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
            if (failed) throw new IllegalStateException("another thread of this sgemm call failed");
            if (spins < SPINS_BEFORE_YIELD) Thread.onSpinWait();
            else Thread.yield();
        }
    }
}
