package dev.secateur.tensor.ops;

import net.jqwik.api.Example;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same call gives the same bits whether it runs interpreted (first calls) or JIT-compiled
 * (after thousands of calls): the reason reductions avoid {@code reduceLanes(ADD)} and vector EXP.
 */
class WarmupDeterminismTest {
    private static final int CALLS = 15_000;

    @Example
    void reductionsGiveTheSameBitsBeforeAndAfterCompilation() {
        float[] x = OpsTestSupport.random(99, 3 * 5 * 37);
        for (int i = 0; i < x.length; i += 7) x[i] *= 1000f; // mixed magnitudes make rounding order visible
        long first = fingerprint(x);
        for (int i = 0; i < CALLS; i++) {
            long again = fingerprint(x);
            if (again != first) assertEquals(first, again, "call " + i + " rounded differently");
        }
    }

    private static long fingerprint(float[] x) {
        float[] db = new float[5];
        Elementwise.sumChannels(x, 0, 3, 5, 37, db, 0);
        float[] y = new float[x.length];
        Softmax.softmax(x, 0, y, 0, 15, 37);
        double loss = Softmax.softmaxCrossEntropy(x, 0, new int[]{1, 2, 3}, 0, 3, 37, null, 0);
        long h = Double.doubleToLongBits(Magnitude.of(Norm.L1, x, 0, x.length))
                ^ 31 * Double.doubleToLongBits(Magnitude.of(Norm.L2, x, 0, x.length))
                ^ 17 * Double.doubleToLongBits(loss);
        for (float v : db) h = h * 31 + Float.floatToIntBits(v);
        for (float v : y) h = h * 31 + Float.floatToIntBits(v);
        return h;
    }
}
