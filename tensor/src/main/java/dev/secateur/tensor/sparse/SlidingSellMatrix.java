package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorPlatform;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * SELL at a native lane count with a sliding input window per slot: in a slice of {@code lanes}
 * output rows, slot t holds one kept weight of each row (padded with +0.0), all of them inside the
 * {@code window} input columns starting at the slot's own base column, with each lane's position
 * in the window packed {@code bits} bits per lane into one int. The batch-1 kernel loads the
 * window's inputs with plain vector loads at the base, widens the packed positions with a
 * broadcast, a per-lane shift and a mask, and picks each lane's input with an in-register
 * permute: no gather (slow on AVX2 parts and absent on NEON), 4 + 4/lanes + 4/lanes bytes per
 * lane.
 *
 * <p>Rows are sliced longest first ({@link RowOrder}); the sums of the reordered rows go through a
 * per-thread scratch and reach their rows with the bias and ReLU.
 *
 * <p>The slots are built greedily: the base is the smallest next column over the slice's rows
 * (moved left so the window stays inside the matrix), and every row whose next column falls in
 * the window takes it. A row is padded only when its next weight lies beyond the window, so the
 * padding stays small without the fixed windows that leave short, unpredictable per-window loops.
 *
 * <p>The subclasses fix the lane count so the JIT sees constant vector species. Where their
 * species or permutes are not SIMD instructions ({@code runsHere()} false), the batch-1 product
 * runs a scalar loop over the same arrays instead of the vector kernel.
 */
abstract sealed class SlidingSellMatrix extends AbstractSparseMatrix permits WindowedSell8Matrix, WindowedSell4Matrix {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    final int lanes;
    final int window;
    final int bits;
    final float[] values;
    /**
     * Slot t's window, two ints per slot (one stream for the kernel to read): its first input
     * column at {@code windows[2t]}, and lane i's position in it at
     * {@code (windows[2t + 1] >>> bits·i) & (window − 1)}.
     */
    final int[] windows;
    /** Slots of slice s: {@code [slotPtr[s], slotPtr[s + 1])}; slot t's lanes are at {@code lanes·t ..}. */
    final int[] slotPtr;
    /** The row at slice position p ({@code p = lanes·s + lane}), or null where the rows keep their order. */
    final int[] order;

    SlidingSellMatrix(Layout layout) {
        super(layout.rows, layout.cols, layout.kept, Partition.ofPointers(layout.slotPtr, layout.lanes));
        this.lanes = layout.lanes;
        this.window = layout.window;
        this.bits = Integer.numberOfTrailingZeros(layout.window);
        this.values = layout.values;
        this.windows = layout.windows;
        this.slotPtr = layout.slotPtr;
        this.order = layout.order;
    }

    /** The arrays of a built matrix. */
    record Layout(int rows, int cols, long kept, int lanes, int window, float[] values, int[] windows, int[] slotPtr, int[] order) {}

    /** Builds the slots of {@code lanes}-row slices over {@code window}-column windows (a power of two). */
    static Layout layout(String format, float[] dense, int rows, int cols, boolean[] mask, int lanes, int window) {
        WeightSource src = WeightSource.of(format, dense, rows, cols, mask);
        int[] order = RowOrder.longestFirst(src, rows, cols);
        int slices = (rows + lanes - 1) / lanes, bits = Integer.numberOfTrailingZeros(window);
        int[] slotPtr = new int[slices + 1];
        int[][] columns = new int[lanes][];
        int[] next = new int[lanes];
        int[] count = new int[lanes];
        float[] values = new float[16 * lanes];
        int[] windows = new int[32];
        int slots = 0;
        long kept = 0;
        for (int s = 0; s < slices; s++) {
            for (int lane = 0; lane < lanes; lane++) {
                int p = s * lanes + lane;
                int n = 0;
                if (columns[lane] == null) columns[lane] = new int[cols];
                if (p < rows) for (int c = 0; c < cols; c++) if (src.kept(RowOrder.row(order, p), c)) columns[lane][n++] = c;
                count[lane] = n;
                next[lane] = 0;
                kept += n;
            }
            while (true) {
                int b = Integer.MAX_VALUE;
                for (int lane = 0; lane < lanes; lane++) if (next[lane] < count[lane]) b = Math.min(b, columns[lane][next[lane]]);
                if (b == Integer.MAX_VALUE) break;
                // Narrow matrices (cols < window) keep base 0; the kernel runs them in scalar code.
                b = Math.max(0, Math.min(b, cols - window));
                if (2 * slots == windows.length) {
                    windows = Arrays.copyOf(windows, 4 * slots);
                    values = Arrays.copyOf(values, 2 * slots * lanes);
                }
                int bitsOfSlot = 0;
                for (int lane = 0; lane < lanes; lane++) {
                    if (next[lane] < count[lane] && columns[lane][next[lane]] < b + window) {
                        int c = columns[lane][next[lane]++];
                        values[slots * lanes + lane] = dense[RowOrder.row(order, s * lanes + lane) * cols + c];
                        bitsOfSlot |= (c - b) << (bits * lane);
                    }
                }
                windows[2 * slots] = b;
                windows[2 * slots + 1] = bitsOfSlot;
                slots++;
            }
            slotPtr[s + 1] = slots;
        }
        return new Layout(rows, cols, kept, lanes, window, Arrays.copyOf(values, slots * lanes), Arrays.copyOf(windows, 2 * slots),
                slotPtr, order);
    }

    /** The row at slice position p. */
    final int row(int p) {
        return RowOrder.row(order, p);
    }

    public final long byteSize() {
        return 4L * values.length + 4L * windows.length + 4L * slotPtr.length + (order == null ? 0 : 4L * order.length);
    }

    public final float[] toDense() {
        float[] d = new float[rows * cols];
        for (int s = 0; s < slotPtr.length - 1; s++) {
            for (int t = slotPtr[s]; t < slotPtr[s + 1]; t++) {
                for (int lane = 0; lane < lanes && s * lanes + lane < rows; lane++) {
                    float v = values[t * lanes + lane];
                    // Padding is +0.0; skipping +0.0 leaves a kept +0.0 as the zero it already is.
                    if (Float.floatToRawIntBits(v) != 0) d[row(s * lanes + lane) * cols + column(t, lane)] = v;
                }
            }
        }
        return d;
    }

    /** Batch 1: the vector kernel where it runs (narrower inputs than a window and other CPUs take the scalar loop). */
    @Override final void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int s0, int s1) {
        if (!vectorKernel() || cols < window) {
            scalarSlices(x, xOff, y, yOff, bias, relu, s0, s1);
            return;
        }
        int p0 = s0 * lanes, p1 = Math.min(rows, s1 * lanes);
        // A last slice of fewer than `lanes` rows runs the vector kernel too (its padded lanes hold zeros) and stores its rows only.
        if (order == null) {
            vectorSlices(x, xOff, y, yOff, s0, s1);
            if (bias != null || relu) epilogue(y, yOff, bias, relu, p0, p1);
        } else {
            float[] sums = RowScratch.atLeast(rows);
            vectorSlices(x, xOff, sums, 0, s0, s1);
            RowOrder.store(sums, order, y, yOff, bias, relu, p0, p1);
        }
    }

    /** Whether the batch-1 vector kernel runs as SIMD code here. */
    abstract boolean vectorKernel();

    /**
     * Slices {@code [s0, s1)} at batch 1 by the vector kernel, before bias and ReLU: the sum of slice
     * position p into {@code out[outOff + p]}; a partial last slice stores only its rows.
     */
    abstract void vectorSlices(float[] x, int xOff, float[] out, int outOff, int s0, int s1);

    /** The input column of slot t's lane. */
    final int column(int t, int lane) {
        return windows[2 * t] + ((windows[2 * t + 1] >>> (bits * lane)) & (window - 1));
    }

    /** Batch-1 rows of slices {@code [s0, s1)} in scalar code: each row over its lane, padding skipped. */
    final void scalarSlices(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int s0, int s1) {
        for (int s = s0; s < s1; s++) {
            for (int p = s * lanes; p < Math.min(rows, (s + 1) * lanes); p++) {
                int lane = p - s * lanes, r = row(p);
                float a0 = 0f, a1 = 0f;
                int t = slotPtr[s], e = slotPtr[s + 1];
                // Two sums: the loop is bound by the FMA latency, not the loads.
                for (; t + 1 < e; t += 2) {
                    a0 = Fma.fma(values[t * lanes + lane], x[xOff + column(t, lane)], a0);
                    a1 = Fma.fma(values[(t + 1) * lanes + lane], x[xOff + column(t + 1, lane)], a1);
                }
                if (t < e) a0 = Fma.fma(values[t * lanes + lane], x[xOff + column(t, lane)], a0);
                y[yOff + r] = Epilogue.scalar(a0 + a1, bias, r, relu);
            }
        }
    }

    /** {@code y[r] = act(y[r] + bias[r])} for rows {@code [r0, r1)} after the vector kernel stored the sums. */
    static void epilogue(float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) y[yOff + r] = Epilogue.scalar(y[yOff + r], bias, r, relu);
    }

    /** Y = W·X: each row over its lane (padding skipped), vectors along the batch. */
    @Override final void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int s0, int s1) {
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int s = s0; s < s1; s++) {
            int t0 = slotPtr[s], e = slotPtr[s + 1];
            for (int p = s * lanes; p < Math.min(rows, (s + 1) * lanes); p++) {
                int lane = p - s * lanes, r = row(p);
                float b = bias == null ? 0f : bias[r];
                int j = 0;
                // Whole pairs of batch vectors with plain loads and stores (masked ones, even with
                // every lane set, cost this loop time); the last partial pair under masks.
                for (; j + 2 * L <= n; j += 2 * L) {
                    FloatVector a0 = FloatVector.zero(S), a1 = a0;
                    for (int t = t0; t < e; t++) {
                        float wt = values[t * lanes + lane];
                        if (Float.floatToRawIntBits(wt) == 0) continue;
                        int xo = xOff + column(t, lane) * n + j;
                        FloatVector w = FloatVector.broadcast(S, wt);
                        FloatVector a0a = FloatVector.fromArray(S, x, xo);
                        a0 = FMA ? a0a.fma(w, a0) : a0a.mul(w).add(a0);
                        FloatVector a1a = FloatVector.fromArray(S, x, xo + L);
                        a1 = FMA ? a1a.fma(w, a1) : a1a.mul(w).add(a1);
                    }
                    int yo = yOff + r * n + j;
                    a0.add(b).max(lo).intoArray(y, yo);
                    a1.add(b).max(lo).intoArray(y, yo + L);
                }
                if (j < n) {
                    VectorMask<Float> m0 = S.indexInRange(j, n), m1 = S.indexInRange(j + L, n);
                    FloatVector a0 = FloatVector.zero(S), a1 = a0;
                    for (int t = t0; t < e; t++) {
                        float wt = values[t * lanes + lane];
                        if (Float.floatToRawIntBits(wt) == 0) continue;
                        int xo = xOff + column(t, lane) * n + j;
                        FloatVector w = FloatVector.broadcast(S, wt);
                        FloatVector a0a = FloatVector.fromArray(S, x, xo, m0);
                        a0 = FMA ? a0a.fma(w, a0) : a0a.mul(w).add(a0);
                        FloatVector a1a = FloatVector.fromArray(S, x, xo + L, m1);
                        a1 = FMA ? a1a.fma(w, a1) : a1a.mul(w).add(a1);
                    }
                    int yo = yOff + r * n + j;
                    a0.add(b).max(lo).intoArray(y, yo, m0);
                    a1.add(b).max(lo).intoArray(y, yo + L, m1);
                }
            }
        }
    }
}
