package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * CSR cut into panels of {@value #PANEL} input columns, for batched products. Every kept weight
 * needs its 64-wide batch row of {@code X[K, n]} (256 bytes), one 512-bit load per FMA, so the
 * kernel lives on its loads. Two things make them cheaper than in {@link CsrMatrix}: each
 * (64-column chunk, panel) block of X is copied into a 64-byte aligned off-heap buffer
 * ({@link PanelBuffer}; heap arrays give no alignment, and a load straddling two cache lines
 * costs two: 28% of CSR's time at 1024², 90%), and the panel's X rows (256 KB) stay in L2 while
 * every output row adds its weights from that panel. The price is one load and store of the
 * output chunk per (row, panel) that has weights, and a pointer per (panel, row). Panel width at
 * 4096² × 64 (µs at 90% / 95%, one run each): 128 → 6,100 (noisy); 256 → 3,715 / 2,332;
 * 512 → 3,570 / 1,978; 1024 → 3,355 / 1,780; 2048 → 3,678 / 1,851. Column indices are 16-bit
 * (the column within the panel): 6 bytes per weight.
 *
 * <p>Outputs start as the bias, each panel adds its share, and the last one applies ReLU as it
 * stores, so a row is summed panel by panel, weights in column order — the same order for any thread
 * count (threads split the rows). Batch 1 is a plain scalar loop (this format is for batches).
 */
public final class PanelCsrMatrix extends AbstractSparseMatrix implements SparseMatrix {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    public static final int PANEL = 1024;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Batch columns per pass: four vectors, one X row of the panel buffer. */
    static final int CHUNK = 4 * L;
    private static final long VB = (long) L * Float.BYTES, ROW_BYTES = (long) CHUNK * Float.BYTES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    final int panels;
    final float[] values;
    /** Column of each weight within its panel. */
    final char[] columns;
    /** Weights of (panel q, row r): {@code [ptr[q·rows + r], ptr[q·rows + r + 1])}. */
    final int[] ptr;
    /** {@code j·cols} for j below {@link #CHUNK}: where sample j of a chunk starts (sample-major fill). */
    private final int[] sampleOffsets;

    private PanelCsrMatrix(int rows, int cols, long nonZeros, int panels, float[] values, char[] columns, int[] ptr) {
        super(rows, cols, nonZeros, rowPartition(rows, panels, ptr));
        this.panels = panels;
        this.values = values;
        this.columns = columns;
        this.ptr = ptr;
        this.sampleOffsets = new int[CHUNK];
        for (int j = 0; j < CHUNK; j++) sampleOffsets[j] = (int) Math.min(Integer.MAX_VALUE, (long) j * cols);
    }

    /** Per row: its weights plus a load/store of the output per panel. */
    private static Partition rowPartition(int rows, int panels, int[] ptr) {
        long[] work = new long[rows];
        for (int q = 0; q < panels; q++) {
            for (int r = 0; r < rows; r++) work[r] += ptr[q * rows + r + 1] - ptr[q * rows + r] + 2;
        }
        return Partition.of(work);
    }

    /**
     * Whether a layer with {@code cols} inputs is worth timing this format for (batched products):
     * below a few hundred inputs X is small enough to stay in L1 for plain CSR.
     */
    public static boolean worthTrying(int cols) {
        return cols >= 256;
    }

    /** Keeps the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static PanelCsrMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** Keeps the entries where {@code mask} is true (explicit zeros included); a null mask keeps the non-zeros. */
    public static PanelCsrMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("pcsr", dense, rows, cols, mask);
        int panels = Math.max(1, (cols + PANEL - 1) / PANEL); // one empty panel when cols = 0: it writes the bias
        int[] ptr = new int[Math.addExact(Math.multiplyExact(panels, rows), 1)];
        for (int q = 0, at = 0; q < panels; q++) {
            for (int r = 0; r < rows; r++) {
                for (int c = q * PANEL; c < Math.min(cols, (q + 1) * PANEL); c++) if (src.kept(r, c)) at++;
                ptr[q * rows + r + 1] = at;
            }
        }
        int kept = ptr[ptr.length - 1];
        float[] values = new float[kept];
        char[] columns = new char[kept];
        for (int q = 0, at = 0; q < panels; q++) {
            for (int r = 0; r < rows; r++) {
                for (int c = q * PANEL; c < Math.min(cols, (q + 1) * PANEL); c++) {
                    if (!src.kept(r, c)) continue;
                    values[at] = dense[r * cols + c];
                    columns[at++] = (char) (c - q * PANEL);
                }
            }
        }
        return new PanelCsrMatrix(rows, cols, kept, panels, values, columns, ptr);
    }

    @Override public long byteSize() { return 6L * values.length + 4L * ptr.length; }

    @Override public String format() { return "pcsr"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int q = 0; q < panels; q++) {
            for (int r = 0; r < rows; r++) {
                for (int p = ptr[q * rows + r]; p < ptr[q * rows + r + 1]; p++) d[r * cols + q * PANEL + columns[p]] = values[p];
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            float s = 0f;
            for (int q = 0; q < panels; q++) {
                int xq = xOff + q * PANEL;
                for (int p = ptr[q * rows + r]; p < ptr[q * rows + r + 1]; p++) s = Fma.fma(values[p], x[xq + columns[p]], s);
            }
            y[yOff + r] = Epilogue.scalar(s, bias, r, relu);
        }
    }

    /**
     * Y = W·X in chunks of up to four batch vectors; per chunk the panels in order, per panel the
     * rows of the range. Each (chunk, panel) block of X is first copied into this thread's
     * 64-byte aligned buffer ({@code PANEL × 64} floats, zero-padded past the chunk width).
     */
    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        product(x, xOff, n, false, y, yOff, bias, relu, r0, r1);
    }

    /**
     * {@link #multiplyBatch} with the activations sample-major: {@code x} holds {@code [batch, cols]}
     * (one sample after another, as a caller or a convolution leaves them), {@code y} is still
     * {@code [rows, batch]}. The panel buffer is filled with strided (gather) loads straight from
     * the samples, so no transposed copy of the input is made.
     */
    public void multiplyBatchSampleMajor(Workers workers, float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu) {
        if (workers == null) throw new IllegalArgumentException("workers is null");
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        check(x, xOff, batch, y, yOff, bias); // [batch, cols] and [cols, batch] span the same floats
        if (batch == 0) return;
        int threads = Math.min(workers.threads(), units());
        if (threads <= 1) {
            product(x, xOff, batch, true, y, yOff, bias, relu, 0, rows);
            return;
        }
        int[] bounds = bounds(threads);
        workers.forEach(threads, t -> product(x, xOff, batch, true, y, yOff, bias, relu, bounds[t], bounds[t + 1]));
    }

    /**
     * Per chunk of the batch and per panel: fill the buffer (from feature-major or sample-major X:
     * two small methods, so that each keeps its own compiled code), then every row of the range
     * adds that panel's weights. The first panel starts the sums at the bias, the last one applies
     * ReLU as it stores, so the output is written once per panel and never swept again.
     */
    private void product(float[] x, int xOff, int n, boolean sampleMajor, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        MemorySegment buf = PanelBuffer.get();
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j += CHUNK) {
            int width = Math.min(CHUNK, n - j);
            for (int q = 0; q < panels; q++) {
                int k0 = q * PANEL, kn = Math.min(PANEL, cols - k0);
                if (sampleMajor) PanelBuffer.fillFromSamples(buf, x, xOff + j * cols + k0, kn, width, sampleOffsets);
                else PanelBuffer.fill(buf, x, xOff + k0 * n + j, n, kn, width);
                panelRows(q, buf, y, yOff, n, j, width, bias, q == panels - 1 ? lo : Float.NEGATIVE_INFINITY, r0, r1);
            }
        }
    }

    /**
     * Rows {@code [r0, r1)} add the weights of panel {@code q} for batch columns {@code [j, j + width)};
     * panel 0 starts from the bias (or zero), later ones from the stored partial sums; stores are
     * clamped below at {@code lo}.
     */
    private void panelRows(int q, MemorySegment buf, float[] y, int yOff, int n, int j, int width, float[] bias, float lo, int r0, int r1) {
        int base = q * rows;
        for (int r = r0; r < r1; r++) {
            int p = ptr[base + r], e = ptr[base + r + 1], yo = yOff + r * n + j;
            boolean fromBias = q == 0;
            if (p == e && !fromBias && lo == Float.NEGATIVE_INFINITY) continue;
            float b = bias == null ? 0f : bias[r];
            if (width == CHUNK) wide(p, e, buf, y, yo, fromBias, b, lo);
            else for (int v = 0; v < width; v += L) narrow(p, e, buf, v, y, yo + v, S.indexInRange(v, width), fromBias, b, lo);
            if (lo == 0f && !FLOAT_MAX) VectorMax.relu(y, yo, width); // the kernels stored without max
        }
    }

    /**
     * Adds weights {@code [p, e)} times their buffered X rows to four output vectors, in two sets of
     * accumulators (even and odd weights) so that consecutive FMAs do not wait on each other. One
     * weight per step of each set, with an odd first weight taken before the loop: a loop over
     * pairs with its tail after it kept more values live and C2 spilled them.
     */
    private void wide(int p, int e, MemorySegment b, float[] y, int yo, boolean fromBias, float bias, float lo) {
        float[] v = values;
        char[] c = columns;
        FloatVector a0, a1, a2, a3;
        if (fromBias) {
            a0 = a1 = a2 = a3 = FloatVector.broadcast(S, bias);
        } else {
            a0 = FloatVector.fromArray(S, y, yo);
            a1 = FloatVector.fromArray(S, y, yo + L);
            a2 = FloatVector.fromArray(S, y, yo + 2 * L);
            a3 = FloatVector.fromArray(S, y, yo + 3 * L);
        }
        FloatVector b0 = FloatVector.zero(S), b1 = b0, b2 = b0, b3 = b0;
        if (((e - p) & 1) != 0) {
            long i0 = (long) c[p] * ROW_BYTES;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            b0 = FloatVector.fromMemorySegment(S, b, i0, NATIVE).mul(w);
            b1 = FloatVector.fromMemorySegment(S, b, i0 + VB, NATIVE).mul(w);
            b2 = FloatVector.fromMemorySegment(S, b, i0 + 2 * VB, NATIVE).mul(w);
            b3 = FloatVector.fromMemorySegment(S, b, i0 + 3 * VB, NATIVE).mul(w);
            p++;
        }
        for (; p < e; p += 2) {
            long i0 = (long) c[p] * ROW_BYTES;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            FloatVector x0 = FloatVector.fromMemorySegment(S, b, i0, NATIVE);
            a0 = FMA ? x0.fma(w, a0) : x0.mul(w).add(a0);
            FloatVector x1 = FloatVector.fromMemorySegment(S, b, i0 + VB, NATIVE);
            a1 = FMA ? x1.fma(w, a1) : x1.mul(w).add(a1);
            FloatVector x2 = FloatVector.fromMemorySegment(S, b, i0 + 2 * VB, NATIVE);
            a2 = FMA ? x2.fma(w, a2) : x2.mul(w).add(a2);
            FloatVector x3 = FloatVector.fromMemorySegment(S, b, i0 + 3 * VB, NATIVE);
            a3 = FMA ? x3.fma(w, a3) : x3.mul(w).add(a3);
            long i1 = (long) c[p + 1] * ROW_BYTES;
            FloatVector u = FloatVector.broadcast(S, v[p + 1]);
            FloatVector z0 = FloatVector.fromMemorySegment(S, b, i1, NATIVE);
            b0 = FMA ? z0.fma(u, b0) : z0.mul(u).add(b0);
            FloatVector z1 = FloatVector.fromMemorySegment(S, b, i1 + VB, NATIVE);
            b1 = FMA ? z1.fma(u, b1) : z1.mul(u).add(b1);
            FloatVector z2 = FloatVector.fromMemorySegment(S, b, i1 + 2 * VB, NATIVE);
            b2 = FMA ? z2.fma(u, b2) : z2.mul(u).add(b2);
            FloatVector z3 = FloatVector.fromMemorySegment(S, b, i1 + 3 * VB, NATIVE);
            b3 = FMA ? z3.fma(u, b3) : z3.mul(u).add(b3);
        }
        a0 = a0.add(b0);
        (FLOAT_MAX ? a0.max(lo) : a0).intoArray(y, yo);
        a1 = a1.add(b1);
        (FLOAT_MAX ? a1.max(lo) : a1).intoArray(y, yo + L);
        a2 = a2.add(b2);
        (FLOAT_MAX ? a2.max(lo) : a2).intoArray(y, yo + 2 * L);
        a3 = a3.add(b3);
        (FLOAT_MAX ? a3.max(lo) : a3).intoArray(y, yo + 3 * L);
    }

    /** Batch vector {@code v / L} of the chunk, output under mask {@code m} (buffer lanes past the width are zero). */
    private void narrow(int p, int e, MemorySegment b, int v, float[] y, int yo, VectorMask<Float> m, boolean fromBias, float bias, float lo) {
        float[] w = values;
        char[] c = columns;
        long at = (long) v * Float.BYTES;
        FloatVector a = fromBias ? FloatVector.broadcast(S, bias) : FloatVector.fromArray(S, y, yo, m), d = FloatVector.zero(S);
        for (; p + 1 < e; p += 2) {
            FloatVector aa = FloatVector.fromMemorySegment(S, b, at + c[p] * ROW_BYTES, NATIVE);
            FloatVector ab = FloatVector.broadcast(S, w[p]);
            a = FMA ? aa.fma(ab, a) : aa.mul(ab).add(a);
            FloatVector da = FloatVector.fromMemorySegment(S, b, at + c[p + 1] * ROW_BYTES, NATIVE);
            FloatVector db = FloatVector.broadcast(S, w[p + 1]);
            d = FMA ? da.fma(db, d) : da.mul(db).add(d);
        }
        if (p < e) a = (FMA ? FloatVector.fromMemorySegment(S, b, at + c[p] * ROW_BYTES, NATIVE).fma(FloatVector.broadcast(S, w[p]), a) : FloatVector.fromMemorySegment(S, b, at + c[p] * ROW_BYTES, NATIVE).mul(FloatVector.broadcast(S, w[p])).add(a));
        a = a.add(d);
        (FLOAT_MAX ? a.max(lo) : a).intoArray(y, yo, m);
    }
}
