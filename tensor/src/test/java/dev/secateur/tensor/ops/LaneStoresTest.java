package dev.secateur.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.secateur.tensor.platform.VectorPlatform;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class LaneStoresTest {
    /** A masked store is offered exactly when the whole vector lies inside the array. */
    @Property(tries = 300)
    void maskedOnlyInsideTheArray(@ForAll @IntRange(min = 0, max = 80) int length, @ForAll @IntRange(min = -40, max = 80) int at) {
        boolean inside = at >= 0 && at + VectorPlatform.LANES <= length;
        assertEquals(VectorPlatform.MASKED_MEMORY && inside, LaneStores.masked(new float[length], at));
    }
}
