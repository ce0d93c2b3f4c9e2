package dev.secateur.tensor.sparse;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 × 16 float transpose in registers for 512-bit vectors: sixteen rows of sixteen inputs in,
 * sixteen columns out, by four rounds of two-vector permutes ({@code selectFrom(v1, v2)}, AVX-512
 * {@code vpermi2d}). Round b pairs vectors i and i + 2^b and swaps bit b of the vector index with
 * bit b of the lane index. Rounds 0 and 1 mix only the vectors of a group {4g .. 4g + 3}, rounds 2
 * and 3 only those of {g, g + 4, g + 8, g + 12}: each half is four small calls with four vectors
 * and eight permutes in one body (a whole transpose in one body is more than C1 can allocate
 * registers for, and its vector code would then run boxed until C2 compiles it), with a 1 KiB
 * scratch in between.
 */
final class Transpose16 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final IntVector LOW0 = index(0, false), HIGH0 = index(0, true), LOW1 = index(1, false), HIGH1 = index(1, true);
    private static final IntVector LOW2 = index(2, false), HIGH2 = index(2, true), LOW3 = index(3, false), HIGH3 = index(3, true);
    /** Floats of the scratch a transpose needs. */
    static final int SCRATCH = 256;

    private Transpose16() {}

    /** Round {@code bit}'s permute for the vector whose index has that bit clear (low) or set (high). */
    private static IntVector index(int bit, boolean high) {
        int m = 1 << bit;
        int[] idx = new int[16];
        for (int l = 0; l < 16; l++) {
            boolean clear = (l & m) == 0;
            idx[l] = high ? (clear ? l | m : 16 + l) : (clear ? l : 16 + (l ^ m));
        }
        return IntVector.fromArray(I, idx, 0);
    }

    /**
     * Transposes the sixteen rows {@code x[at + offsets[o + r] + c]} ({@code r, c < 16}) into
     * {@code buf}: lane r of the 16 floats at byte {@code dst + c·rowBytes} is row r's column c.
     * {@code scratch} holds at least {@link #SCRATCH} floats.
     */
    static void toSegment(float[] x, int at, int[] offsets, int o, MemorySegment buf, long dst, long rowBytes, float[] scratch) {
        for (int g = 0; g < 4; g++) firstRounds(x, at, offsets, o + 4 * g, scratch, 64 * g);
        for (int g = 0; g < 4; g++) lastRounds(scratch, g, buf, dst + g * rowBytes, rowBytes);
    }

    /** Rounds 0 and 1 on rows {@code offsets[o .. o + 3]}, into scratch vectors at {@code s, s + 16, s + 32, s + 48}. */
    private static void firstRounds(float[] x, int at, int[] offsets, int o, float[] scratch, int s) {
        IntVector v0 = FloatVector.fromArray(S, x, at + offsets[o]).reinterpretAsInts();
        IntVector v1 = FloatVector.fromArray(S, x, at + offsets[o + 1]).reinterpretAsInts();
        IntVector v2 = FloatVector.fromArray(S, x, at + offsets[o + 2]).reinterpretAsInts();
        IntVector v3 = FloatVector.fromArray(S, x, at + offsets[o + 3]).reinterpretAsInts();
        IntVector t0 = LOW0.selectFrom(v0, v1), t1 = HIGH0.selectFrom(v0, v1);
        IntVector t2 = LOW0.selectFrom(v2, v3), t3 = HIGH0.selectFrom(v2, v3);
        LOW1.selectFrom(t0, t2).reinterpretAsFloats().intoArray(scratch, s);
        LOW1.selectFrom(t1, t3).reinterpretAsFloats().intoArray(scratch, s + 16);
        HIGH1.selectFrom(t0, t2).reinterpretAsFloats().intoArray(scratch, s + 32);
        HIGH1.selectFrom(t1, t3).reinterpretAsFloats().intoArray(scratch, s + 48);
    }

    /** Rounds 2 and 3 on scratch vectors g, g + 4, g + 8, g + 12, stored as output rows g, g + 4, g + 8, g + 12 from {@code dst}. */
    private static void lastRounds(float[] scratch, int g, MemorySegment buf, long dst, long rowBytes) {
        IntVector v0 = FloatVector.fromArray(S, scratch, 16 * g).reinterpretAsInts();
        IntVector v4 = FloatVector.fromArray(S, scratch, 16 * g + 64).reinterpretAsInts();
        IntVector v8 = FloatVector.fromArray(S, scratch, 16 * g + 128).reinterpretAsInts();
        IntVector v12 = FloatVector.fromArray(S, scratch, 16 * g + 192).reinterpretAsInts();
        IntVector t0 = LOW2.selectFrom(v0, v4), t4 = HIGH2.selectFrom(v0, v4);
        IntVector t8 = LOW2.selectFrom(v8, v12), t12 = HIGH2.selectFrom(v8, v12);
        LOW3.selectFrom(t0, t8).reinterpretAsFloats().intoMemorySegment(buf, dst, NATIVE);
        LOW3.selectFrom(t4, t12).reinterpretAsFloats().intoMemorySegment(buf, dst + 4 * rowBytes, NATIVE);
        HIGH3.selectFrom(t0, t8).reinterpretAsFloats().intoMemorySegment(buf, dst + 8 * rowBytes, NATIVE);
        HIGH3.selectFrom(t4, t12).reinterpretAsFloats().intoMemorySegment(buf, dst + 12 * rowBytes, NATIVE);
    }
}
