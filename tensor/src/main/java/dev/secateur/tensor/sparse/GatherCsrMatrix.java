package dev.secateur.tensor.sparse;

import dev.secateur.tensor.ops.Lanes;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * CSR for single-sample products on CPUs with vector gathers ({@code "gcsr"}): per output row its
 * kept weights with absolute 4-byte column indices, each row padded with zero weights to a whole
 * number of vectors. A row's product is whole-vector steps of one value load, one gather of the
 * input at the row's columns and one FMA, so there is no per-lane padding across rows (as in
 * SELL) and no per-window padding (as in the windowed SELL formats): at high sparsity those
 * formats stream more bytes per kept weight than this one (8 + padding), and the batch-1 product
 * is bound by the bytes streamed. Batches of two or more broadcast each weight against the input
 * row, as {@link CsrMatrix} does; the kernel choice times this format at batch 1 only.
 */
public final class GatherCsrMatrix extends AbstractSparseMatrix implements SparseMatrix {
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean GATHERS = VectorPlatform.GATHERS;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Rows are padded to a multiple of this many entries: one gather each. */
    static final int LANES = S.length();

    final float[] values;
    final int[] columns;
    final int[] rowPtr;

    private GatherCsrMatrix(int rows, int cols, long nonZeros, float[] values, int[] columns, int[] rowPtr) {
        super(rows, cols, nonZeros, Partition.ofPointers(rowPtr, 1));
        this.values = values;
        this.columns = columns;
        this.rowPtr = rowPtr;
    }

    /** Whether the batch-1 kernel runs as SIMD gathers here; elsewhere the format still works, in scalar code. */
    public static boolean runsHere() {
        return GATHERS;
    }

    /** Keeps the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static GatherCsrMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** Keeps the entries where {@code mask} is true (explicit zeros included); a null mask keeps the non-zeros. */
    public static GatherCsrMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        WeightSource src = WeightSource.of("gcsr", dense, rows, cols, mask);
        int[] rowPtr = new int[rows + 1];
        long kept = 0;
        for (int r = 0; r < rows; r++) {
            int n = 0;
            for (int c = 0; c < cols; c++) if (src.kept(r, c)) n++;
            kept += n;
            long end = rowPtr[r] + (long) (n + LANES - 1) / LANES * LANES;
            if (end > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("gcsr: " + rows + "x" + cols + " keeps too many entries for one array");
            rowPtr[r + 1] = (int) end;
        }
        float[] values = new float[rowPtr[rows]];
        int[] columns = new int[rowPtr[rows]];
        for (int r = 0; r < rows; r++) {
            int at = rowPtr[r], last = 0;
            for (int c = 0; c < cols; c++) {
                if (src.kept(r, c)) {
                    values[at] = dense[r * cols + c];
                    columns[at++] = last = c;
                }
            }
            // Padding: zero weights at the row's last column, an input the row reads anyway.
            for (; at < rowPtr[r + 1]; at++) columns[at] = last;
        }
        return new GatherCsrMatrix(rows, cols, kept, values, columns, rowPtr);
    }

    @Override public long byteSize() {
        return 4L * values.length + 4L * columns.length + 4L * rowPtr.length;
    }

    @Override public String format() { return "gcsr"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
                if (Float.floatToRawIntBits(values[p]) != 0) d[r * cols + columns[p]] = values[p];
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        if (GATHERS) {
            gathered(values, columns, rowPtr, x, xOff, y, yOff, bias, relu, r0, r1);
        } else {
            scalar(x, xOff, y, yOff, bias, relu, r0, r1);
        }
    }

    /** Two sums per row so that consecutive gathers do not wait on one FMA chain. */
    private static void gathered(float[] v, int[] col, int[] ptr, float[] x, int xOff, float[] y, int yOff,
                                 float[] bias, boolean relu, int r0, int r1) {
        final int l = LANES;
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            for (; p + 2 * l <= e; p += 2 * l) {
                FloatVector w0 = FloatVector.fromArray(S, v, p), x0 = FloatVector.fromArray(S, x, xOff, col, p);
                a0 = FMA ? w0.fma(x0, a0) : w0.mul(x0).add(a0);
                FloatVector w1 = FloatVector.fromArray(S, v, p + l), x1 = FloatVector.fromArray(S, x, xOff, col, p + l);
                a1 = FMA ? w1.fma(x1, a1) : w1.mul(x1).add(a1);
            }
            if (p < e) { // rows hold whole vectors: exactly one left
                FloatVector w0 = FloatVector.fromArray(S, v, p), x0 = FloatVector.fromArray(S, x, xOff, col, p);
                a0 = FMA ? w0.fma(x0, a0) : w0.mul(x0).add(a0);
            }
            y[yOff + r] = Epilogue.scalar(Lanes.sum(a0.add(a1)), bias, r, relu);
        }
    }

    private void scalar(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            float s0 = 0f, s1 = 0f;
            int p = rowPtr[r], e = rowPtr[r + 1];
            for (; p + 1 < e; p += 2) {
                s0 += values[p] * x[xOff + columns[p]];
                s1 += values[p + 1] * x[xOff + columns[p + 1]];
            }
            if (p < e) s0 += values[p] * x[xOff + columns[p]];
            y[yOff + r] = Epilogue.scalar(s0 + s1, bias, r, relu);
        }
    }

    /** Y = W·X with X {@code [cols, batch]}: each weight broadcast against its input row, a vector of samples at a time. */
    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        final int l = LANES;
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int r = r0; r < r1; r++) {
            float b = bias == null ? 0f : bias[r];
            int yo = yOff + r * n, p0 = rowPtr[r], e = rowPtr[r + 1];
            int j = 0;
            for (; j + l <= n; j += l) {
                FloatVector acc = FloatVector.zero(S);
                for (int p = p0; p < e; p++) {
                    FloatVector w = FloatVector.broadcast(S, values[p]), xv = FloatVector.fromArray(S, x, xOff + columns[p] * n + j);
                    acc = FMA ? w.fma(xv, acc) : w.mul(xv).add(acc);
                }
                acc.add(b).max(lo).intoArray(y, yo + j);
            }
            for (; j < n; j++) {
                float s = 0f;
                for (int p = p0; p < e; p++) s += values[p] * x[xOff + columns[p] * n + j];
                y[yo + j] = Math.max(s + b, lo);
            }
        }
    }
}
