package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * One output row of a 2×2 stride-2 max pooling fused into a convolution's store: the maxima of
 * two adjacent rows of a filter's plane over 2·L columns, split into even and odd columns with
 * in-register permutes, give L windows per step, biased and clamped in registers. Shared by the
 * dense and the sparse direct convolutions.
 */
public final class PooledRow {
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Even / odd columns of two adjacent vectors (the second vector's lanes as exceptional indices). */
    public static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    public static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    /** Whether {@link #store} runs as SIMD here: permutes in registers and masked tail stores. */
    public static final boolean VECTOR = VectorPlatform.PERMUTES && VectorPlatform.MASKED_MEMORY;
    /** Whether a convolution may pool in registers: {@link #VECTOR} plus a vector max instruction. */
    private static final boolean IN_REGISTERS = VECTOR && VectorPlatform.FLOAT_MAX;

    private PooledRow() {}

    /**
     * Vectors per conv row when a convolution computes each pooled row's conv rows in registers and
     * pools them there: 1 when the pooled windows' columns fit one vector (then a vector holds two
     * pooled rows after the even / odd split), 2 when they fit two, else 0 (pool through the
     * output planes with {@link #store}).
     */
    public static int vectorsPerRow(ConvGeometry g) {
        int columns = 2 * (g.outW() / 2);
        if (!IN_REGISTERS || g.outH() < 2 || columns == 0) return 0;
        return columns <= L ? 1 : columns <= 2 * L ? 2 : 0;
    }

    /**
     * {@code y[dst + px] = max over the window at columns 2px, 2px+1 of rows r0 and r1 of s, + b}
     * (clamped at 0 when {@code relu}) for {@code px < pw}. Reads up to 2·L columns past the last
     * window; the caller's layout must keep them inside {@code s} (they only feed lanes that are
     * not stored). Only when {@link #VECTOR}.
     */
    public static void store(float[] s, int r0, int r1, int pw, float b, boolean relu, float[] y, int dst) {
        for (int px = 0; px < pw; px += L) {
            int c0 = r0 + 2 * px, c1 = r1 + 2 * px;
            FloatVector lo = FloatVector.fromArray(S, s, c0).max(FloatVector.fromArray(S, s, c1));
            FloatVector hi = FloatVector.fromArray(S, s, c0 + L).max(FloatVector.fromArray(S, s, c1 + L));
            FloatVector v = lo.rearrange(EVEN, hi).max(lo.rearrange(ODD, hi)).add(b);
            if (relu) v = v.max(0f);
            if (px + L <= pw) v.intoArray(y, dst + px);
            else if (LaneStores.masked(y, dst + px)) v.intoArray(y, dst + px, S.indexInRange(px, pw));
            else for (int i = 0; i < pw - px; i++) y[dst + px + i] = v.lane(i);
        }
    }
}
