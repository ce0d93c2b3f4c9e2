package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sliding-window SELL for 128-bit vectors ({@code "wsell4"}, NEON and SSE/AVX widths): slices of
 * 4 output rows, each slot an 8-column input window read with two vector loads at its base
 * column and permuted with a two-vector {@code selectFrom} (NEON {@code tbl} over two registers,
 * x86 {@code vpermi2d}). Two registers per window: a 4-column window pads far more at these
 * sparsities. See {@link SlidingSellMatrix}.
 */
public final class WindowedSell4Matrix extends SlidingSellMatrix implements SparseMatrix {
    /** Hardware FMA; tested inline (not through a helper method) so no vector is ever passed to a call that might not inline. */
    private static final boolean FMA = VectorPlatform.FMA;
    static final int LANES = 4;
    static final int WINDOW = 8;
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Integer> I4 = IntVector.SPECIES_128;
    private static final boolean VECTOR = runsHere();

    private WindowedSell4Matrix(Layout layout) {
        super(layout);
    }

    /**
     * Whether the batch-1 kernel runs as SIMD code here: 128-bit vectors with two-vector permutes
     * and per-lane shifts (AArch64, x86 with AVX2 or later). Plain SSE has neither: there the
     * format still works, in scalar code.
     */
    public static boolean runsHere() {
        return VectorPlatform.supportsLanes(LANES) && VectorPlatform.PERMUTES;
    }

    /** Over the non-zero entries of the dense row-major {@code rows×cols} weight. */
    public static WindowedSell4Matrix from(float[] dense, int rows, int cols) {
        return from(dense, rows, cols, null);
    }

    /** Over the entries where {@code mask} is true; a null mask keeps the non-zeros. */
    public static WindowedSell4Matrix from(float[] dense, int rows, int cols, boolean[] mask) {
        return new WindowedSell4Matrix(layout("wsell4", dense, rows, cols, mask, LANES, WINDOW));
    }

    @Override public String format() { return "wsell4"; }

    @Override boolean vectorKernel() { return VECTOR; }

    @Override void vectorSlices(float[] x, int xOff, float[] out, int outOff, int s0, int s1) {
        multiply(values, windows, slotPtr, x, xOff, out, outOff, s0, s1, rows);
    }

    /**
     * Slices {@code [s0, s1)} of {@code rows} rows: per slot one value load, two x loads, one two-
     * vector permute, one FMA, the lane positions widened from their packed int by a broadcast, a per-
     * lane shift and a mask. Two sums that swap every slot, so one chain does not wait on the FMA
     * latency. Everything stays in this one body: no vector is passed to a call that might not inline.
     */
    private static void multiply(float[] v, int[] win, int[] ptr, float[] x, int xOff, float[] out, int outOff, int s0, int s1, int rows) {
        IntVector shifts = IntVector.zero(I4).addIndex(3);
        for (int s = s0; s < s1; s++) {
            FloatVector a0 = FloatVector.zero(S4), a1 = a0;
            for (int t = ptr[s], e = ptr[s + 1]; t < e; t++) {
                int at = xOff + win[2 * t];
                IntVector idx = IntVector.broadcast(I4, win[2 * t + 1]).lanewise(VectorOperators.LSHR, shifts).and(WINDOW - 1);
                FloatVector in = idx.selectFrom(FloatVector.fromArray(S4, x, at).reinterpretAsInts(),
                        FloatVector.fromArray(S4, x, at + LANES).reinterpretAsInts()).reinterpretAsFloats();
                FloatVector w = FloatVector.fromArray(S4, v, t * LANES);
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
