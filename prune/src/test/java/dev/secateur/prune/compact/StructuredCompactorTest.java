package dev.secateur.prune.compact;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.zoo.Models;
import dev.secateur.prune.TestModels;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.report.LayerFootprint;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StructuredCompactorTest {

    /** Gives every BatchNorm non-trivial statistics, so a forgotten BN shift shows up. */
    static void randomizeBatchNorms(Model m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (var e : m.namedTensors().entrySet()) {
            float[] d = e.getValue().value().data();
            String n = e.getKey();
            if (n.endsWith("running_mean") || n.endsWith(".beta") || n.endsWith("_mean")) for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * 0.5f;
            if (n.endsWith("running_var") || n.endsWith("_var") || n.endsWith(".gamma")) for (int i = 0; i < d.length; i++) d[i] = 0.5f + (float) r.nextDouble();
        }
        m.applyMasks();
    }

    static long macs(Model m) {
        return CompressionReport.footprints(m).stream().mapToLong(LayerFootprint::flopsDense).sum();
    }

    @Test
    void filterPrunedConvNetWithBatchNormAndResidualCompactsExactly() {
        Model m = TestModels.convNet(1);
        randomizeBatchNorms(m, 2);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1_PLUS_BIAS, Granularity.FILTER, Scope.LAYER, 0.5)
                .withPerLayer(java.util.Map.of("c1", 0.5, "rc1", 0.5, "rc2", 0.5)));
        Model small = new StructuredCompactor().compact(m);
        Tensor x = TestModels.input(3, m, 5);
        CompactionCheck.verify(m, small, x, CompactionCheck.TOLERANCE);
        // c1 and rc2 are tied by the residual add: they drop the same 2 channels, so both shrink.
        assertEquals(2, ((Conv2d) find(small, "rc1")).outChannels());
        assertEquals(2, ((Conv2d) find(small, "c1")).outChannels());
        assertEquals(2, ((Conv2d) find(small, "rc2")).outChannels());
        assertEquals(2, ((Conv2d) find(small, "rc1")).inChannels());
        assertTrue(macs(small) < macs(m));
        assertEquals(5, small.outputShape().dim(0));
    }

    @Test
    void resnetWithTiedStagesCompactsExactly() {
        Model m = Models.resnet(Shape.of(1, 12, 12), 1, 5);
        randomizeBatchNorms(m, 6);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L2, Granularity.FILTER, Scope.LAYER, 0.5));
        Model small = new StructuredCompactor().compact(m);
        CompactionCheck.verify(m, small, TestModels.input(7, m, 2), CompactionCheck.TOLERANCE);
        assertTrue(macs(small) < 0.5 * macs(m), "FLOPs ratio " + (double) macs(small) / macs(m));
    }

    @Test
    void vggFilterPruningCompactsExactlyAndSavesFlops() {
        Model m = Models.vggSmall(Shape.of(1, 28, 28), 4);
        randomizeBatchNorms(m, 5);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, Granularity.FILTER, Scope.LAYER, 0.6)
                .withPerLayer(java.util.Map.of("fc2", 1.0)));
        Model small = new StructuredCompactor().compact(m);
        Tensor x = TestModels.input(6, m, 3);
        CompactionCheck.verify(m, small, x, CompactionCheck.TOLERANCE);
        double ratio = (double) macs(small) / macs(m);
        assertTrue(ratio < 0.6, "FLOPs ratio " + ratio);
        assertEquals(10, small.outputShape().dim(0));
    }

    @Test
    void unusedInputChannelsRemoveTheirProducers() {
        Model m = TestModels.mlp(7);
        // Prune input channels (columns) of fc2: the matching fc1 neurons become unused.
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, Granularity.CHANNEL, Scope.LAYER, 1.0)
                .withPerLayer(java.util.Map.of("fc2", 0.5)));
        Model small = new StructuredCompactor().compact(m);
        assertEquals(6, ((Dense) find(small, "fc1")).outFeatures());
        assertEquals(6, ((Dense) find(small, "fc2")).inFeatures());
        CompactionCheck.verify(m, small, TestModels.input(8, m, 4), CompactionCheck.TOLERANCE);
    }

    @Test
    void aRemovedFilterWhoseBatchNormStillShiftsIsKept() {
        Model m = TestModels.convNet(9);
        randomizeBatchNorms(m, 10);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L1, Granularity.FILTER, Scope.LAYER, 0.5));
        // Undo the BN silencing: the removed rc1 filters now emit relu(BN(0)) != 0 downstream.
        for (var p : m.parameters()) {
            if (p.name().startsWith("rbn1")) {
                p.clearMask();
                java.util.Arrays.fill(p.value().data(), 0.7f);
            }
        }
        Model small = new StructuredCompactor().compact(m);
        assertEquals(4, ((Conv2d) find(small, "rc1")).outChannels(), "a channel that is not zero must stay");
        CompactionCheck.verify(m, small, TestModels.input(11, m, 4), CompactionCheck.TOLERANCE);
    }

    @Test
    void theCheckCatchesAWrongCompaction() {
        Model m = TestModels.mlp(12);
        Model other = TestModels.mlp(13);
        assertThrows(IllegalStateException.class, () -> CompactionCheck.verify(m, other, TestModels.input(1, m, 2), CompactionCheck.TOLERANCE));
    }

    static Layer find(Model m, String name) {
        for (Layer l : m.layers()) {
            if (l.name().equals(name)) return l;
            if (l instanceof dev.secateur.nn.layers.ResidualBlock r) {
                for (Layer c : r.mainPath()) if (c.name().equals(name)) return c;
                for (Layer c : r.shortcutPath()) if (c.name().equals(name)) return c;
            }
        }
        throw new AssertionError("no layer " + name);
    }
}
