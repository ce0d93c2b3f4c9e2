package dev.secateur.tensor.sparse;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * CSR cut into panels of {@value #PANEL} input columns, for batched products. Plain CSR walks a
 * row's kept weights across all K inputs, so every weight loads its 64-wide batch row of
 * {@code X[K, n]} from wherever it lies in an X of K·n floats — at 4096×4096 and n = 64 that is
 * a 1 MB X read at random from L2 (and its TLB), one 256-byte row per weight. Here the product
 * runs panel by panel: the {@value #PANEL} X rows of a panel (64 KB for a 64-wide chunk of the
 * batch, copied to an aligned buffer) stay in L2 next to the output while every output row adds
 * its weights from that panel. The price is one load and store of the output chunk per (row,
 * panel) that has weights, and a pointer per (panel, row); 128-column panels (L1-sized) pay
 * that twice as often and measured slower at 4096×4096 (6.1 vs 3.6–3.9 ms at 90%, n = 64,
 * noisy single runs). Column indices
 * are one byte (the column within the panel): 5 bytes per weight.
 *
 * <p>Outputs start as the bias, each panel adds its share, and ReLU runs over the finished rows,
 * so a row is summed panel by panel, weights in column order — the same order for any thread
 * count (threads split the rows). Batch 1 is a plain scalar loop (this format is for batches).
 */
public final class PanelCsrMatrix extends AbstractSparseMatrix implements SparseMatrix {
    public static final int PANEL = 256;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Batch columns per pass: four vectors, one X row of the panel buffer. */
    static final int CHUNK = 4 * L;
    private static final long VB = (long) L * Float.BYTES, ROW_BYTES = (long) CHUNK * Float.BYTES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    final int panels;
    final float[] values;
    /** Column of each weight within its panel, unsigned. */
    final byte[] columns;
    /** Weights of (panel q, row r): {@code [ptr[q·rows + r], ptr[q·rows + r + 1])}. */
    final int[] ptr;

    private PanelCsrMatrix(int rows, int cols, long nonZeros, int panels, float[] values, byte[] columns, int[] ptr) {
        super(rows, cols, nonZeros, rowPartition(rows, panels, ptr));
        this.panels = panels;
        this.values = values;
        this.columns = columns;
        this.ptr = ptr;
    }

    /** Per row: its weights plus a load/store of the output per panel. */
    private static Partition rowPartition(int rows, int panels, int[] ptr) {
        long[] work = new long[rows];
        for (int q = 0; q < panels; q++) {
            for (int r = 0; r < rows; r++) work[r] += ptr[q * rows + r + 1] - ptr[q * rows + r] + 2;
        }
        return Partition.of(work);
    }

    /** Keeps the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static PanelCsrMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** Keeps the entries where {@code mask} is true (explicit zeros included); a null mask keeps the non-zeros. */
    public static PanelCsrMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("pcsr", dense, rows, cols, mask);
        int panels = (cols + PANEL - 1) / PANEL;
        int[] ptr = new int[Math.addExact(Math.multiplyExact(panels, rows), 1)];
        for (int q = 0, at = 0; q < panels; q++) {
            for (int r = 0; r < rows; r++) {
                for (int c = q * PANEL; c < Math.min(cols, (q + 1) * PANEL); c++) if (src.kept(r, c)) at++;
                ptr[q * rows + r + 1] = at;
            }
        }
        int kept = ptr[ptr.length - 1];
        float[] values = new float[kept];
        byte[] columns = new byte[kept];
        for (int q = 0, at = 0; q < panels; q++) {
            for (int r = 0; r < rows; r++) {
                for (int c = q * PANEL; c < Math.min(cols, (q + 1) * PANEL); c++) {
                    if (!src.kept(r, c)) continue;
                    values[at] = dense[r * cols + c];
                    columns[at++] = (byte) (c - q * PANEL);
                }
            }
        }
        return new PanelCsrMatrix(rows, cols, kept, panels, values, columns, ptr);
    }

    @Override public long byteSize() { return 5L * values.length + 4L * ptr.length; }

    @Override public String format() { return "pcsr"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int q = 0; q < panels; q++) {
            for (int r = 0; r < rows; r++) {
                for (int p = ptr[q * rows + r]; p < ptr[q * rows + r + 1]; p++) d[r * cols + q * PANEL + (columns[p] & 0xFF)] = values[p];
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            float s = 0f;
            for (int q = 0; q < panels; q++) {
                int xq = xOff + q * PANEL;
                for (int p = ptr[q * rows + r]; p < ptr[q * rows + r + 1]; p++) s = Math.fma(values[p], x[xq + (columns[p] & 0xFF)], s);
            }
            y[yOff + r] = Epilogue.scalar(s, bias, r, relu);
        }
    }

    /**
     * Y = W·X in chunks of up to four batch vectors; per chunk the panels in order, per panel the
     * rows of the range. Each (chunk, panel) block of X is first copied into a 64-byte aligned
     * buffer of this thread ({@code PANEL × 64} floats, zero-padded): heap arrays give no
     * alignment, and a 64-byte load that straddles two cache lines costs two — measured 30%
     * of this kernel's time at 1024×1024, 90% sparse, n = 64.
     */
    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) java.util.Arrays.fill(y, yOff + r * n, yOff + (r + 1) * n, bias == null ? 0f : bias[r]);
        MemorySegment buf = PanelBuffer.get();
        for (int j = 0; j < n; j += CHUNK) {
            int width = Math.min(CHUNK, n - j);
            for (int q = 0; q < panels; q++) {
                int k0 = q * PANEL, kn = Math.min(PANEL, cols - k0), base = q * rows;
                PanelBuffer.fill(buf, x, xOff + k0 * n + j, n, kn, width);
                for (int r = r0; r < r1; r++) {
                    int p = ptr[base + r], e = ptr[base + r + 1];
                    if (p == e) continue;
                    if (width == CHUNK) wide(p, e, buf, y, yOff + r * n + j);
                    else for (int v = 0; v < width; v += L) narrow(p, e, buf, v, y, yOff + r * n + j + v, S.indexInRange(v, width));
                }
            }
        }
        if (relu) {
            for (int r = r0; r < r1; r++) {
                int at = yOff + r * n, i = 0;
                for (; i + L <= n; i += L) FloatVector.fromArray(S, y, at + i).max(0f).intoArray(y, at + i);
                for (; i < n; i++) y[at + i] = Math.max(y[at + i], 0f);
            }
        }
    }

    /** Adds weights {@code [p, e)} times their buffered X rows to four output vectors; two chains of four accumulators. */
    private void wide(int p, int e, MemorySegment b, float[] y, int yo) {
        float[] v = values;
        byte[] c = columns;
        FloatVector a0 = FloatVector.fromArray(S, y, yo), a1 = FloatVector.fromArray(S, y, yo + L);
        FloatVector a2 = FloatVector.fromArray(S, y, yo + 2 * L), a3 = FloatVector.fromArray(S, y, yo + 3 * L);
        FloatVector b0 = FloatVector.zero(S), b1 = b0, b2 = b0, b3 = b0;
        for (; p + 1 < e; p += 2) {
            long i0 = (long) (c[p] & 0xFF) * ROW_BYTES, i1 = (long) (c[p + 1] & 0xFF) * ROW_BYTES;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            a0 = FloatVector.fromMemorySegment(S, b, i0, NATIVE).fma(w, a0);
            a1 = FloatVector.fromMemorySegment(S, b, i0 + VB, NATIVE).fma(w, a1);
            a2 = FloatVector.fromMemorySegment(S, b, i0 + 2 * VB, NATIVE).fma(w, a2);
            a3 = FloatVector.fromMemorySegment(S, b, i0 + 3 * VB, NATIVE).fma(w, a3);
            FloatVector u = FloatVector.broadcast(S, v[p + 1]);
            b0 = FloatVector.fromMemorySegment(S, b, i1, NATIVE).fma(u, b0);
            b1 = FloatVector.fromMemorySegment(S, b, i1 + VB, NATIVE).fma(u, b1);
            b2 = FloatVector.fromMemorySegment(S, b, i1 + 2 * VB, NATIVE).fma(u, b2);
            b3 = FloatVector.fromMemorySegment(S, b, i1 + 3 * VB, NATIVE).fma(u, b3);
        }
        if (p < e) {
            long i0 = (long) (c[p] & 0xFF) * ROW_BYTES;
            FloatVector w = FloatVector.broadcast(S, v[p]);
            a0 = FloatVector.fromMemorySegment(S, b, i0, NATIVE).fma(w, a0);
            a1 = FloatVector.fromMemorySegment(S, b, i0 + VB, NATIVE).fma(w, a1);
            a2 = FloatVector.fromMemorySegment(S, b, i0 + 2 * VB, NATIVE).fma(w, a2);
            a3 = FloatVector.fromMemorySegment(S, b, i0 + 3 * VB, NATIVE).fma(w, a3);
        }
        a0.add(b0).intoArray(y, yo);
        a1.add(b1).intoArray(y, yo + L);
        a2.add(b2).intoArray(y, yo + 2 * L);
        a3.add(b3).intoArray(y, yo + 3 * L);
    }

    /** Batch vector {@code v / L} of the chunk, output under mask {@code m} (buffer lanes past the width are zero). */
    private void narrow(int p, int e, MemorySegment b, int v, float[] y, int yo, VectorMask<Float> m) {
        float[] w = values;
        byte[] c = columns;
        long at = (long) v * Float.BYTES;
        FloatVector a = FloatVector.fromArray(S, y, yo, m), d = FloatVector.zero(S);
        for (; p + 1 < e; p += 2) {
            a = FloatVector.fromMemorySegment(S, b, at + (c[p] & 0xFF) * ROW_BYTES, NATIVE).fma(FloatVector.broadcast(S, w[p]), a);
            d = FloatVector.fromMemorySegment(S, b, at + (c[p + 1] & 0xFF) * ROW_BYTES, NATIVE).fma(FloatVector.broadcast(S, w[p + 1]), d);
        }
        if (p < e) a = FloatVector.fromMemorySegment(S, b, at + (c[p] & 0xFF) * ROW_BYTES, NATIVE).fma(FloatVector.broadcast(S, w[p]), a);
        a.add(d).intoArray(y, yo, m);
    }
}
