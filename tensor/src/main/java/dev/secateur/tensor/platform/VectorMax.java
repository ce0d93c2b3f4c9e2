package dev.secateur.tensor.platform;

import static jdk.incubator.vector.VectorOperators.AND_NOT;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * ReLU and lane-wise maximum of float vectors written with integer lane operations on the bits,
 * for CPUs where {@link VectorPlatform#FLOAT_MAX} is false (x86 without AVX): there C2 runs
 * {@code FloatVector.max}, float {@code compare} and {@code blend} as Java code, while integer
 * and, shifts, xor and signed max (SSE4.1) are instructions.
 *
 * <p>Kernels keep the float max where it is an instruction and write the choice inline, like
 * {@link Fma}: {@code FLOAT_MAX ? v.max(0f) : VectorMax.relu(v)} with a {@code static final}
 * copy of the flag, so the JIT folds the branch and the AVX and NEON code stays as it was.
 *
 * <p>Results equal {@link Math#max(float, float)} lane by lane for every input but NaN, signed
 * zeros included ({@code relu(-0.0) = +0.0}, {@code max(-0.0, +0.0) = +0.0}). A NaN lane is
 * ordered by its sign bit instead of winning: one with the sign bit clear (Java's canonical NaN)
 * counts as above +∞ and is kept, one with the sign bit set (what x86 arithmetic produces, e.g.
 * {@code 0 × ∞}) as below −∞, so ReLU turns it into +0 and {@code max} returns the other lane.
 */
public final class VectorMax {
    private VectorMax() {}

    /** {@code max(v, +0)}: a lane with the sign bit set (negative, −0) becomes +0 bits, the rest stay. */
    public static FloatVector relu(FloatVector v) {
        IntVector bits = v.reinterpretAsInts();
        return bits.lanewise(AND_NOT, bits.lanewise(ASHR, 31)).reinterpretAsFloats();
    }

    /**
     * {@code max(v, lo)} for {@code lo} +0 (ReLU) or −∞ (identity), the branch-free epilogue of
     * kernels that take a floor instead of a ReLU flag; other values of {@code lo} are not supported.
     */
    public static FloatVector floor(FloatVector v, float lo) {
        int on = ~(Float.floatToRawIntBits(lo) >> 31); // all ones for +0, zero for −∞
        IntVector bits = v.reinterpretAsInts();
        return bits.lanewise(AND_NOT, bits.lanewise(ASHR, 31).and(on)).reinterpretAsFloats();
    }

    /** {@code max(a, b)} lane-wise, through integers that order like the floats they encode. */
    public static FloatVector max(FloatVector a, FloatVector b) {
        return ordered(ordered(a.reinterpretAsInts()).max(ordered(b.reinterpretAsInts()))).reinterpretAsFloats();
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
