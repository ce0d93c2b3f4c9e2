package dev.secateur.tensor.sparse;

import dev.secateur.tensor.ops.LaneStores;
import dev.secateur.tensor.platform.VectorMax;
import dev.secateur.tensor.platform.VectorPlatform;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Bias add and fused ReLU applied to finished accumulators, then the store. */
final class Epilogue {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final boolean FLOAT_MAX = VectorPlatform.FLOAT_MAX;

    private Epilogue() {}

    static float scalar(float sum, float[] bias, int row, boolean relu) {
        if (bias != null) sum += bias[row];
        return relu ? Math.max(sum, 0f) : sum;
    }

    /** Stores {@code act(acc + b)} into {@code y[at..at+L)}. */
    static void store(FloatVector acc, float b, boolean relu, float[] y, int at) {
        FloatVector r = acc.add(b);
        if (relu) r = FLOAT_MAX ? r.max(0f) : VectorMax.relu(r);
        r.intoArray(y, at);
    }

    /** Stores lanes {@code [0, n)} of {@code act(acc + b)} into {@code y[at..at+n)}: a row's tail. */
    static void storeFirst(FloatVector acc, float b, boolean relu, float[] y, int at, int n) {
        FloatVector r = acc.add(b);
        if (relu) r = FLOAT_MAX ? r.max(0f) : VectorMax.relu(r);
        if (LaneStores.masked(y, at)) r.intoArray(y, at, S.indexInRange(0, n));
        else for (int i = 0; i < n; i++) y[at + i] = r.lane(i);
    }
}
