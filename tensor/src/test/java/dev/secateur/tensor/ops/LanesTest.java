package dev.secateur.tensor.ops;

import jdk.incubator.vector.FloatVector;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LanesTest {

    /** The same fixed tree in scalar code: lane i += lane i + half, for half = L/2, L/4, ..., 1. */
    private static float treeSum(float[] v) {
        float[] a = v.clone();
        for (int half = a.length / 2; half >= 1; half /= 2) {
            float[] b = new float[a.length];
            for (int i = 0; i < a.length; i++) b[i] = a[i] + a[(i + half) % a.length];
            a = b;
        }
        return a[0];
    }

    @Property(tries = 100)
    void horizontalSumRoundsExactlyLikeItsScalarTree(@ForAll long seed) {
        int n = FloatVector.SPECIES_PREFERRED.length();
        float[] v = OpsTestSupport.random(seed, n);
        for (int i = 0; i < n; i += 3) v[i] *= 1e4f; // mixed magnitudes make the order visible
        float got = Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, v, 0));
        assertEquals(Float.floatToIntBits(treeSum(v)), Float.floatToIntBits(got));
    }
}
