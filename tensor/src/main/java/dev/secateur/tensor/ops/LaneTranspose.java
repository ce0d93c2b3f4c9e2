package dev.secateur.tensor.ops;

import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * L×L float blocks transposed with two-vector lane permutes (L = the vector's lane count), for
 * layout changes between channel-planar (NCHW) and channel-last data: each round unzips every
 * pair of rows into their even and odd lanes, and log2(L) such rounds turn rows into columns
 * (a lane's row bits move one by one into its vector index). L·log2(L) permutes move L² floats,
 * where a scalar copy needs L² loads and stores. The rounds ping-pong between two L×L buffers of
 * a scratch, so no vector is kept across calls.
 */
final class LaneTranspose {
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    /** Whether two-vector permutes are SIMD instructions here (else callers copy scalars). */
    static final boolean SIMD = VectorPlatform.PERMUTES;
    /** Scratch floats one transpose uses. */
    static final int FLOATS = 2 * L * L;
    private static final int ROUNDS = Integer.numberOfTrailingZeros(L);
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    private LaneTranspose() {}

    /**
     * Transposes the block whose row {@code i < L} is {@code src[from + i·stride .. +L)} into
     * {@code t[tAt + j·L .. +L)} (row j = column j of the block), using {@code t[tAt .. tAt + FLOATS)}.
     */
    static void transpose(float[] src, int from, int stride, float[] t, int tAt) {
        int half = L / 2, sq = L * L;
        // The rounds alternate between the two buffers; the last one writes at tAt.
        int out = (ROUNDS & 1) == 1 ? tAt : tAt + sq;
        for (int k = 0; k < half; k++) {
            FloatVector a = FloatVector.fromArray(S, src, from + 2 * k * stride);
            FloatVector b = FloatVector.fromArray(S, src, from + (2 * k + 1) * stride);
            a.rearrange(EVEN, b).intoArray(t, out + k * L);
            a.rearrange(ODD, b).intoArray(t, out + (k + half) * L);
        }
        for (int r = 1; r < ROUNDS; r++) {
            int in = out;
            out = in == tAt ? tAt + sq : tAt;
            for (int k = 0; k < half; k++) {
                FloatVector a = FloatVector.fromArray(S, t, in + 2 * k * L);
                FloatVector b = FloatVector.fromArray(S, t, in + (2 * k + 1) * L);
                a.rearrange(EVEN, b).intoArray(t, out + k * L);
                a.rearrange(ODD, b).intoArray(t, out + (k + half) * L);
            }
        }
    }
}
