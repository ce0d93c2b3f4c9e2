package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sliced ELLPACK with slices of 16 output rows (SELL-16): in a slice, slot t holds the t-th kept
 * weight of each of the 16 rows (one 16-lane vector of values and one of 32-bit column
 * indices); rows shorter than the slice's longest are padded with zero weights at column 0.
 * The batch-1 kernel is one value load, one gather of x and one FMA per 16 weights — the Vector
 * API gather ({@code fromArray} with an {@code int[]} index map) needs 32-bit indices, so an
 * entry costs 8 bytes. Padding is small for random masks (rows of similar length) and large for
 * rows of very different lengths; {@link SparseSelector} measures instead of guessing.
 */
public final class SellMatrix extends AbstractSparseMatrix implements SparseMatrix {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    static final int SLICE = 16;
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    final float[] values;
    final int[] columns;
    /** Slot range of slice s: {@code [slotPtr[s], slotPtr[s+1])}; slot t's lanes are at {@code 16t..16t+15}. */
    final int[] slotPtr;

    private SellMatrix(int rows, int cols, long nonZeros, float[] values, int[] columns, int[] slotPtr) {
        super(rows, cols, nonZeros, Partition.ofPointers(slotPtr, SLICE));
        this.values = values;
        this.columns = columns;
        this.slotPtr = slotPtr;
    }

    /** SELL-16 over the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static SellMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** SELL-16 over the entries where {@code mask} is true; a null mask keeps the non-zeros. */
    public static SellMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("sell16", dense, rows, cols, mask);
        int slices = (rows + SLICE - 1) / SLICE;
        int[] slotPtr = new int[slices + 1];
        int[] rowLen = new int[rows];
        long kept = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) if (src.kept(r, c)) rowLen[r]++;
            kept += rowLen[r];
        }
        for (int s = 0; s < slices; s++) {
            int width = 0;
            for (int r = s * SLICE; r < Math.min(rows, (s + 1) * SLICE); r++) width = Math.max(width, rowLen[r]);
            slotPtr[s + 1] = Math.addExact(slotPtr[s], width);
        }
        int entries = Math.multiplyExact(slotPtr[slices], SLICE);
        float[] values = new float[entries];
        int[] columns = new int[entries];
        for (int r = 0; r < rows; r++) {
            int s = r / SLICE, lane = r % SLICE, t = slotPtr[s];
            for (int c = 0; c < cols; c++) {
                if (src.kept(r, c)) {
                    values[t * SLICE + lane] = dense[r * cols + c];
                    columns[t * SLICE + lane] = c;
                    t++;
                }
            }
        }
        return new SellMatrix(rows, cols, kept, values, columns, slotPtr);
    }

    @Override public long byteSize() { return 4L * values.length + 4L * columns.length + 4L * slotPtr.length; }

    /**
     * Whether its kernels run as SIMD code here: they are written for 16 float lanes (512-bit
     * vectors, AVX-512), and a species wider than the JVM's vectors runs hundreds of times slower.
     */
    public static boolean runsHere() {
        return VectorPlatform.supportsLanes(16);
    }

    @Override public String format() { return "sell16"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int s = 0; s < slotPtr.length - 1; s++) {
            for (int t = slotPtr[s]; t < slotPtr[s + 1]; t++) {
                for (int lane = 0; lane < SLICE; lane++) {
                    int r = s * SLICE + lane, i = t * SLICE + lane;
                    // Padding is +0.0 at column 0; skipping +0.0 keeps a kept weight there intact.
                    if (r < rows && Float.floatToRawIntBits(values[i]) != 0) d[r * cols + columns[i]] = values[i];
                }
            }
        }
        return d;
    }

    /** y = W·x: per slot one value load, one gather of x, one FMA; two accumulators. */
    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int s0, int s1) {
        float[] v = values;
        int[] col = columns;
        for (int s = s0; s < s1; s++) {
            int t = slotPtr[s], e = slotPtr[s + 1];
            FloatVector a0 = FloatVector.zero(S16), a1 = a0;
            for (; t + 1 < e; t += 2) {
                FloatVector a0a = FloatVector.fromArray(S16, v, t * SLICE);
                FloatVector a0b = FloatVector.fromArray(S16, x, xOff, col, t * SLICE);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                FloatVector a1a = FloatVector.fromArray(S16, v, t * SLICE + SLICE);
                FloatVector a1b = FloatVector.fromArray(S16, x, xOff, col, t * SLICE + SLICE);
                a1 = FMA ? a1a.fma(a1b, a1) : a1a.mul(a1b).add(a1);
            }
            if (t < e) a0 = (FMA ? FloatVector.fromArray(S16, v, t * SLICE).fma(FloatVector.fromArray(S16, x, xOff, col, t * SLICE), a0) : FloatVector.fromArray(S16, v, t * SLICE).mul(FloatVector.fromArray(S16, x, xOff, col, t * SLICE)).add(a0));
            FloatVector acc = a0.add(a1);
            int row0 = s * SLICE;
            if (row0 + SLICE <= rows) {
                if (bias != null) acc = acc.add(FloatVector.fromArray(S16, bias, row0));
                if (relu) acc = acc.max(0f);
                acc.intoArray(y, yOff + row0);
            } else {
                VectorMask<Float> tail = S16.indexInRange(row0, rows);
                if (bias != null) acc = acc.add(FloatVector.fromArray(S16, bias, row0, tail));
                if (relu) acc = acc.max(0f);
                acc.intoArray(y, yOff + row0, tail);
            }
        }
    }

    /** Y = W·X: each row of the slice as a CSR row (stride-16 entries), vectors along the batch. */
    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int s0, int s1) {
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int s = s0; s < s1; s++) {
            int t0 = slotPtr[s], e = slotPtr[s + 1];
            for (int r = s * SLICE; r < Math.min(rows, (s + 1) * SLICE); r++) {
                int lane = r - s * SLICE;
                float b = bias == null ? 0f : bias[r];
                int j = 0;
                // Whole pairs of batch vectors with plain loads and stores (masked ones, even with
                // every lane set, cost this loop time); the last partial pair under masks.
                for (; j + 2 * L <= n; j += 2 * L) {
                    FloatVector a0 = FloatVector.zero(S), a1 = a0;
                    for (int t = t0; t < e; t++) {
                        int i = t * SLICE + lane;
                        int xo = xOff + columns[i] * n + j;
                        FloatVector w = FloatVector.broadcast(S, values[i]);
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
                        int i = t * SLICE + lane;
                        int xo = xOff + columns[i] * n + j;
                        FloatVector w = FloatVector.broadcast(S, values[i]);
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
