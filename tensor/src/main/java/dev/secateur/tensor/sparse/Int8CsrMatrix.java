package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.Fma;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * CSR with int8 weights and one float scale per output row (symmetric, {@code w ≈ q · scale},
 * {@code scale = max|w| / 127} over the row's kept weights): 3 bytes per entry instead of 6,
 * for the bandwidth-bound batch-1 case. The sum runs on the integer values converted in
 * registers and is scaled once per row. Columns are 16-bit deltas along each row at any width
 * (one cursor). {@link #toDense()} returns the dequantized weights.
 */
public final class Int8CsrMatrix extends AbstractSparseMatrix implements SparseMatrix {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    final byte[] values;
    final float[] scales;
    final char[] deltas;
    final int[] rowPtr;

    private Int8CsrMatrix(CsrMatrix csr, byte[] values, float[] scales) {
        super(csr.rows, csr.cols, csr.nonZeros, Partition.ofPointers(csr.rowPtr, 1));
        this.values = values;
        this.scales = scales;
        this.deltas = csr.columns;
        this.rowPtr = csr.rowPtr;
    }

    /** Quantizes the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static Int8CsrMatrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** Quantizes the entries where {@code mask} is true (null: the non-zeros); weights must be finite. */
    public static Int8CsrMatrix from(float[] dense, int rows, int cols, boolean[] mask) {
        CsrMatrix csr = CsrMatrix.from(dense, rows, cols, mask, true);
        byte[] q = new byte[csr.values.length];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0f;
            for (int p = csr.rowPtr[r]; p < csr.rowPtr[r + 1]; p++) {
                float w = csr.values[p];
                if (!Float.isFinite(w)) {
                    throw new IllegalArgumentException("int8csr: weight at row " + r + " is " + w + ", not finite");
                }
                max = Math.max(max, Math.abs(w));
            }
            float scale = max / 127f;
            scales[r] = scale;
            for (int p = csr.rowPtr[r]; p < csr.rowPtr[r + 1]; p++) {
                q[p] = scale == 0f ? 0 : (byte) Math.max(-127, Math.min(127, Math.round(csr.values[p] / scale)));
            }
        }
        return new Int8CsrMatrix(csr, q, scales);
    }

    @Override public long byteSize() {
        return values.length + 4L * scales.length + 2L * deltas.length + 4L * rowPtr.length;
    }

    @Override public String format() { return "int8csr"; }

    @Override public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int c = 0;
            for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
                c += deltas[p];
                if (values[p] != 0) d[r * cols + c] = values[p] * scales[r];
            }
        }
        return d;
    }

    @Override void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        byte[] v = values;
        char[] d = deltas;
        int[] ptr = rowPtr;
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            int c = xOff;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (; p + 7 < e; p += 8) {
                c += d[p];
                s0 = Fma.fma(v[p], x[c], s0);
                c += d[p + 1];
                s1 = Fma.fma(v[p + 1], x[c], s1);
                c += d[p + 2];
                s2 = Fma.fma(v[p + 2], x[c], s2);
                c += d[p + 3];
                s3 = Fma.fma(v[p + 3], x[c], s3);
                c += d[p + 4];
                s4 = Fma.fma(v[p + 4], x[c], s4);
                c += d[p + 5];
                s5 = Fma.fma(v[p + 5], x[c], s5);
                c += d[p + 6];
                s6 = Fma.fma(v[p + 6], x[c], s6);
                c += d[p + 7];
                s7 = Fma.fma(v[p + 7], x[c], s7);
            }
            for (; p < e; p++) {
                c += d[p];
                s0 = Fma.fma(v[p], x[c], s0);
            }
            float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
            y[yOff + r] = Epilogue.scalar(s * scales[r], bias, r, relu);
        }
    }

    /** Batch N: one (masked when partial) vector at a time; the int8 form is for batch 1. */
    @Override void batchRange(float[] x, int xOff, int n, float[] y, int yOff, float[] bias, boolean relu, int r0, int r1) {
        byte[] v = values;
        char[] d = deltas;
        int[] ptr = rowPtr;
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int r = r0; r < r1; r++) {
            float b = bias == null ? 0f : bias[r], scale = scales[r];
            int yo = yOff + r * n;
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> t = S.indexInRange(j, n);
                FloatVector a0 = FloatVector.zero(S);
                int k = 0, xo = xOff + j;
                int p = ptr[r], e = ptr[r + 1];
                for (; p < e; p++) {
                    k += d[p];
                    FloatVector xv = FloatVector.fromArray(S, x, xo + k * n, t), w = FloatVector.broadcast(S, v[p]);
                    a0 = FMA ? xv.fma(w, a0) : xv.mul(w).add(a0);
                }
                a0 = a0.mul(scale).add(b);
                (FLOAT_MAX ? a0.max(lo) : a0).intoArray(y, yo + j, t);
            }
            if (relu && !FLOAT_MAX) VectorMax.relu(y, yo, n); // the kernel stored without max
        }
    }
}
