package dev.secateur.prune.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Predictors timed in turn get one latency each, from the same number of timed calls on the same input shape. */
class LatencyProbeTest {
    @Test
    void predictorsTimedInTurnGetEqualCallCounts() {
        AtomicInteger a = new AtomicInteger(), b = new AtomicInteger();
        Consumer<Tensor> first = x -> { assertEquals(3 * 4, x.size()); a.incrementAndGet(); };
        Consumer<Tensor> second = x -> { assertEquals(3 * 4, x.size()); b.incrementAndGet(); };
        List<Latency> l = LatencyProbe.measure(Shape.of(4), 3, 20, List.of(first, second));
        assertEquals(2, l.size());
        assertEquals(l.get(0).calls(), l.get(1).calls());
        assertTrue(l.get(0).calls() >= 5);
        assertTrue(a.get() > l.get(0).calls() && b.get() > l.get(1).calls(), "warm-up calls come before the timed ones");
        assertTrue(l.get(0).q1Ms() <= l.get(0).medianMs() && l.get(0).medianMs() <= l.get(0).q3Ms());
    }
}
