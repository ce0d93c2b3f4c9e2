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

    @Override void vectorSlices(float[] x, int xOff, float[] y, int yOff, int s0, int s1) {
        multiply(values, windows, slotPtr, x, xOff, y, yOff, s0, s1, rows);
    }

    /**
     * Slices {@code [s0, s1)} of {@code rows} rows: per slot one value load, one x load, one permute, one FMA.
     * Four sums, so that the FMA latency does not bound the loop (docs/bench/sparse.md).
     */
    private static void multiply(float[] v, int[] win, int[] ptr, float[] x, int xOff, float[] y, int yOff, int s0, int s1, int rows) {
        IntVector shifts = IntVector.zero(I8).addIndex(3);
        for (int s = s0; s < s1; s++) {
            FloatVector a0 = FloatVector.zero(S8), a1 = a0, a2 = a0, a3 = a0;
            int t = ptr[s], e = ptr[s + 1];
            for (; t + 3 < e; t += 4) {
                FloatVector a0a = FloatVector.fromArray(S8, v, t * LANES);
                FloatVector a0b = pick(x, xOff + win[2 * t], win[2 * t + 1], shifts);
                a0 = FMA ? a0a.fma(a0b, a0) : a0a.mul(a0b).add(a0);
                FloatVector a1a = FloatVector.fromArray(S8, v, t * LANES + LANES);
                FloatVector a1b = pick(x, xOff + win[2 * t + 2], win[2 * t + 3], shifts);
                a1 = FMA ? a1a.fma(a1b, a1) : a1a.mul(a1b).add(a1);
                FloatVector a2a = FloatVector.fromArray(S8, v, t * LANES + 2 * LANES);
                FloatVector a2b = pick(x, xOff + win[2 * t + 4], win[2 * t + 5], shifts);
                a2 = FMA ? a2a.fma(a2b, a2) : a2a.mul(a2b).add(a2);
                FloatVector a3a = FloatVector.fromArray(S8, v, t * LANES + 3 * LANES);
                FloatVector a3b = pick(x, xOff + win[2 * t + 6], win[2 * t + 7], shifts);
                a3 = FMA ? a3a.fma(a3b, a3) : a3a.mul(a3b).add(a3);
            }
            for (; t < e; t++) {
                FloatVector ta = FloatVector.fromArray(S8, v, t * LANES);
                FloatVector tb = pick(x, xOff + win[2 * t], win[2 * t + 1], shifts);
                a0 = FMA ? ta.fma(tb, a0) : ta.mul(tb).add(a0);
            }
            FloatVector sum = a0.add(a1).add(a2.add(a3));
            int r = s * LANES;
            if (r + LANES <= rows) sum.intoArray(y, yOff + r);
            else for (int i = 0; i < rows - r; i++) y[yOff + r + i] = sum.lane(i);
        }
    }

    /** The inputs of a slot's 8 lanes: x[at + position], positions 3 bits per lane. */
    private static FloatVector pick(float[] x, int at, int positions, IntVector shifts) {
        IntVector idx = IntVector.broadcast(I8, positions).lanewise(VectorOperators.LSHR, shifts).and(WINDOW - 1);
        return idx.selectFrom(FloatVector.fromArray(S8, x, at).reinterpretAsInts()).reinterpretAsFloats();
    }
}
