package dev.secateur.bench.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TrainedWeightsTest {
    @Test
    void magnitudeMaskKeepsTheLargestMagnitudes() {
        float[] w = {0.1f, -0.9f, 0.5f, -0.2f, 0.7f, 0.05f, -0.6f, 0.3f};
        boolean[] keep = TrainedWeights.magnitudeMask(w, 0.5);
        boolean[] expect = {false, true, true, false, true, false, true, false};
        for (int i = 0; i < w.length; i++) assertEquals(expect[i], keep[i], "entry " + i);
    }

    @Test
    void aLayerOfTheRequestedShapeIsUsedAsTrained() {
        Path models = Path.of("..", "models");
        Assumptions.assumeTrue(Files.isRegularFile(models.resolve("lenet300.safetensors")), "shipped models not found");
        String before = System.getProperty("secateur.models");
        System.setProperty("secateur.models", models.toString());
        try {
            TrainedWeights.Matrix exact = TrainedWeights.forShape(300, 784);
            assertTrue(exact.source().startsWith("lenet300 ") && !exact.source().contains("tiled"), exact.source());
            TrainedWeights.Matrix tiled = TrainedWeights.forShape(64, 576);
            assertEquals(64 * 576, tiled.w().length);
            assertTrue(tiled.source().contains("tiled to 64x576"), tiled.source());
        } finally {
            if (before == null) System.clearProperty("secateur.models");
            else System.setProperty("secateur.models", before);
        }
    }
}
