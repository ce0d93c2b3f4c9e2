package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sliding-window SELL for 256-bit vectors ({@code "wsell8"}): slices of 8 output rows, each slot
 * an 8-column input window read with one vector load at its base column and permuted with a
 * one-vector {@code selectFrom} (AVX2 {@code vpermd}). One register per window: on AVX2 a
 * two-vector {@code selectFrom} is emulated with two permutes and a blend and costs more per slot
 * than the narrower window's extra padding (docs/bench/sparse.md). See {@link SlidingSellMatrix}.
 */
public final class WindowedSell8Matrix extends SlidingSellMatrix implements SparseMatrix {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    static final int LANES = 8;
    static final int WINDOW = 8;
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final boolean VECTOR = runsHere();

    private WindowedSell8Matrix(Layout layout) {
        super(layout);
    }

    /**
     * Whether the batch-1 kernel runs as SIMD code here: 256-bit vectors with permutes and
     * per-lane shifts (AVX2, AVX-512). Elsewhere the format still works, in scalar code.
     */
    public static boolean runsHere() {
        return VectorPlatform.supportsLanes(LANES) && VectorPlatform.PERMUTES;
    }

    /** Over the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static WindowedSell8Matrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** Over the entries where {@code mask} is true; a null mask keeps the non-zeros. */
    public static WindowedSell8Matrix from(float[] dense, int rows, int cols, boolean[] mask) {
        return new WindowedSell8Matrix(layout("wsell8", dense, rows, cols, mask, LANES, WINDOW));
    }

    @Override public String format() { return "wsell8"; }

    @Override boolean vectorKernel() { return VECTOR; }

    @Override void vectorSlices(float[] x, int xOff, float[] out, int outOff, int s0, int s1) {
        multiply(values, windows, slotPtr, x, xOff, out, outOff, s0, s1, rows);
    }

    /**
     * Slices {@code [s0, s1)} of {@code rows} rows: per slot one value load, one x load, one permute,
     * one FMA, the lane positions widened from their packed int by a broadcast, a per-lane shift and a
     * mask. Two sums that swap every slot, so one chain does not wait on the FMA latency. Everything
     * stays in this one body: no vector is passed to a call that might not inline.
     */
    private static void multiply(float[] v, int[] win, int[] ptr, float[] x, int xOff, float[] out, int outOff, int s0, int s1, int rows) {
        IntVector shifts = IntVector.zero(I8).addIndex(3);
        for (int s = s0; s < s1; s++) {
            FloatVector a0 = FloatVector.zero(S8), a1 = a0;
            for (int t = ptr[s], e = ptr[s + 1]; t < e; t++) {
                int at = xOff + win[2 * t];
                IntVector idx = IntVector.broadcast(I8, win[2 * t + 1]).lanewise(VectorOperators.LSHR, shifts).and(WINDOW - 1);
                FloatVector in = idx.selectFrom(FloatVector.fromArray(S8, x, at).reinterpretAsInts()).reinterpretAsFloats();
                FloatVector w = FloatVector.fromArray(S8, v, t * LANES);
                FloatVector next = FMA ? w.fma(in, a0) : w.mul(in).add(a0);
                a0 = a1;
                a1 = next;
            }
            FloatVector sum = a0.add(a1);
            int p = s * LANES;
            if (p + LANES <= rows) sum.intoArray(out, outOff + p);
            else for (int i = 0; i < rows - p; i++) out[outOff + p + i] = sum.lane(i);
        }
    }
}
