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
final class Lanes {
    private Lanes() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorShuffle<Float>[] ROTATIONS = rotations();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] rotations() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] r = new VectorShuffle[steps];
        for (int s = 0, half = L / 2; s < steps; s++, half /= 2) {
            final int h = half;
            r[s] = VectorShuffle.fromOp(S, i -> (i + h) % L);
        }
        return r;
    }

    /** Sum of all lanes: lane i is added to lane i + L/2, then i + L/4, ... (a fixed tree). */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> r : ROTATIONS) v = v.add(v.rearrange(r));
        return v.lane(0);
    }
}
