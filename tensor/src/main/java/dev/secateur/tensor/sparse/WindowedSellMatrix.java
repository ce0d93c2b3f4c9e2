package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SELL-16 cut into 64-column windows, its rows in bands of 64 that are regrouped per window: for
 * each band and each window of 64 input columns the band's rows are sorted by how many weights
 * they keep in that window and taken 16 at a time as four groups, and slot t of a group holds the
 * t-th kept weight of each of its 16 rows inside the window (rows with fewer are padded with +0.0),
 * as 16 float values and 16 one-byte positions in the window. A group is as wide as its longest
 * row, so sorting per window pads far less than fixed slices of 16 rows would (on random masks at
 * 90% sparsity 1.22× the kept weights instead of 1.7×). The batch-1 kernel loads the 64 inputs of a
 * window into four registers once per band, picks each lane's input with two in-register
 * two-vector permutes and a blend (no gather, 5 bytes per slot), and adds each group's 16 sums to
 * the band's four row accumulators through the same permute, by a per-window lane map of 64 bytes.
 * Bands are cut from the rows sorted longest first ({@link RowOrder}); the sums of reordered rows
 * go through a per-thread scratch and reach their rows with the bias and ReLU. {@link
 * SparseSelector} measures it against the other formats.
 */
public final class WindowedSellMatrix extends AbstractSparseMatrix implements SparseMatrix {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    /** Rows of a group: the lanes of one slot. */
    static final int SLICE = 16;
    /** Groups in a band. */
    static final int GROUPS = 4;
    static final int BAND = GROUPS * SLICE;
    static final int WINDOW = 64;
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    final int windows;
    final float[] values;
    final byte[] pos;
    /** The row at band position p, or null where the rows keep their order. */
    final int[] order;
    /**
     * Slots of group g of (band b, window w): {@code [slotPtr[q + g], slotPtr[q + g + 1])} with
     * {@code q = (b·windows + w)·GROUPS}.
     */
    final int[] slotPtr;
    /** Lane map of (band b, window w): {@code laneMap[(b·windows + w)·BAND + i]} = group·16 + lane of the band's i-th row. */
    final byte[] laneMap;

    private WindowedSellMatrix(int rows, int cols, long nonZeros, float[] values, byte[] pos, int[] slotPtr, byte[] laneMap,
                               int windows, int[] order) {
        super(rows, cols, nonZeros, bandPartition(rows, slotPtr, windows));
        this.order = order;
        this.windows = windows;
        this.values = values;
        this.pos = pos;
        this.slotPtr = slotPtr;
        this.laneMap = laneMap;
    }

    /** One unit per band (also when K = 0: the band still writes its bias). */
    private static Partition bandPartition(int rows, int[] slotPtr, int windows) {
        int bands = (rows + BAND - 1) / BAND;
        long[] work = new long[bands];
        for (int b = 0; b < bands; b++) {
            work[b] = 16L * (slotPtr[(b + 1) * windows * GROUPS] - slotPtr[b * windows * GROUPS]) + 8L * windows;
        }
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
        int bands = (rows + BAND - 1) / BAND, windows = (cols + WINDOW - 1) / WINDOW;
        int[] slotPtr = new int[Math.addExact(Math.multiplyExact(Math.multiplyExact(bands, windows), GROUPS), 1)];
        byte[] laneMap = new byte[Math.multiplyExact(Math.multiplyExact(bands, windows), BAND)];
        long kept = 0;
        long[] keyed = new long[BAND];
        for (int b = 0; b < bands; b++) {
            for (int w = 0; w < windows; w++) {
                // The band's rows by their count in this window, most first (rows past the end count 0).
                for (int i = 0; i < BAND; i++) {
                    int p = b * BAND + i, n = p < rows ? keptIn(src, RowOrder.row(order, p), w, cols) : 0;
                    keyed[i] = ((long) (WINDOW - n) << 32) | i;
                    kept += n;
                }
                java.util.Arrays.sort(keyed);
                int q = (b * windows + w) * GROUPS;
                for (int j = 0; j < BAND; j++) laneMap[(b * windows + w) * BAND + (int) keyed[j]] = (byte) j;
                for (int g = 0; g < GROUPS; g++) {
                    int width = WINDOW - (int) (keyed[g * SLICE] >>> 32);
                    slotPtr[q + g + 1] = Math.addExact(slotPtr[q + g], width);
                }
            }
        }
        int entries = Math.multiplyExact(slotPtr[slotPtr.length - 1], SLICE);
        float[] values = new float[entries];
        byte[] pos = new byte[entries];
        for (int b = 0; b < bands; b++) {
            for (int w = 0; w < windows; w++) {
                for (int p = b * BAND; p < Math.min(rows, (b + 1) * BAND); p++) {
                    int j = laneMap[(b * windows + w) * BAND + p - b * BAND], lane = j % SLICE, r = RowOrder.row(order, p);
                    int t = slotPtr[(b * windows + w) * GROUPS + j / SLICE];
                    for (int c = w * WINDOW; c < Math.min(cols, (w + 1) * WINDOW); c++) {
                        if (!src.kept(r, c)) continue;
                        values[t * SLICE + lane] = dense[r * cols + c];
                        pos[t * SLICE + lane] = (byte) (c - w * WINDOW);
                        t++;
                    }
                }
            }
        }
        return new WindowedSellMatrix(rows, cols, kept, values, pos, slotPtr, laneMap, windows, order);
    }

    /** Weights row {@code r} keeps in window {@code w}. */
    private static int keptIn(WeightSource src, int r, int w, int cols) {
        int n = 0;
        for (int c = w * WINDOW; c < Math.min(cols, (w + 1) * WINDOW); c++) if (src.kept(r, c)) n++;
        return n;
    }

    @Override public long byteSize() {
        return 5L * values.length + 4L * slotPtr.length + laneMap.length + (order == null ? 0 : 4L * order.length);
    }

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
        for (int p = 0; p < rows; p++) {
            int b = p / BAND, r = RowOrder.row(order, p);
            for (int w = 0; w < windows; w++) {
                int j = laneMap[(b * windows + w) * BAND + p - b * BAND], lane = j % SLICE, q = (b * windows + w) * GROUPS + j / SLICE;
                for (int t = slotPtr[q]; t < slotPtr[q + 1]; t++) {
                    float v = values[t * SLICE + lane];
                    // Padding is +0.0 at position 0; skipping +0.0 keeps a kept weight there intact.
                    if (Float.floatToRawIntBits(v) != 0) d[r * cols + w * WINDOW + pos[t * SLICE + lane]] = v;
                }
            }
        }
        return d;
    }

    /**
     * y = W·x: x copied once into this thread's scratch, padded with zeros to whole windows, so that
     * each window's four x registers are plain loads (masked ones, even with every lane set, were
     * slower). A last band of fewer than 64 rows runs the same kernel into a scratch (its missing
     * rows are empty lanes).
     */
    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int b0, int b1) {
        int padded = windows * WINDOW;
        float[] xp = RowScratch.input(padded);
        System.arraycopy(x, xOff, xp, 0, cols);
        java.util.Arrays.fill(xp, cols, padded, 0f);
        int r0 = b0 * BAND, r1 = Math.min(rows, b1 * BAND);
        if (order != null) {
            float[] sums = RowScratch.atLeast(b1 * BAND);
            multiply(values, pos, slotPtr, laneMap, windows, xp, sums, r0, b0, b1);
            RowOrder.store(sums, order, y, yOff, bias, relu, r0, r1);
            return;
        }
        int full = Math.min(b1, rows / BAND);
        multiply(values, pos, slotPtr, laneMap, windows, xp, y, yOff + r0, b0, full);
        if (full < b1) {
            float[] last = RowScratch.atLeast(BAND);
            multiply(values, pos, slotPtr, laneMap, windows, xp, last, 0, full, b1);
            System.arraycopy(last, 0, y, yOff + full * BAND, rows - full * BAND);
        }
        if (bias != null || relu) epilogue(y, yOff, bias, relu, r0, r1);
    }

    /**
     * The batch-1 kernel on the matrix arrays over bands {@code [b0, b1)}, their 64 sums each from
     * {@code out[outOff]} on; {@code x} holds whole windows from index 0. Per slot two permutes, a
     * blend and one FMA on two chains that swap every slot (so one chain does not wait on its
     * 4-cycle latency); per window each of the band's four row groups picks its sums from the four
     * group sums (two permutes and a blend, by the lane map). The x registers
     * are viewed as ints so that the byte positions widen straight to int indices. Everything is
     * written out in this one body, the four groups included: a helper taking the window's vectors
     * could be left un-inlined and box them on every slot.
     */
    private static void multiply(float[] v, byte[] p, int[] ptr, byte[] map, int nw, float[] x, float[] out, int outOff,
                                 int b0, int b1) {
        for (int b = b0; b < b1; b++) {
            FloatVector r0 = FloatVector.zero(S16), r1 = r0, r2 = r0, r3 = r0;
            for (int w = 0; w < nw; w++) {
                int q = (b * nw + w) * GROUPS;
                int t = ptr[q];
                if (t == ptr[q + GROUPS]) continue;
                int c = w * WINDOW;
                IntVector x0 = FloatVector.fromArray(S16, x, c).reinterpretAsInts();
                IntVector x1 = FloatVector.fromArray(S16, x, c + 16).reinterpretAsInts();
                IntVector x2 = FloatVector.fromArray(S16, x, c + 32).reinterpretAsInts();
                IntVector x3 = FloatVector.fromArray(S16, x, c + 48).reinterpretAsInts();
                // selectFrom uses the low 5 bits (wraps modulo 32); bit 5 picks the register pair.
                FloatVector a0 = FloatVector.zero(S16), a1 = a0;
                for (int e = ptr[q + 1]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * SLICE).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector wt = FloatVector.fromArray(S16, v, t * SLICE);
                    FloatVector next = FMA ? wt.fma(in, a0) : wt.mul(in).add(a0);
                    a0 = a1;
                    a1 = next;
                }
                IntVector g0 = a0.add(a1).reinterpretAsInts();
                a0 = FloatVector.zero(S16);
                a1 = a0;
                for (int e = ptr[q + 2]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * SLICE).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector wt = FloatVector.fromArray(S16, v, t * SLICE);
                    FloatVector next = FMA ? wt.fma(in, a0) : wt.mul(in).add(a0);
                    a0 = a1;
                    a1 = next;
                }
                IntVector g1 = a0.add(a1).reinterpretAsInts();
                a0 = FloatVector.zero(S16);
                a1 = a0;
                for (int e = ptr[q + 3]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * SLICE).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector wt = FloatVector.fromArray(S16, v, t * SLICE);
                    FloatVector next = FMA ? wt.fma(in, a0) : wt.mul(in).add(a0);
                    a0 = a1;
                    a1 = next;
                }
                IntVector g2 = a0.add(a1).reinterpretAsInts();
                a0 = FloatVector.zero(S16);
                a1 = a0;
                for (int e = ptr[q + 4]; t < e; t++) {
                    IntVector idx = (IntVector) ByteVector.fromArray(B16, p, t * SLICE).convertShape(VectorOperators.B2I, I16, 0);
                    FloatVector in = idx.selectFrom(x0, x1).blend(idx.selectFrom(x2, x3), idx.compare(VectorOperators.GE, 32)).reinterpretAsFloats();
                    FloatVector wt = FloatVector.fromArray(S16, v, t * SLICE);
                    FloatVector next = FMA ? wt.fma(in, a0) : wt.mul(in).add(a0);
                    a0 = a1;
                    a1 = next;
                }
                IntVector g3 = a0.add(a1).reinterpretAsInts();
                // Each group of the band's rows gathers its sums from the four groups of this window.
                int m = (b * nw + w) * BAND;
                IntVector i0 = (IntVector) ByteVector.fromArray(B16, map, m).convertShape(VectorOperators.B2I, I16, 0);
                r0 = r0.add(i0.selectFrom(g0, g1).blend(i0.selectFrom(g2, g3), i0.compare(VectorOperators.GE, 32)).reinterpretAsFloats());
                IntVector i1 = (IntVector) ByteVector.fromArray(B16, map, m + 16).convertShape(VectorOperators.B2I, I16, 0);
                r1 = r1.add(i1.selectFrom(g0, g1).blend(i1.selectFrom(g2, g3), i1.compare(VectorOperators.GE, 32)).reinterpretAsFloats());
                IntVector i2 = (IntVector) ByteVector.fromArray(B16, map, m + 32).convertShape(VectorOperators.B2I, I16, 0);
                r2 = r2.add(i2.selectFrom(g0, g1).blend(i2.selectFrom(g2, g3), i2.compare(VectorOperators.GE, 32)).reinterpretAsFloats());
                IntVector i3 = (IntVector) ByteVector.fromArray(B16, map, m + 48).convertShape(VectorOperators.B2I, I16, 0);
                r3 = r3.add(i3.selectFrom(g0, g1).blend(i3.selectFrom(g2, g3), i3.compare(VectorOperators.GE, 32)).reinterpretAsFloats());
            }
            int o = outOff + (b - b0) * BAND;
            r0.intoArray(out, o);
            r1.intoArray(out, o + 16);
            r2.intoArray(out, o + 32);
            r3.intoArray(out, o + 48);
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

    /** Y = W·X: each row as a CSR row over its lane in each window (padding slots are skipped), vectors along the batch. */
    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int b0, int b1) {
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int p = b0 * BAND; p < Math.min(rows, b1 * BAND); p++) {
            int b = p / BAND, bw = b * windows, r = RowOrder.row(order, p), m = bw * BAND + p - b * BAND;
            float bv = bias == null ? 0f : bias[r];
            int j = 0;
            // Whole batch vectors with plain loads and stores (masked ones, even with every lane
            // set, cost this loop time); the last partial vector under a mask.
            for (; j + L <= n; j += L) {
                FloatVector a0 = FloatVector.zero(S);
                for (int w = 0; w < windows; w++) {
                    int xw = xOff + w * WINDOW * n + j, at = laneMap[m + w * BAND], lane = at & (SLICE - 1), q = (bw + w) * GROUPS + (at >>> Integer.numberOfTrailingZeros(SLICE));
                    for (int t = slotPtr[q]; t < slotPtr[q + 1]; t++) {
                        float wt = values[t * SLICE + lane];
                        if (Float.floatToRawIntBits(wt) == 0) continue;
                        FloatVector a0a = FloatVector.fromArray(S, x, xw + pos[t * SLICE + lane] * n);
                        FloatVector a0b = FloatVector.broadcast(S, wt);
                        a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                    }
                }
                a0.add(bv).max(lo).intoArray(y, yOff + r * n + j);
            }
            if (j < n) {
                VectorMask<Float> mk = S.indexInRange(j, n);
                FloatVector a0 = FloatVector.zero(S);
                for (int w = 0; w < windows; w++) {
                    int xw = xOff + w * WINDOW * n + j, at = laneMap[m + w * BAND], lane = at & (SLICE - 1), q = (bw + w) * GROUPS + (at >>> Integer.numberOfTrailingZeros(SLICE));
                    for (int t = slotPtr[q]; t < slotPtr[q + 1]; t++) {
                        float wt = values[t * SLICE + lane];
                        if (Float.floatToRawIntBits(wt) == 0) continue;
                        FloatVector a0a = FloatVector.fromArray(S, x, xw + pos[t * SLICE + lane] * n, mk);
                        FloatVector a0b = FloatVector.broadcast(S, wt);
                        a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                    }
                }
                a0.add(bv).max(lo).intoArray(y, yOff + r * n + j, mk);
            }
        }
    }
}
