package dev.secateur.tensor.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Deterministic horizontal sum of a vector. {@code reduceLanes(ADD)} leaves the order open: the
 * compiled intrinsic adds in a tree, the interpreted fallback lane by lane, so the same call could
 * round differently before and after JIT compilation (which broke run-to-run reproducibility of
 * training). Here the tree is spelled out with lanewise adds of rotated copies, which round the
 * same way in both modes.
 */
public final class Lanes {
    private Lanes() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    // One constant shuffle per tree level (AVX-512 has 16 lanes, SVE up to 64; narrower vectors
    // skip the top levels).
    private static final VectorShuffle<Float> ROT32 = rotation(32);
    private static final VectorShuffle<Float> ROT16 = rotation(16);
    private static final VectorShuffle<Float> ROT8 = rotation(8);
    private static final VectorShuffle<Float> ROT4 = rotation(4);
    private static final VectorShuffle<Float> ROT2 = rotation(2);
    private static final VectorShuffle<Float> ROT1 = rotation(1);

    private static VectorShuffle<Float> rotation(int h) {
        return VectorShuffle.fromOp(S, i -> (i + h) % L);
    }

    /**
     * Sum of all lanes: lane i gets lane i + L/2, then i + L/4, ... (a fixed tree, L <= 64). A
     * vector of another shape than the preferred one (a 16-lane kernel run where that shape is not
     * native) is summed lane by lane, also in a fixed order.
     */
    public static float sum(FloatVector v) {
        if (v.species() != S) {
            float s = 0f;
            for (int i = 0; i < v.length(); i++) s += v.lane(i);
            return s;
        }
        if (L > 32) v = v.add(v.rearrange(ROT32));
        if (L > 16) v = v.add(v.rearrange(ROT16));
        if (L > 8) v = v.add(v.rearrange(ROT8));
        if (L > 4) v = v.add(v.rearrange(ROT4));
        if (L > 2) v = v.add(v.rearrange(ROT2));
        if (L > 1) v = v.add(v.rearrange(ROT1));
        return v.lane(0);
    }
}
