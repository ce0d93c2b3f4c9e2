package dev.secateur.tensor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The integer-lane ReLU (of vectors and of array ranges, tails included) and max give {@link Math#max(float, float)}'s bits for every non-NaN
 * input, at the width the JVM runs (each Surefire execution is one width). Values mix ordinary
 * magnitudes with the edges of the encoding: signed zeros, subnormals, the largest finite values
 * and infinities, so adjacent bit patterns across the sign are compared too.
 */
class VectorMaxTest {
    private static final VectorSpecies<Float> S = VectorPlatform.FLOAT;
    private static final int L = S.length();
    private static final float[] EDGES = {
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 1e-40f, -1e-40f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f,
        Math.nextUp(0f), Math.nextDown(-0f), 3.4e38f, -3.4e38f
    };

    private static float[] values(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (r.nextInt(4)) {
                case 0 -> EDGES[r.nextInt(EDGES.length)];
                case 1 -> Float.intBitsToFloat(r.nextInt()); // any bit pattern: every exponent
                default -> (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
            };
            if (Float.isNaN(v[i])) v[i] = 2.5f; // NaN is ordered by its sign bit: its own example below
        }
        return v;
    }

    @Property(tries = 200)
    void reluAndMaxMatchMathMax(@ForAll long seed, @ForAll @IntRange(min = 1, max = 16) int vectors) {
        int n = vectors * L;
        float[] a = values(seed, n), b = values(~seed, n);
        for (int i = 0; i < n; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, i), vb = FloatVector.fromArray(S, b, i);
            float[] relu = VectorMax.relu(va).toArray(), max = VectorMax.max(va, vb).toArray();
            for (int l = 0; l < L; l++) {
                float x = a[i + l], y = b[i + l];
                String where = "lane " + l + " of " + L + ", a = " + x + ", b = " + y;
                assertEquals(Float.floatToRawIntBits(Math.max(x, 0f)), Float.floatToRawIntBits(relu[l]), "relu " + where);
                assertEquals(Float.floatToRawIntBits(Math.max(x, y)), Float.floatToRawIntBits(max[l]), "max " + where);
            }
        }
    }

    @Property(tries = 200)
    void reluOfARangeTouchesOnlyTheRange(@ForAll long seed, @ForAll @IntRange(min = 0, max = 9) int from,
                                         @ForAll @IntRange(min = 0, max = 70) int n, @ForAll @IntRange(min = 0, max = 5) int after) {
        float[] a = values(seed, from + n + after), expected = a.clone();
        for (int i = from; i < from + n; i++) expected[i] = Math.max(a[i], 0f);
        VectorMax.relu(a, from, n);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(a[i]),
                    "element " + i + " of relu over [" + from + ", " + (from + n) + ") at " + L + " lanes");
        }
    }

    @Example
    void signedZerosAndEveryPairOfEdges() {
        int n = EDGES.length * EDGES.length;
        n = (n + L - 1) / L * L;
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = EDGES[i % EDGES.length];
            b[i] = EDGES[(i / EDGES.length) % EDGES.length];
        }
        for (int i = 0; i < n; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, i), vb = FloatVector.fromArray(S, b, i);
            float[] relu = VectorMax.relu(va).toArray(), max = VectorMax.max(va, vb).toArray();
            for (int l = 0; l < L; l++) {
                float x = a[i + l], y = b[i + l];
                assertEquals(Float.floatToRawIntBits(Math.max(x, 0f)), Float.floatToRawIntBits(relu[l]), "relu(" + x + ")");
                assertEquals(Float.floatToRawIntBits(Math.max(x, y)), Float.floatToRawIntBits(max[l]), "max(" + x + ", " + y + ")");
            }
        }
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(VectorMax.relu(FloatVector.broadcast(S, -0f)).lane(0)));
    }

    /** Like {@link #values} but NaNs of either sign stay: the gradient mask and the lane maximum must handle them. */
    private static float[] valuesWithNans(long seed, int n) {
        Random r = new Random(seed);
        float[] v = values(seed, n);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(8) == 0) v[i] = Float.intBitsToFloat((r.nextBoolean() ? 0x7f800001 : 0xff800001) + r.nextInt(0x7fffff));
        }
        return v;
    }

    @Property(tries = 200)
    void gradientMaskKeepsExactlyThePositiveLanes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 16) int vectors) {
        int n = vectors * L;
        float[] x = valuesWithNans(seed, n), g = valuesWithNans(~seed, n);
        for (int i = 0; i < n; i += L) {
            float[] got = VectorMax.whereXPositive(FloatVector.fromArray(S, x, i), FloatVector.fromArray(S, g, i)).toArray();
            for (int l = 0; l < L; l++) {
                float expected = x[i + l] > 0f ? g[i + l] : 0f;
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[l]),
                        "x = " + x[i + l] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(x[i + l])) + "), g = " + g[i + l]);
            }
        }
    }

    @Example
    void gradientMaskAtTheEdges() {
        int n = (EDGES.length + 2 + L - 1) / L * L;
        float[] x = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < EDGES.length ? EDGES[i] : Float.intBitsToFloat(i % 2 == 0 ? 0x7fc00000 : 0xffc00000);
            g[i] = -1.5f - i;
        }
        for (int i = 0; i < n; i += L) {
            float[] got = VectorMax.whereXPositive(FloatVector.fromArray(S, x, i), FloatVector.fromArray(S, g, i)).toArray();
            for (int l = 0; l < L; l++) {
                float expected = x[i + l] > 0f ? g[i + l] : 0f; // +0 and -0 give +0, as does NaN
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[l]), "x = " + x[i + l]);
            }
        }
    }

    @Property(tries = 200)
    void largestLaneMatchesMathMax(@ForAll long seed) {
        float[] a = values(seed, L);
        float expected = a[0];
        for (float v : a) expected = Math.max(expected, v);
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(VectorMax.maxLanes(FloatVector.fromArray(S, a, 0))),
                java.util.Arrays.toString(a));
    }

    @Example
    void nanLanesFollowTheirSignBit() {
        float positiveNan = Float.intBitsToFloat(0x7fc00000), negativeNan = Float.intBitsToFloat(0xffc00000);
        assertEquals(0x7fc00000, Float.floatToRawIntBits(VectorMax.relu(FloatVector.broadcast(S, positiveNan)).lane(0)));
        assertEquals(0, Float.floatToRawIntBits(VectorMax.relu(FloatVector.broadcast(S, negativeNan)).lane(0)));
        FloatVector three = FloatVector.broadcast(S, 3f);
        assertEquals(0x7fc00000, Float.floatToRawIntBits(VectorMax.max(three, FloatVector.broadcast(S, positiveNan)).lane(0)));
        assertEquals(3f, VectorMax.max(three, FloatVector.broadcast(S, negativeNan)).lane(L - 1));
    }
}
