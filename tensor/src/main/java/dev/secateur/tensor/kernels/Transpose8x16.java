package dev.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * An in-register transpose of 8 rows × 16 floats into 16 groups of 8 ({@code dst[d + q·8 + r] =
 * row r's value q}), for 16-lane vectors: eight loads, three rounds of eight two-vector lane
 * selections (each doubling the rows a vector holds and halving its columns), eight stores — where
 * a scalar copy issues 128 loads and 128 stores. Used to interleave sample-major activations for
 * the dense layer kernels and to pack the SGEMM's 8-row A panels. Every vector stays inside the
 * method that made it (no helper returns one): where the JIT leaves a helper out of line, each
 * vector it returns becomes an object, tens of times slower.
 */
final class Transpose8x16 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    /** Whether 16-lane vectors are SIMD here; callers take their scalar or gather path otherwise. */
    static final boolean SUPPORTED = SgemmMicroKernel.S.length() == 16;
    /**
     * Lane selections, integer-typed (the data moves as integers: a float index vector is converted
     * and range-checked at every use).
     */
    private static final IntVector SEL1_LO = SUPPORTED ? selection(1, 0) : null, SEL1_HI = SUPPORTED ? selection(1, 1) : null;
    private static final IntVector SEL2_LO = SUPPORTED ? selection(2, 0) : null, SEL2_HI = SUPPORTED ? selection(2, 1) : null;
    private static final IntVector SEL3_LO = SUPPORTED ? selection(4, 0) : null, SEL3_HI = SUPPORTED ? selection(4, 1) : null;
    /** Lanes 0–7 and 8–15: the two columns a vector of the last round holds. */
    private static final VectorMask<Float> FIRST_COLUMN = SUPPORTED ? VectorMask.fromLong(S, 0x00FFL) : null;
    private static final VectorMask<Float> SECOND_COLUMN = SUPPORTED ? VectorMask.fromLong(S, 0xFF00L) : null;

    private Transpose8x16() {}

    /** Rows start at {@code x[s0..]} … {@code x[s7..]} (16 floats each). */
    static void rows(float[] x, int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7, float[] dst, int d) {
        IntVector r0 = FloatVector.fromArray(S, x, s0).reinterpretAsInts();
        IntVector r1 = FloatVector.fromArray(S, x, s1).reinterpretAsInts();
        IntVector r2 = FloatVector.fromArray(S, x, s2).reinterpretAsInts();
        IntVector r3 = FloatVector.fromArray(S, x, s3).reinterpretAsInts();
        IntVector r4 = FloatVector.fromArray(S, x, s4).reinterpretAsInts();
        IntVector r5 = FloatVector.fromArray(S, x, s5).reinterpretAsInts();
        IntVector r6 = FloatVector.fromArray(S, x, s6).reinterpretAsInts();
        IntVector r7 = FloatVector.fromArray(S, x, s7).reinterpretAsInts();
        // Round 1: rows (0,1), (2,3), (4,5), (6,7); low and high halves of the 16 columns.
        IntVector a0 = SEL1_LO.selectFrom(r0, r1), a1 = SEL1_HI.selectFrom(r0, r1);
        IntVector b0 = SEL1_LO.selectFrom(r2, r3), b1 = SEL1_HI.selectFrom(r2, r3);
        IntVector c0 = SEL1_LO.selectFrom(r4, r5), c1 = SEL1_HI.selectFrom(r4, r5);
        IntVector e0 = SEL1_LO.selectFrom(r6, r7), e1 = SEL1_HI.selectFrom(r6, r7);
        // Round 2: rows 0-3 and 4-7, four columns per vector.
        IntVector f00 = SEL2_LO.selectFrom(a0, b0), f01 = SEL2_HI.selectFrom(a0, b0);
        IntVector f10 = SEL2_LO.selectFrom(a1, b1), f11 = SEL2_HI.selectFrom(a1, b1);
        IntVector g00 = SEL2_LO.selectFrom(c0, e0), g01 = SEL2_HI.selectFrom(c0, e0);
        IntVector g10 = SEL2_LO.selectFrom(c1, e1), g11 = SEL2_HI.selectFrom(c1, e1);
        // Round 3: all eight rows, two columns per vector, in column order.
        SEL3_LO.selectFrom(f00, g00).reinterpretAsFloats().intoArray(dst, d);
        SEL3_HI.selectFrom(f00, g00).reinterpretAsFloats().intoArray(dst, d + 16);
        SEL3_LO.selectFrom(f01, g01).reinterpretAsFloats().intoArray(dst, d + 32);
        SEL3_HI.selectFrom(f01, g01).reinterpretAsFloats().intoArray(dst, d + 48);
        SEL3_LO.selectFrom(f10, g10).reinterpretAsFloats().intoArray(dst, d + 64);
        SEL3_HI.selectFrom(f10, g10).reinterpretAsFloats().intoArray(dst, d + 80);
        SEL3_LO.selectFrom(f11, g11).reinterpretAsFloats().intoArray(dst, d + 96);
        SEL3_HI.selectFrom(f11, g11).reinterpretAsFloats().intoArray(dst, d + 112);
    }

    /**
     * The inverse direction, for half of the columns: 8 rows of 16 values, {@code stride} floats
     * apart from {@code src[s..]}; columns {@code q = 8·half … 8·half + 7} are stored as runs of 8:
     * {@code dst[d + q·ld + r] = src[s + r·stride + q]}. {@code ld} is at least 8 and every run lies
     * inside {@code dst} with 8 floats to spare after it, so each store is one whole vector whose
     * mask keeps the run's 8 lanes. Half a tile per call, and no epilogue here, keep the method
     * small enough for the JIT's first tier (larger bodies failed its register allocation, and then
     * the method can stay in slow code for the life of the JVM).
     */
    static void columns(float[] src, int s, int stride, float[] dst, int d, int ld, int half) {
        IntVector r0 = FloatVector.fromArray(S, src, s).reinterpretAsInts();
        IntVector r1 = FloatVector.fromArray(S, src, s + stride).reinterpretAsInts();
        IntVector r2 = FloatVector.fromArray(S, src, s + 2 * stride).reinterpretAsInts();
        IntVector r3 = FloatVector.fromArray(S, src, s + 3 * stride).reinterpretAsInts();
        IntVector r4 = FloatVector.fromArray(S, src, s + 4 * stride).reinterpretAsInts();
        IntVector r5 = FloatVector.fromArray(S, src, s + 5 * stride).reinterpretAsInts();
        IntVector r6 = FloatVector.fromArray(S, src, s + 6 * stride).reinterpretAsInts();
        IntVector r7 = FloatVector.fromArray(S, src, s + 7 * stride).reinterpretAsInts();
        // The second half's selection is the first's shifted by 8 columns (no phi of two constants, which the JIT cannot bind).
        IntVector sel1 = SEL1_LO.add(8 * half);
        IntVector a = sel1.selectFrom(r0, r1), bb = sel1.selectFrom(r2, r3), c = sel1.selectFrom(r4, r5), e = sel1.selectFrom(r6, r7);
        IntVector f0 = SEL2_LO.selectFrom(a, bb), f1 = SEL2_HI.selectFrom(a, bb);
        IntVector g0 = SEL2_LO.selectFrom(c, e), g1 = SEL2_HI.selectFrom(c, e);
        // Each vector now holds two columns: the low half goes to the first, the high half (a store
        // 8 floats earlier whose mask keeps lanes 8–15) to the second.
        int q = d + 8 * half * ld;
        FloatVector v;
        v = SEL3_LO.selectFrom(f0, g0).reinterpretAsFloats(); v.intoArray(dst, q, FIRST_COLUMN); v.intoArray(dst, q + ld - 8, SECOND_COLUMN);
        v = SEL3_HI.selectFrom(f0, g0).reinterpretAsFloats(); v.intoArray(dst, q + 2 * ld, FIRST_COLUMN); v.intoArray(dst, q + 3 * ld - 8, SECOND_COLUMN);
        v = SEL3_LO.selectFrom(f1, g1).reinterpretAsFloats(); v.intoArray(dst, q + 4 * ld, FIRST_COLUMN); v.intoArray(dst, q + 5 * ld - 8, SECOND_COLUMN);
        v = SEL3_HI.selectFrom(f1, g1).reinterpretAsFloats(); v.intoArray(dst, q + 6 * ld, FIRST_COLUMN); v.intoArray(dst, q + 7 * ld - 8, SECOND_COLUMN);
    }

    /** Rows {@code ld} floats apart from {@code x[src..]}. */
    static void strided(float[] x, int src, int ld, float[] dst, int d) {
        rows(x, src, src + ld, src + 2 * ld, src + 3 * ld, src + 4 * ld, src + 5 * ld, src + 6 * ld, src + 7 * ld, dst, d);
    }

    /**
     * Lane selections of one round: two vectors each holding {@code s} rows for 16/s columns
     * ([column][row]) merge into vectors holding 2s rows for 8/s columns; {@code half} picks the
     * first or second half of the columns. Index i < 16 reads the first vector, 16 + i the second.
     */
    private static IntVector selection(int s, int half) {
        int[] idx = new int[16];
        for (int l = 0; l < 16; l++) {
            int column = half * (8 / s) + l / (2 * s), within = l % (2 * s);
            idx[l] = (within < s ? 0 : 16) + column * s + within % s;
        }
        return IntVector.fromArray(IntVector.SPECIES_512, idx, 0);
    }
}
