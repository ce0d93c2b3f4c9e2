package dev.secateur.tensor.kernels;

import static dev.secateur.tensor.kernels.PackedSgemm.MC;
import static dev.secateur.tensor.kernels.PackedSgemm.ceilDiv;
import static dev.secateur.tensor.kernels.PackedSgemm.roundUp;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.MR;
import static dev.secateur.tensor.kernels.SgemmMicroKernel.NR;

import dev.secateur.tensor.Workers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.SoftReference;
import java.util.Arrays;

/**
 * One multi-threaded GEMM: the loops of {@link PackedSgemm#blocked} shared by cooperating
 * threads. The call is a series of stages, one per (jc, pc) block and chunk of up to
 * {@link #M_CHUNK} rows. A stage's packing (its B block, with the first row chunk, and its A rows)
 * goes into shared buffers, so each operand is packed once, not once per thread; its kernel items
 * (an up-to-MC × some-columns block of C each) read them.
 *
 * <p>There is no barrier between stages. All items of the call sit in one sequence that the
 * threads claim from a shared counter: stage 0's packing, then each stage's kernel items with the
 * next stage's packing in their middle (into the other of two buffers). An item waits only for
 * what it reads or overwrites: a kernel item for its stage's packing and for the same block of C
 * of the previous K block; a packing item for the kernel items of two stages back, which read the
 * buffer it refills. Every dependency comes earlier in the sequence and every claimed item runs
 * to its end, so the call cannot deadlock, also when {@link Workers} runs the tasks one after
 * another (a busy or nested pool); and by the time a thread reaches an item, the items it depends
 * on were claimed long before, so the threads rarely wait at all.
 *
 * <p>Which thread computes a tile does not change its arithmetic, and every block of C sums its
 * K blocks in order, so results are identical to the single-threaded path. The object is reused
 * by its calling thread, so a call allocates nothing once its buffers have grown.
 *
 * <p>With a {@link PackedWeight} as A ({@link #setPacked}) there is nothing of A to pack: the
 * packing only covers the B block, all rows form one chunk, and the kernel items read the A
 * panels from the packed weight.
 */
final class SgemmTask implements Workers.Task {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    /**
     * Rows of A packed per shared chunk: 2048·KC floats (1–8 MiB), shared in L3; a whole number of
     * MR-row panels, so that chunks packed one after another into one buffer (A kept for all of K)
     * do not overlap.
     */
    static final int M_CHUNK = 2048 / MR * MR;
    /** Kernel items per thread and stage: enough to even out threads slowed by other processes. */
    private static final int ITEMS_PER_THREAD = 4;
    /**
     * With several B blocks, A is packed for all of K with the first one and kept for the others
     * when it takes at most this many floats (32 MiB); a larger A is packed again per B block.
     */
    static final long KEEP_A_MAX_FLOATS = 1L << 23;
    /** Spins on a not-yet-done dependency before yielding the CPU to other processes. */
    private static final int SPINS_BEFORE_YIELD = 2_000;

    // Per-stage layout in `stages`, STAGE_INTS ints per stage.
    private static final int SEQ_START = 0;       // sequence index of the stage's first kernel item
    private static final int PACK_ITEMS = 1;      // B items (first chunk only) + A items
    private static final int B_ITEMS = 2, B_PER_ITEM = 3, A_PER_ITEM = 4;
    private static final int KERNEL_ITEMS = 5, KERNEL_HALF = 6;
    private static final int ROWS_PER_BLOCK = 7, GROUPS = 8, PANELS_PER_GROUP = 9;
    private static final int STAGE_INTS = 10;
    /** Ints between the claim counter and the done counters (a cache line apart). */
    private static final int PAD = 16;

    private boolean transA, transB;
    private int m, n, k, lda, ldb, ldc, aOff, bOff, cOff;
    private float alpha, beta;
    private float[] a, b, c;
    /** A pre-packed (null: pack A from {@code a}), and the row of it that is C's row 0. */
    private PackedWeight packed;
    private int rowBase;
    /** Rows of A per shared chunk: {@link #M_CHUNK}, or all of them when A is pre-packed. */
    private int chunkRows;

    private int threads, kcMax, ncStep, chunks, kBlocks, stageCount, sequenceLength, maxItems;
    /** Two buffers each: stage t packs A into [t & 1], B block q (one per (jc, pc)) into [q & 1]. */
    private final float[][] packedA = {new float[0], new float[0]};
    /** Or A packed once for all of K (blocks of depth pc at pc·mPad, as in a PackedWeight), when {@link #keepA}; set during a call only. */
    private float[] packedAll;
    /**
     * That buffer between calls (up to 32 MiB): kept for the next large product while memory is
     * plentiful, given back to the heap when the collector needs the room.
     */
    private SoftReference<float[]> keptA = new SoftReference<>(null);
    private boolean keepA;
    private int mPad;
    private final float[][] packedB = {new float[0], new float[0]};
    private int[] stages = new int[0];
    /**
     * [0] next item of the sequence; from PAD: packing items done per stage, kernel items done
     * per stage, then per block of C ((jc, chunk) region × kernel item) the K blocks added to it.
     */
    private int[] counters = new int[0];
    private int packDoneAt, kernelDoneAt, progressAt;
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
        mPad = roundUp(m, MR);
        keepA = n > PackedSgemm.ncStep(m) && (long) mPad * k <= KEEP_A_MAX_FLOATS;
        prepare();
        if (keepA) {
            float[] kept = keptA.get();
            if (kept == null || kept.length < mPad * k) {
                kept = new float[mPad * k];
                keptA = new SoftReference<>(kept);
            }
            packedAll = kept;
        } else {
            int aSize = roundUp(Math.min(chunkRows, m), MR) * kcMax;
            for (int i = 0; i < 2; i++) if (packedA[i].length < aSize) packedA[i] = new float[aSize];
        }
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
        this.keepA = false;
        prepare();
    }

    /** Block sizes, B buffers, the stages' item layout and the counters of the call just set. */
    private void prepare() {
        kcMax = PackedSgemm.kDepth(k);
        ncStep = PackedSgemm.ncStep(m);
        int bSize = roundUp(Math.min(ncStep, n), NR) * kcMax;
        for (int i = 0; i < 2; i++) if (packedB[i].length < bSize) packedB[i] = new float[bSize];
        chunks = ceilDiv(m, chunkRows);
        kBlocks = ceilDiv(k, kcMax);
        int jBlocks = ceilDiv(n, ncStep);
        stageCount = jBlocks * kBlocks * chunks;
        if (stages.length < stageCount * STAGE_INTS) stages = new int[stageCount * STAGE_INTS];
        int goal = ITEMS_PER_THREAD * threads;
        maxItems = 0;
        for (int t = 0; t < stageCount; t++) {
            int s = t * STAGE_INTS;
            int nc = Math.min(ncStep, n - jcOf(t));
            int mch = Math.min(chunkRows, m - icOf(t));
            int bPanels = ceilDiv(nc, NR), aPanels = ceilDiv(mch, MR);
            int bPerItem = ceilDiv(bPanels, Math.min(bPanels, goal));
            int aPerItem = ceilDiv(aPanels, Math.min(aPanels, goal));
            int bItems = t % chunks == 0 ? ceilDiv(bPanels, bPerItem) : 0;
            stages[s + B_ITEMS] = bItems;
            stages[s + B_PER_ITEM] = bPerItem;
            stages[s + A_PER_ITEM] = aPerItem;
            boolean packsA = packed == null && (!keepA || jcOf(t) == 0);
            stages[s + PACK_ITEMS] = bItems + (packsA ? ceilDiv(aPanels, aPerItem) : 0);
            // Row blocks of at most MC rows × column groups, at least `goal` items.
            int rowBlocks = ceilDiv(mch, MC);
            int groups = Math.min(bPanels, ceilDiv(goal, rowBlocks));
            int panelsPerGroup = ceilDiv(bPanels, groups);
            groups = ceilDiv(bPanels, panelsPerGroup);
            if (rowBlocks * groups < goal) rowBlocks = Math.min(aPanels, ceilDiv(goal, groups));
            int rowsPerBlock = roundUp(ceilDiv(mch, rowBlocks), MR);
            rowBlocks = ceilDiv(mch, rowsPerBlock);
            int items = rowBlocks * groups;
            stages[s + KERNEL_ITEMS] = items;
            stages[s + KERNEL_HALF] = items / 2;
            stages[s + ROWS_PER_BLOCK] = rowsPerBlock;
            stages[s + GROUPS] = groups;
            stages[s + PANELS_PER_GROUP] = panelsPerGroup;
            maxItems = Math.max(maxItems, items);
        }
        // The sequence: stage 0's packing, then per stage its kernel items with the next stage's packing in their middle.
        int at = stages[PACK_ITEMS];
        for (int t = 0; t < stageCount; t++) {
            stages[t * STAGE_INTS + SEQ_START] = at;
            at += stages[t * STAGE_INTS + KERNEL_ITEMS] + (t + 1 < stageCount ? stages[(t + 1) * STAGE_INTS + PACK_ITEMS] : 0);
        }
        sequenceLength = at;
        packDoneAt = PAD;
        kernelDoneAt = packDoneAt + stageCount;
        progressAt = kernelDoneAt + stageCount;
        int size = progressAt + jBlocks * chunks * maxItems;
        if (counters.length < size) counters = new int[size];
        else Arrays.fill(counters, 0, size, 0);
        failure = null;
    }

    private int jcOf(int t) { return t / (kBlocks * chunks) * ncStep; }
    private int pcIndexOf(int t) { return t / chunks % kBlocks; }
    private int icOf(int t) { return t % chunks * chunkRows; }

    /** Drops the array references so a finished call does not keep big arrays alive. */
    void clear() {
        a = null; b = null; c = null;
        packed = null;
        packedAll = null;
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
        int[] st = stages;
        int t = -1;            // stage whose sequence range holds the last item taken (-1: stage 0's packing)
        int kernelsDone = 0;   // stages known to have all their kernel items finished
        for (int i; (i = take()) < sequenceLength; ) {
            while (t + 1 < stageCount && i >= st[(t + 1) * STAGE_INTS + SEQ_START]) t++;
            if (t < 0) {
                pack(0, i);
                continue;
            }
            int s = t * STAGE_INTS;
            int off = i - st[s + SEQ_START], half = st[s + KERNEL_HALF];
            int nextPack = t + 1 < stageCount ? st[s + STAGE_INTS + PACK_ITEMS] : 0;
            if (off < half) {
                kernel(ws, t, off);
            } else if (off < half + nextPack) {
                // The buffers stage t+1 packs into were last read by stage t-1.
                for (; kernelsDone < t; kernelsDone++) {
                    await(kernelDoneAt + kernelsDone, st[kernelsDone * STAGE_INTS + KERNEL_ITEMS]);
                }
                pack(t + 1, off - half);
            } else {
                kernel(ws, t, off - nextPack);
            }
        }
    }

    /** Packing item x of stage t: a group of B panels (first chunk of a (jc, pc) block) or of A panels. */
    private void pack(int t, int x) {
        int s = t * STAGE_INTS;
        int jc = jcOf(t), pc = pcIndexOf(t) * kcMax, ic = icOf(t);
        int kc = Math.min(kcMax, k - pc);
        int bItems = stages[s + B_ITEMS];
        if (x < bItems) {
            int nc = Math.min(ncStep, n - jc);
            int bPerItem = stages[s + B_PER_ITEM];
            int p0 = x * bPerItem;
            int cols = Math.min(nc - p0 * NR, bPerItem * NR);
            SgemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc + p0 * NR, cols, packedB[(t / chunks) & 1], p0 * NR * kc);
        } else {
            int mch = Math.min(chunkRows, m - ic);
            int aPerItem = stages[s + A_PER_ITEM];
            int r0 = (x - bItems) * aPerItem * MR;
            int rows = Math.min(mch - r0, aPerItem * MR);
            if (keepA) SgemmPacking.packA(transA, a, aOff, lda, ic + r0, rows, pc, kc, packedAll, pc * mPad + (ic + r0) * kc);
            else SgemmPacking.packA(transA, a, aOff, lda, ic + r0, rows, pc, kc, packedA[t & 1], r0 * kc);
        }
        INTS.getAndAdd(counters, packDoneAt + t, 1);
    }

    /** Kernel item x of stage t: a block of C gets this stage's rank-kc update. */
    private void kernel(SgemmWorkspace ws, int t, int x) {
        int s = t * STAGE_INTS;
        int pcIndex = pcIndexOf(t), chunk = t % chunks;
        // This stage's packing, and the B block's (packed with the block's first chunk).
        await(packDoneAt + t, stages[s + PACK_ITEMS]);
        if (chunk > 0) await(packDoneAt + t - chunk, stages[(t - chunk) * STAGE_INTS + PACK_ITEMS]);
        int aStage = pcIndex * chunks + chunk;   // with A kept, the stage of the first B block that packed these rows
        if (keepA && aStage != t) await(packDoneAt + aStage, stages[aStage * STAGE_INTS + PACK_ITEMS]);
        // The same block of C must have received the previous K blocks (sums stay in K order).
        int region = t / (kBlocks * chunks) * chunks + chunk;
        int progress = progressAt + region * maxItems + x;
        await(progress, pcIndex);
        int jc = jcOf(t), pc = pcIndex * kcMax, ic = icOf(t);
        int kc = Math.min(kcMax, k - pc);
        int nc = Math.min(ncStep, n - jc), mch = Math.min(chunkRows, m - ic);
        int rowsPerBlock = stages[s + ROWS_PER_BLOCK], groups = stages[s + GROUPS], panelsPerGroup = stages[s + PANELS_PER_GROUP];
        int r0 = (x / groups) * rowsPerBlock, g = x % groups;
        int mc = Math.min(rowsPerBlock, mch - r0);
        int j0 = g * panelsPerGroup * NR, j1 = Math.min(nc, j0 + panelsPerGroup * NR);
        // Where this chunk's A panels are: the shared buffer packed for this stage, A kept for all of K, or the packed weight.
        float[] aSrc = packed != null ? packed.panels : keepA ? packedAll : packedA[t & 1];
        int aBase = packed != null ? packed.blockOffset(pc) + (rowBase + ic) * kc : keepA ? pc * mPad + ic * kc : 0;
        PackedSgemm.macroKernel(ws, mc, j1 - j0, kc, aSrc, aBase + r0 * kc, packedB[(t / chunks) & 1], j0 * kc,
                alpha, pc == 0 ? beta : 1f, c, cOff + (ic + r0) * ldc + jc + j0, ldc);
        INTS.setVolatile(counters, progress, pcIndex + 1);
        INTS.getAndAdd(counters, kernelDoneAt + t, 1);
    }

    private int take() {
        return (int) INTS.getAndAdd(counters, 0, 1);
    }

    /** Waits until counter {@code at} reaches {@code value} (items running on other threads). */
    private void await(int at, int value) {
        for (int spins = 0; (int) INTS.getVolatile(counters, at) < value; spins++) {
            Throwable f = failure;
            if (f != null) throw new IllegalStateException("another thread of this sgemm call failed", f);
            if (spins < SPINS_BEFORE_YIELD) Thread.onSpinWait();
            else Thread.yield();
        }
    }
}
