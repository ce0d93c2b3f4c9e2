package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SELL-16 cut into 64-column windows: for each slice of 16 output rows and each window of 64 input
 * columns, slot t holds the t-th kept weight of each of the 16 rows inside that window (rows with
 * fewer are padded with +0.0), as 16 float values and 16 one-byte positions in the window. The
 * batch-1 kernel loads the 64 inputs of a window into four registers once per slice and picks each
 * lane's input with two in-register two-vector permutes and a blend — no gather, 5 bytes per slot.
 * Rows are sliced longest first ({@link RowOrder}); the sums of reordered rows go through a
 * per-thread scratch and reach their rows with the bias and ReLU. Padding grows with sparsity (the
 * longest of 16 rows in a window sets the width: ≈ 1.7× the kept weights at 90% on random masks);
 * {@link SparseSelector} measures it.
 */
public final class WindowedSellMatrix extends AbstractSparseMatrix implements SparseMatrix {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    static final int SLICE = 16;
    static final int WINDOW = 64;
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    final int windows;
    final float[] values;
    final byte[] pos;
    /** The row at slice position p, or null where the rows keep their order. */
    final int[] order;
    /** Slots of (slice s, window w): {@code [slotPtr[s·windows + w], slotPtr[s·windows + w + 1])}. */
    final int[] slotPtr;

    private WindowedSellMatrix(int rows, int cols, long nonZeros, float[] values, byte[] pos, int[] slotPtr, int windows, int[] order) {
        super(rows, cols, nonZeros, slicePartition(rows, slotPtr, windows));
        this.order = order;
        this.windows = windows;
        this.values = values;
        this.pos = pos;
        this.slotPtr = slotPtr;
    }

    /** One unit per slice (also when K = 0: the slice still writes its bias). */
    private static Partition slicePartition(int rows, int[] slotPtr, int windows) {
        int slices = (rows + SLICE - 1) / SLICE;
        long[] work = new long[slices];
        for (int s = 0; s < slices; s++) work[s] = 16L * (slotPtr[(s + 1) * windows] - slotPtr[s * windows]) + 4L * windows;
        return Partition.of(work);
    }

    /** Over the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static WindowedSellMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** Over the entries where {@code mask} is true; a null mask keeps the non-zeros. */
    public static WindowedSellMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("wsell16", dense, rows, cols, mask);
        int[] order = RowOrder.longestFirst(src, rows, cols);
        int slices = (rows + SLICE - 1) / SLICE, windows = (cols + WINDOW - 1) / WINDOW;
        int[] slotPtr = new int[Math.multiplyExact(slices, windows) + 1];
        long kept = 0;
        for (int s = 0; s < slices; s++) {
            for (int w = 0; w < windows; w++) {
                int width = 0;
                for (int p = s * SLICE; p < Math.min(rows, (s + 1) * SLICE); p++) {
                    int n = 0, r = RowOrder.row(order, p);
                    for (int c = w * WINDOW; c < Math.min(cols, (w + 1) * WINDOW); c++) if (src.kept(r, c)) n++;
                    width = Math.max(width, n);
                    kept += n;
                }
                slotPtr[s * windows + w + 1] = Math.addExact(slotPtr[s * windows + w], width);
            }
        }
        int entries = Math.multiplyExact(slotPtr[slotPtr.length - 1], SLICE);
        float[] values = new float[entries];
        byte[] pos = new byte[entries];
        for (int s = 0; s < slices; s++) {
            for (int w = 0; w < windows; w++) {
                for (int p = s * SLICE; p < Math.min(rows, (s + 1) * SLICE); p++) {
                    int t = slotPtr[s * windows + w], lane = p - s * SLICE, r = RowOrder.row(order, p);
                    for (int c = w * WINDOW; c < Math.min(cols, (w + 1) * WINDOW); c++) {
                        if (!src.kept(r, c)) continue;
                        values[t * SLICE + lane] = dense[r * cols + c];
                        pos[t * SLICE + lane] = (byte) (c - w * WINDOW);
                        t++;
                    }
                }
            }
        }
        return new WindowedSellMatrix(rows, cols, kept, values, pos, slotPtr, windows, order);
    }

    @Override public long byteSize() { return 5L * values.length + 4L * slotPtr.length + (order == null ? 0 : 4L * order.length); }

    /**
     * Whether its kernels run as SIMD code here: they are written for 16 float lanes (512-bit
     * vectors, AVX-512), and a species wider than the JVM's vectors runs hundreds of times slower.
     */
    public static boolean runsHere() {
        return VectorPlatform.supportsLanes(16);
    }

    @Override public String format() { return "wsell16"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int s = 0; s * SLICE < rows; s++) {
            for (int w = 0; w < windows; w++) {
                for (int t = slotPtr[s * windows + w]; t < slotPtr[s * windows + w + 1]; t++) {
                    for (int lane = 0; lane < SLICE && s * SLICE + lane < rows; lane++) {
                        float v = values[t * SLICE + lane];
                        // Padding is +0.0 at position 0; skipping +0.0 keeps a kept weight there intact.
                        if (Float.floatToRawIntBits(v) != 0) d[RowOrder.row(order, s * SLICE + lane) * cols + w * WINDOW + pos[t * SLICE + lane]] = v;
                    }
                }
            }
        }
        return d;
    }

    /**
     * y = W·x: x copied once into this thread's scratch, padded with zeros to whole windows, so that
     * each window's four x registers are plain loads (masked ones, even with every lane set, were
     * slower); per slot two permutes, a blend and one FMA. The x registers are viewed as ints so
     * that the byte positions widen straight to int indices (a float index costs two conversions
     * more per slot: byte→float, and float→int inside the permute). Kept small on purpose: C1
     * gives up on a larger body ("out of virtual registers"; four accumulators and separate
     * plain-load paths did), which leaves the kernel in slow tier-2 code long past a short
     * calibration.
     */
    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int s0, int s1) {
        int padded = windows * WINDOW;
        float[] xp = RowScratch.input(padded);
        System.arraycopy(x, xOff, xp, 0, cols);
        java.util.Arrays.fill(xp, cols, padded, 0f);
        if (order == null) {
            multiply(values, pos, slotPtr, rows, windows, xp, y, yOff, bias, relu, s0, s1);
            return;
        }
        float[] sums = RowScratch.atLeast(rows);
        multiply(values, pos, slotPtr, rows, windows, xp, sums, 0, null, false, s0, s1);
        RowOrder.store(sums, order, y, yOff, bias, relu, s0 * SLICE, Math.min(rows, s1 * SLICE));
    }

    /** The batch-1 kernel on the matrix arrays; {@code x} holds whole windows from index 0. */
    private static void multiply(float[] v, byte[] p, int[] ptr, int rows, int nw, float[] x, float[] y,
                                 int yOff, float[] bias, boolean relu, int s0, int s1) {
        int full = Math.min(s1, rows / SLICE);
        for (int s = s0; s < full; s++) {
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (int w = 0; w < nw; w++) {
                int t = ptr[s * nw + w], e = ptr[s * nw + w + 1];
                if (t == e) continue;
                int c = w * WINDOW;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                // Two FMA chains (the accumulators swap every slot), so one chain does not wait on
                // its 4-cycle latency every slot. The permutes are written here, not in a helper: a
                // helper taking the window's vectors was left un-inlined in some compiled models and
                // then boxed them on every slot.
                for (; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * SLICE).convertShape(VectorOperators.B2I, I16, 0);
                    // selectFrom uses the low 5 bits (wraps modulo 32); bit 5 picks the register pair.
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector wt = FloatVector.fromArray(S16, v, t * SLICE);
                    FloatVector next = FMA ? wt.fma(in, a0) : wt.mul(in).add(a0);
                    a0 = a1;
                    a1 = next;
                }
            }
            // Bias and ReLU are applied afterwards, in a separate pass, and a last partial slice is
            // done in scalar code: with a masked store or a store method here the body got too
            // big — C1 gave up ("out of virtual registers"), or C2 refused to inline the method
            // (NodeCountInliningCutoff) and boxed the accumulator on every slice.
            a0.add(a1).intoArray(y, yOff + s * SLICE);
        }
        if (full < s1) partialSlice(v, p, ptr, rows, nw, x, 0, y, yOff, full);
        if (bias != null || relu) epilogue(y, yOff, bias, relu, s0 * SLICE, Math.min(rows, s1 * SLICE));
    }

    /** The last slice when it has fewer than 16 rows: each row over its lane, padding included. */
    private static void partialSlice(float[] v, byte[] p, int[] ptr, int rows, int nw, float[] x, int xOff, float[] y,
                                     int yOff, int s) {
        for (int r = s * SLICE; r < rows; r++) {
            int lane = r - s * SLICE;
            float a = 0f;
            for (int w = 0; w < nw; w++) {
                for (int t = ptr[s * nw + w]; t < ptr[s * nw + w + 1]; t++) {
                    float wt = v[t * SLICE + lane];
                    if (Float.floatToRawIntBits(wt) != 0) a = Fma.fma(wt, x[xOff + w * WINDOW + p[t * SLICE + lane]], a);
                }
            }
            y[yOff + r] = a;
        }
    }

    /** {@code y[r] = act(y[r] + bias[r])} for rows {@code [r0, r1)}: M operations against the kernel's slots. */
    private static void epilogue(float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            float a = y[yOff + r];
            if (bias != null) a += bias[r];
            if (relu) a = Math.max(a, 0f);
            y[yOff + r] = a;
        }
    }

    /** Y = W·X: each row as a CSR row over its lane (padding slots are skipped), vectors along the batch. */
    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int s0, int s1) {
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int s = s0; s < s1; s++) {
            for (int p = s * SLICE; p < Math.min(rows, (s + 1) * SLICE); p++) {
                int lane = p - s * SLICE, r = RowOrder.row(order, p);
                float b = bias == null ? 0f : bias[r];
                int j = 0;
                // Whole batch vectors with plain loads and stores (masked ones, even with every lane
                // set, cost this loop time); the last partial vector under a mask.
                for (; j + L <= n; j += L) {
                    FloatVector a0 = FloatVector.zero(S);
                    for (int w = 0; w < windows; w++) {
                        int xw = xOff + w * WINDOW * n + j;
                        for (int t = slotPtr[s * windows + w]; t < slotPtr[s * windows + w + 1]; t++) {
                            float wt = values[t * SLICE + lane];
                            if (Float.floatToRawIntBits(wt) == 0) continue;
                            FloatVector a0a = FloatVector.fromArray(S, x, xw + pos[t * SLICE + lane] * n);
                            FloatVector a0b = FloatVector.broadcast(S, wt);
                            a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                        }
                    }
                    a0.add(b).max(lo).intoArray(y, yOff + r * n + j);
                }
                if (j < n) {
                    VectorMask<Float> m = S.indexInRange(j, n);
                    FloatVector a0 = FloatVector.zero(S);
                    for (int w = 0; w < windows; w++) {
                        int xw = xOff + w * WINDOW * n + j;
                        for (int t = slotPtr[s * windows + w]; t < slotPtr[s * windows + w + 1]; t++) {
                            float wt = values[t * SLICE + lane];
                            if (Float.floatToRawIntBits(wt) == 0) continue;
                            FloatVector a0a = FloatVector.fromArray(S, x, xw + pos[t * SLICE + lane] * n, m);
                            FloatVector a0b = FloatVector.broadcast(S, wt);
                            a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                        }
                    }
                    a0.add(b).max(lo).intoArray(y, yOff + r * n + j, m);
                }
            }
        }
    }
}
