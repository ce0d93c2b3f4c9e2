package dev.secateur.prune.pipeline;

import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.Normalization;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.zoo.Models;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.report.LayerFootprint;
import dev.secateur.prune.schedule.DatasetFineTuner;
import dev.secateur.prune.schedule.PruningOutcome;
import dev.secateur.prune.schedule.PruningSchedule;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline as a library on the bundled sample: schedules, targets, guard rails, listener. */
class CompressionPipelineTest {
    static TrainTest data;
    @TempDir Path dir;

    @BeforeAll
    static void load() throws Exception {
        data = FashionMnist.loadSample(Normalization.FASHION_MNIST);
    }

    static Model trained() {
        Model m = Models.lenet300100(Models.FASHION_MNIST, 3);
        DatasetFineTuner.adam(data.train(), 1e-3, 1).fineTune(m, 1, s -> { });
        return m;
    }

    @Test void oneGrammarForEverySchedule() {
        PruningSchedule.Settings s = new PruningSchedule.Settings(2, 1.0, 0.5);
        assertEquals("oneshot", PruningSchedule.parse("oneshot", s).spec());
        assertEquals("iterative:8", PruningSchedule.parse("iterative", s).spec());
        assertEquals("iterative:3", PruningSchedule.parse("iterative:3", s).spec());
        assertEquals("lottery:4", PruningSchedule.parse("lottery:4", s).spec());
        assertEquals("agp:20", PruningSchedule.parse("agp", s).spec());
        assertTrue(PruningSchedule.parse("agp:5", s).trainsOnce());
        for (String bad : List.of("iterative:0", "iterative:1000000", "agp:-1", "agp:x", "oneshot:2", "gradual")) {
            assertThrows(IllegalArgumentException.class, () -> PruningSchedule.parse(bad, s), bad);
        }
    }

    @Test void optionsAreCheckedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> CompressionPipeline.builder().build(), "no target");
        assertThrows(IllegalArgumentException.class, () -> CompressionPipeline.builder().target(new Target.Sparsity(0.5)).optimizer("sgd", 5, 0).build());
        assertThrows(IllegalArgumentException.class, () -> CompressionPipeline.builder().target(new Target.Sparsity(0.5)).schedule("agp").fineTuneEpochs(0.5).build());
        assertThrows(IllegalArgumentException.class, () -> new Target.Compression(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new Target.Sparsity(1));
        assertThrows(IllegalArgumentException.class, () -> Granularity.parse("nm:0:4"));
        assertEquals(Criterion.L1_PLUS_BIAS, Criterion.parse("seed"));
        assertEquals(Criterion.MAX_PLUS_BIAS, Criterion.parse("max-bias"));
        assertFalse(CompressionPipeline.builder().target(new Target.Sparsity(0.5)).criterion(Criterion.L2).build().notes().isEmpty());
        assertTrue(CompressionPipeline.builder().target(new Target.Sparsity(0.5)).criterion(Criterion.L2).granularity(Granularity.FILTER)
                .build().notes().isEmpty(), "l2 and l1 differ on filters");
    }

    @Test void iterativeRunWithListenerReachesTheTargetAndRecordsTheOriginal() throws Exception {
        Model m = trained();
        CompressionHistory h = new CompressionHistory();
        List<String> phases = new ArrayList<>(), lines = new ArrayList<>();
        long[] progress = {0};
        PipelineResult r = CompressionPipeline.builder().target(new Target.Compression(5)).scope(Scope.GLOBAL).schedule("iterative:2")
                .fineTuneEpochs(0.25).accuracyBudget(Double.NaN).int8(true).build()
                .run(m, h, false, data, new PipelineListener() {
                    @Override public void phase(String name) { phases.add(name); }
                    @Override public void log(String line) { lines.add(line); }
                    @Override public void progress(String task, long done, long total) { progress[0]++; }
                });
        assertEquals(PruningOutcome.Status.REACHED_TARGET, r.outcome().status());
        assertEquals(0, r.exitCode());
        assertTrue(ModelPruner.density(r.model()) <= 0.2 + 1e-9);
        assertTrue(r.int8() && r.history().isQuantized());
        assertNotNull(r.history().original());
        assertEquals(266_200, r.history().original().prunableWeights());
        assertTrue(phases.stream().anyMatch(p -> p.startsWith("prune")) && phases.stream().anyMatch(p -> p.startsWith("quantize")), phases.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("step 2/2")), lines.toString());
        assertTrue(progress[0] > 10, "fine-tuning and evaluation report progress");
        // the original travels through the file
        Path f = dir.resolve("m.safetensors");
        CompressedModelFile.save(r.model(), r.history(), r.int8(), f);
        assertEquals(r.history().original(), CompressedModelFile.load(f).history().original());
    }

    @Test void gradualRunThatBreaksTheBudgetIsRolledBackToTheStart() {
        Model m = trained();
        Model before = m.copy();
        PipelineResult r = CompressionPipeline.builder().target(new Target.Compression(50)).scope(Scope.GLOBAL).schedule("agp:4")
                .fineTuneEpochs(1).accuracyBudget(0.0).build().run(m, new CompressionHistory(), false, data, PipelineListener.SILENT);
        assertEquals(PruningOutcome.Status.BUDGET_BROKEN, r.outcome().status());
        assertEquals(3, r.exitCode());
        assertFalse(r.changed(), "nothing good to save");
        assertEquals(1.0, ModelPruner.density(m), 1e-12, "masks rolled back");
        for (int i = 0; i < m.parameters().size(); i++) {
            assertTrue(java.util.Arrays.equals(before.parameters().get(i).value().toArray(), m.parameters().get(i).value().toArray()), "weights rolled back");
        }
    }

    @Test void flopsAndSizeTargetsAreMetByBisection() throws Exception {
        Model m = trained();
        long dense = CompressionReport.footprints(m).stream().mapToLong(LayerFootprint::flopsDense).sum();
        PipelineResult r = CompressionPipeline.builder().target(new Target.FlopsReduction(0.7)).fineTuneEpochs(0).accuracyBudget(Double.NaN)
                .build().run(m, new CompressionHistory(), false, data, PipelineListener.SILENT);
        long flops = CompressionReport.footprints(r.model()).stream().mapToLong(LayerFootprint::flopsEffective).sum();
        assertTrue(flops <= 0.3 * dense && flops > 0.28 * dense, flops + " of " + dense);

        Path f = dir.resolve("s.safetensors");
        PipelineResult s = CompressionPipeline.builder().target(new Target.SizeBytes(100_000)).fineTuneEpochs(0).accuracyBudget(Double.NaN).build()
                .run(trained(), new CompressionHistory(), false, data, PipelineListener.SILENT);
        CompressedModelFile.save(s.model(), s.history(), s.int8(), f);
        assertTrue(Files.size(f) <= 100_000 && Files.size(f) > 90_000, "size " + Files.size(f));
    }

    @Test void aPlanThatWouldEmptyALayerIsRefusedBeforeTraining() {
        Model m = trained();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompressionPipeline.builder()
                .target(new Target.Sparsity(0.999)).granularity(Granularity.FILTER).minDensity(0).fineTuneEpochs(0).build()
                .run(m, new CompressionHistory(), false, data, PipelineListener.SILENT));
        assertTrue(e.getMessage().contains("would empty layer"), e.getMessage());
        assertEquals(1.0, ModelPruner.density(m), 1e-12, "the model is untouched");
    }
}
