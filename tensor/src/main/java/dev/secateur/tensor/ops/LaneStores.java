package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorPlatform;

/**
 * Where a partial vector store may be one masked instruction. A masked store whose whole vector
 * does not lie inside the array (a last row ending near the array's end, or a window that starts
 * before index 0) is not one instruction: the library checks the mask lane by lane in Java code,
 * which C2 does not always compile into vector code, and in some JVMs that check cost more than
 * the convolution around it. Callers store such vectors lane by lane ({@code v.lane(i)}) instead.
 * The vector stays in the caller's body: passed to a method that is not inlined, it would be boxed.
 */
public final class LaneStores {
    private static final int L = VectorPlatform.LANES;

    private LaneStores() {}

    /** Whether a masked vector store at {@code y[at..at+L)} is a single instruction here. */
    public static boolean masked(float[] y, int at) {
        return VectorPlatform.MASKED_MEMORY && at >= 0 && at <= y.length - L;
    }
}
