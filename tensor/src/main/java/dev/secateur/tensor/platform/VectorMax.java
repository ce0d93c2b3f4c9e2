package dev.secateur.tensor.platform;

import static jdk.incubator.vector.VectorOperators.AND_NOT;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * ReLU and lane-wise maximum of float vectors written with integer lane operations on the bits,
 * for CPUs where {@link VectorPlatform#FLOAT_MAX} is false (x86 without AVX): there C2 runs
 * {@code FloatVector.max}, float {@code compare} and {@code blend} as Java code, while integer
 * and, shifts, xor and signed max (SSE4.1) are instructions.
 *
 * <p>Kernels keep the float max where it is an instruction and write the choice inline, like
 * {@link Fma}: {@code FLOAT_MAX ? v.max(0f) : VectorMax.relu(v)} with a {@code static final}
 * copy of the flag, so the JIT folds the branch and the AVX and NEON code stays as it was. That
 * form suits small epilogue methods only: in a big kernel body C2 stops inlining methods that
 * are not the JDK's own ({@code NodeCountInliningCutoff}) and then boxes every vector passed to
 * them. Big bodies store without the max and run {@link #relu(float[], int, int)} over what they
 * stored, or spell the integer operations out inline.
 *
 * <p>Results equal {@link Math#max(float, float)} lane by lane for every input but NaN, signed
 * zeros included ({@code relu(-0.0) = +0.0}, {@code max(-0.0, +0.0) = +0.0}). A NaN lane is
 * ordered by its sign bit instead of winning: one with the sign bit clear (Java's canonical NaN)
 * counts as above +∞ and is kept, one with the sign bit set (what x86 arithmetic produces, e.g.
 * {@code 0 × ∞}) as below −∞, so ReLU turns it into +0 and {@code max} returns the other lane.
 */
public final class VectorMax {
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();

    private VectorMax() {}

    /** {@code max(v, +0)}: a lane with the sign bit set (negative, −0) becomes +0 bits, the rest stay. */
    public static FloatVector relu(FloatVector v) {
        IntVector bits = v.reinterpretAsInts();
        return bits.lanewise(AND_NOT, bits.lanewise(ASHR, 31)).reinterpretAsFloats();
    }

    /** {@code a[from..from+n) = max(a, +0)} in place, for kernels that apply the ReLU after their stores. */
    public static void relu(float[] a, int from, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) relu(FloatVector.fromArray(S, a, from + i)).intoArray(a, from + i);
        for (; i < n; i++) a[from + i] = Math.max(a[from + i], 0f);
    }

    /** {@code max(a, b)} lane-wise, through integers that order like the floats they encode. */
    public static FloatVector max(FloatVector a, FloatVector b) {
        return ordered(ordered(a.reinterpretAsInts()).max(ordered(b.reinterpretAsInts()))).reinterpretAsFloats();
    }

    /** The largest lane, as {@code Math.max} over the lanes would give it (NaN lanes as in {@link #max}). */
    public static float maxLanes(FloatVector v) {
        int k = ordered(v.reinterpretAsInts()).reduceLanes(MAX);
        return Float.intBitsToFloat(k ^ ((k >> 31) >>> 1));
    }

    /**
     * {@code x > 0 ? v : +0} lane-wise (the ReLU gradient), exact for every input, NaN included:
     * {@code x > 0} holds exactly where {@code bits(x) - 1} lies in {@code [0, bits(+∞))}, and both
     * ends of that range are tested by sign bits smeared over the lane.
     */
    public static FloatVector whereXPositive(FloatVector x, FloatVector v) {
        IntVector t = x.reinterpretAsInts().sub(1);
        IntVector below = t.sub(Float.floatToRawIntBits(Float.POSITIVE_INFINITY)).lanewise(ASHR, 31);
        IntVector mask = below.lanewise(AND_NOT, t.lanewise(ASHR, 31));
        return v.reinterpretAsInts().and(mask).reinterpretAsFloats();
    }

    /**
     * Float bits as signed integers are ordered like the floats for positive values and in reverse
     * for negative ones; flipping the magnitude bits of the negative ones (−0 becomes −1, −∞ the
     * smallest) makes one order. The map is its own inverse.
     */
    private static IntVector ordered(IntVector bits) {
        return bits.lanewise(XOR, bits.lanewise(ASHR, 31).lanewise(LSHR, 1));
    }
}
