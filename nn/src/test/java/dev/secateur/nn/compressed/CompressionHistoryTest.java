package dev.secateur.nn.compressed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The consistency rules a loaded compression history must satisfy. */
class CompressionHistoryTest {
    private static CompressionStep prune(String schedule, double density) {
        return new CompressionStep("prune", "l1", "weight", "layer", schedule, density, density, 0.9, 0.89);
    }

    private static CompressionStep compact(double density) {
        return new CompressionStep("compact", "", "filter", "", "", Double.NaN, density, 0.89, 0.89);
    }

    private static String refusal(CompressionStep... steps) {
        String json = new CompressionHistory(List.of(steps)).toJson();
        return assertThrows(IllegalArgumentException.class, () -> CompressionHistory.fromJson(json)).getMessage();
    }

    @Test
    void historiesThisLibraryWritesAreAccepted() {
        CompressionHistory h = new CompressionHistory(List.of(prune("iterative:2 step 1/2", 0.5), prune("iterative:2 step 2/2", 0.25),
                new CompressionStep("quantize", "", "int8-per-channel", "", "", Double.NaN, 0.25, 0.89, 0.88),
                compact(0.6), prune("oneshot", 0.3)));
        assertEquals(h.steps(), CompressionHistory.fromJson(h.toJson()).steps());
        assertEquals(0.3, CompressionHistory.fromJson(h.toJson()).lastDensity());
    }

    @Test
    void densitiesOutsideTheUnitIntervalAreRefusedNamingTheStep() {
        assertTrue(refusal(prune("oneshot", 0.5), prune("oneshot", 7)).contains("step 2 (prune): density 7.0 is outside (0, 1]"));
        assertTrue(refusal(prune("oneshot", -0.1)).contains("density -0.1"));
        assertTrue(refusal(prune("oneshot", 0)).contains("outside (0, 1]"));
    }

    @Test
    void accuraciesOutsideZeroToOneAreRefused() {
        String json = "[{\"kind\":\"prune\",\"density\":0.5,\"accuracy_after\":90.5}]";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CompressionHistory.fromJson(json)).getMessage().contains("accuracy_after 90.5"));
    }

    @Test
    void pruningThatRestoresWeightsIsRefusedUnlessACompactionRebasedTheDensity() {
        assertTrue(refusal(prune("oneshot", 0.2), prune("oneshot", 0.6)).contains("above the 0.2"));
        CompressionHistory.fromJson(new CompressionHistory(List.of(prune("oneshot", 0.2), compact(0.7), prune("oneshot", 0.6))).toJson());
    }

    @Test
    void stepCountsMustLieWithinTheirSchedule() {
        assertTrue(refusal(prune("iterative:2 step 3/2", 0.5)).contains("counts step 3 of 2"));
        assertTrue(refusal(prune("iterative:2 step 0/2", 0.5)).contains("counts step 0 of 2"));
    }
}
