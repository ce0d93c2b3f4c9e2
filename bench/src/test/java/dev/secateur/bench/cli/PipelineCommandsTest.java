package dev.secateur.bench.cli;

import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Flatten;
import dev.secateur.nn.layers.ReLU;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.scoring.PrunableLayer;
import dev.secateur.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prune} through the pipeline on the shipped LeNet-300-100 and LeNet-5: every target kind,
 * every guard rail, and the option checks that must fire before any data is read. Fine-tuning
 * is off where the point is the target or the rail, so the runs take seconds.
 */
class PipelineCommandsTest {
    private static final Path LENET300 = Path.of("..", "models", "lenet300.safetensors");
    private static final Path LENET5 = Path.of("..", "models", "lenet5.safetensors");
    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** prune LENET300 with no fine-tuning and no budget, plus {@code extra}. */
    private CliRun quickPrune(Path out, Path json, String... extra) {
        List<String> a = new ArrayList<>(List.of("prune", LENET300.toString(), "--finetune-epochs", "0", "--accuracy-budget", "none",
                "--out", out.toString(), "--json", json.toString()));
        a.addAll(List.of(extra));
        return run(a.toArray(String[]::new));
    }

    private static double layerDensity(Model m, String layer) {
        for (PrunableLayer l : PrunableLayer.findAll(m)) if (l.name().equals(layer)) return l.weight().nonZeros() / (double) l.size();
        throw new AssertionError("no layer " + layer);
    }

    private static void assertOneErrorLine(CliRun r, String mustContain, String what) {
        assertEquals(2, r.code(), what + ": " + r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
        assertEquals(1, lines.size(), what + " gives one line: " + r.err());
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(mustContain), what + ": " + lines.get(0));
        assertFalse(r.err().contains("--verbose"), "no stack trace to offer for bad input: " + r.err());
        assertFalse(r.err().contains("data:"), what + " is found before any data is loaded: " + r.err());
    }

    @Test void badOptionValuesAreOneErrorLineBeforeAnyDataIsRead() throws Exception {
        Path out = dir.resolve("o.safetensors");
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        String m = LENET300.toString();
        String[][] cases = {
                {"--compression", "1e9"}, {"--compression", "Infinity"}, {"--compression", "NaN"}, {"--compression", "0.5"},
                {"--sparsity", "1"}, {"--sparsity", "-0.1"}, {"--flops-reduction", "1"}, {"--size-bytes", "0"},
                {"--sparsity", "0.5", "--compression", "2"},
                {"--granularity", "nm:0:4"}, {"--granularity", "block:100000x100000"},
                {"--sparsity", "0.5", "--granularity", "block:4000x4000"},
                {"--sparsity", "0.5", "--layer-density", "nosuch=0.5"}, {"--sparsity", "0.5", "--exclude", "nosuch"},
                {"--sparsity", "0.5", "--layer-density", "fc1=0"},
                {"--sparsity", "0.5", "--max-density", "nosuch=0.5"}, {"--sparsity", "0.5", "--max-density", "fc1=0"},
                {"--sparsity", "0.5", "--max-density", "fc1=1.5"}, {"--sparsity", "0.5", "--max-density", "fc1=0.005"},
                {"--sparsity", "0.5", "--max-density", "fc1=0.3", "--layer-density", "fc1=0.5"},
                {"--sparsity", "0.5", "--max-density", "fc1"}, {"--granularity", "nm:2:4", "--max-density", "fc1=0.3"},
                {"--sparsity", "0.5", "--momentum", "5"}, {"--sparsity", "0.5", "--lr", "-1"}, {"--sparsity", "0.5", "--batch", "0"},
                {"--sparsity", "0.5", "--schedule", "iterative:1000000"}, {"--sparsity", "0.5", "--schedule", "gradual"},
                {"--sparsity", "0.5", "--accuracy-budget", "lots"}, {"--sparsity", "0.5", "--criterion", "l3"},
                {"--sparsity", "0.5", "--dataset", "nosuch"}, {"--sparsity", "0.5", "--finetune-epochs", "-1"},
                {"--sparsity", "0.5", "--json", dir.toString()}, {"--sparsity", "0.5", "--json", ""},
        };
        for (String[] c : cases) {
            List<String> a = new ArrayList<>(List.of("prune", m, "--out", out.toString()));
            a.addAll(List.of(c));
            assertOneErrorLine(run(a.toArray(String[]::new)), "", String.join(" ", c));
        }
        assertOneErrorLine(run("prune", m, "--sparsity", "0.5", "--out", ""), "--out", "empty --out");
        assertOneErrorLine(run("prune", m, "--sparsity", "0.5", "--out", dir.toString()), "directory", "--out a directory");
        assertOneErrorLine(run("prune", m, "--sparsity", "0.5", "--out", notADir.resolve("x.safetensors").toString()), "--out", "--out under a file");
        assertOneErrorLine(run("quantize", m, "--percentile", "200", "--out", out.toString()), "--percentile", "percentile 200");
        assertOneErrorLine(run("quantize", m, "--calibration-batches", "0", "--out", out.toString()), "--calibration-batches", "calibration 0");
        assertOneErrorLine(run("train", "--model", "lenet300", "--warmup", "-1", "--out", out.toString()), "--warmup", "warmup -1");
        assertOneErrorLine(run("train", "--model", "lenet300", "--momentum", "5", "--out", out.toString()), "--momentum", "train momentum 5");
        assertOneErrorLine(run("sensitivity", m, "--sparsities", "0.5,1.5"), "--sparsities", "sparsity 1.5");
        assertFalse(Files.exists(out), "nothing written");
        // usage errors are one line too
        CliRun u = run("prune", m, "--no-such-option");
        assertEquals(2, u.code());
        assertEquals(1, u.err().lines().filter(l -> !l.isBlank()).count(), u.err());
        assertTrue(u.err().startsWith("error: "), u.err());
    }

    @Test void aModelWithTheWrongClassCountIsRefused() throws Exception {
        Path f = dir.resolve("seven.safetensors");
        Shape in = Shape.of(1, 28, 28);
        Model m = new Model("mlp7", in, List.of(new Flatten("flatten"), new Dense("fc1", in.size(), 32), new ReLU("relu1"),
                new Dense("fc2", 32, 7))).initialize(3);
        ModelFile.save(m, f, TrainingInfo.NONE);
        for (String cmd : List.of("report", "prune", "eval")) {
            CliRun r = cmd.equals("prune") ? run("prune", f.toString(), "--sparsity", "0.5", "--out", dir.resolve("p.safetensors").toString())
                    : run(cmd, f.toString());
            assertEquals(2, r.code(), cmd + ": " + r.err());
            assertTrue(r.err().contains("7 outputs") && r.err().contains("10 classes"), cmd + ": " + r.err());
        }
    }

    @Test void theDefaultAccuracyBudgetRollsBackAndExitsThree() throws Exception {
        Path out = dir.resolve("b.safetensors"), json = dir.resolve("b.json");
        // one-shot 95% without fine-tuning costs far more than 1 pp: rolled back, nothing to save
        CliRun r = run("prune", LENET300.toString(), "--sparsity", "0.95", "--finetune-epochs", "0", "--out", out.toString(), "--json", json.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("accuracy budget broken"), r.err());
        assertFalse(Files.exists(out), "a rolled-back run with no good step writes nothing");
        assertEquals("budget_broken", Json.parseObject(Files.readString(json)).get("status"));
        // four steps to 2%: the first (density 0.38) holds the budget without fine-tuning, the last cannot; the last good one is saved
        CliRun steps = run("prune", LENET300.toString(), "--sparsity", "0.98", "--schedule", "iterative:4", "--finetune-epochs", "0",
                "--out", out.toString());
        assertEquals(3, steps.code(), steps.err());
        assertTrue(steps.err().contains("rolled back"), steps.err());
        CompressedModelFile.Loaded back = CompressedModelFile.load(out);
        double d = ModelPruner.density(back.model());
        int good = back.history().steps().size();
        assertTrue(good >= 1 && good <= 3, "only the good steps are recorded: " + good);
        assertEquals(back.history().steps().getLast().density(), d, 1e-9, "the saved model is the last good step");
        assertTrue(d > 0.05 && d < 0.4, "density " + d);
        // 'none' lifts the budget
        CliRun none = quickPrune(dir.resolve("n.safetensors"), dir.resolve("n.json"), "--sparsity", "0.95");
        assertEquals(0, none.code(), none.err());
    }

    @Test void aTargetThatWouldEmptyALayerStopsNamingIt() throws Exception {
        // conv1 of LeNet-5 reads one input channel: channel pruning at 50% would remove it
        Path out = dir.resolve("c.safetensors");
        CliRun r = run("prune", LENET5.toString(), "--granularity", "channel", "--sparsity", "0.5", "--min-density", "0",
                "--finetune-epochs", "0", "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("empty layer conv1"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test void coincidingCriteriaAreNamed() throws Exception {
        CliRun r = quickPrune(dir.resolve("l2.safetensors"), dir.resolve("l2.json"), "--sparsity", "0.5", "--criterion", "l2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("exactly the masks of l1"), r.err());
        CliRun s = quickPrune(dir.resolve("sm.safetensors"), dir.resolve("sm.json"), "--sparsity", "0.5", "--criterion", "seed-max");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().contains("exactly the masks of l1-bias"), s.err());
        assertFalse(r.err().contains("\r"), "no progress bar when stderr is not a terminal");
    }

    @Test void everyTargetKindIsMetInTheSavedFile() throws Exception {
        Path out = dir.resolve("t.safetensors"), json = dir.resolve("t.json");
        CliRun c = quickPrune(out, json, "--compression", "5");
        assertEquals(0, c.code(), c.err());
        assertTrue(ModelPruner.density(CompressedModelFile.load(out).model()) <= 0.2 + 1e-9);

        CliRun s = quickPrune(out, json, "--sparsity", "0.8", "--scope", "global");
        assertEquals(0, s.code(), s.err());
        assertEquals(0.2, ModelPruner.density(CompressedModelFile.load(out).model()), 1e-4);

        CliRun f = quickPrune(out, json, "--flops-reduction", "0.6");
        assertEquals(0, f.code(), f.err());
        Map<String, Object> j = Json.parseObject(Files.readString(json));
        double reduction = ((Number) j.get("flops_reduction_vs_original")).doubleValue();
        assertTrue(reduction >= 0.6 && reduction < 0.62, "FLOPs target met closely: " + reduction);

        CliRun b = quickPrune(out, json, "--size-bytes", "150000");
        assertEquals(0, b.code(), b.err());
        long size = Files.size(out);
        assertTrue(size <= 150_000 && size > 135_000, "file at most 150,000 bytes, not far below: " + size);

        CliRun l = quickPrune(out, json, "--compression", "5", "--scope", "global", "--layer-density", "fc3=0.5");
        assertEquals(0, l.code(), l.err());
        Model m = CompressedModelFile.load(out).model();
        assertEquals(0.5, layerDensity(m, "fc3"), 1e-3, "a per-layer density holds in global scope");
        assertTrue(ModelPruner.density(m) <= 0.2 + 1e-9);
    }

    @Test void aPerLayerMaximumHoldsInBothScopes() throws Exception {
        Path out = dir.resolve("max.safetensors"), json = dir.resolve("max.json");
        // global: the threshold alone would keep most of the small fc3; its maximum forces it down
        CliRun g = quickPrune(out, json, "--sparsity", "0.5", "--scope", "global", "--max-density", "fc3=0.2");
        assertEquals(0, g.code(), g.err());
        Model mg = CompressedModelFile.load(out).model();
        assertEquals(0.2, layerDensity(mg, "fc3"), 1e-3, "fc3 at its maximum in global scope");
        assertEquals(0.5, ModelPruner.density(mg), 1e-4, "the other layers make up the model-wide target");
        // layer scope: fc2 held at its maximum, fc1 and fc3 keep more so the model still keeps half
        CliRun l = quickPrune(out, json, "--sparsity", "0.5", "--max-density", "fc2=0.1");
        assertEquals(0, l.code(), l.err());
        Model ml = CompressedModelFile.load(out).model();
        assertEquals(0.1, layerDensity(ml, "fc2"), 1e-3, "fc2 at its maximum in layer scope");
        assertTrue(layerDensity(ml, "fc1") > 0.5 && layerDensity(ml, "fc3") > 0.5, "the others keep more than the uniform half");
        assertEquals(0.5, ModelPruner.density(ml), 1e-3);
        // a maximum above what the layer gets anyway changes nothing
        CliRun u = quickPrune(out, json, "--sparsity", "0.5", "--max-density", "fc2=0.9");
        assertEquals(0, u.code(), u.err());
        assertEquals(0.5, layerDensity(CompressedModelFile.load(out).model(), "fc2"), 1e-3);
        // in steps the maximum is approached like a per-layer target and holds at the end
        Path small = dir.resolve("small.safetensors");
        CliRun a = run("prune", LENET5.toString(), "--compression", "4", "--scope", "global", "--schedule", "iterative:3",
                "--finetune-epochs", "0.01", "--accuracy-budget", "none", "--max-density", "conv2=0.3", "--out", small.toString());
        assertEquals(0, a.code(), a.err());
        Model ma = CompressedModelFile.load(small).model();
        assertTrue(layerDensity(ma, "conv2") <= 0.3 + 1e-3, "conv2 at most 30%: " + layerDensity(ma, "conv2"));
        assertTrue(ModelPruner.density(ma) <= 0.25 + 1e-9);
    }

    @Test void aSensitivityPlanFlowsIntoPrune() throws Exception {
        Path plan = dir.resolve("plan.json"), out = dir.resolve("p.safetensors");
        CliRun s = run("sensitivity", LENET300.toString(), "--sparsities", "0.5,0.8,0.95", "--compression", "4", "--test-limit", "500",
                "--out", plan.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("--plan " + plan), "the printed command is complete: " + s.out());
        Map<String, Object> p = Json.parseObject(Files.readString(plan));
        @SuppressWarnings("unchecked") Map<String, Object> densities = (Map<String, Object>) p.get("layer_densities");
        CliRun r = run("prune", LENET300.toString(), "--plan", plan.toString(), "--finetune-epochs", "0", "--accuracy-budget", "none",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Model m = CompressedModelFile.load(out).model();
        for (var e : densities.entrySet()) {
            assertEquals(((Number) e.getValue()).doubleValue(), layerDensity(m, e.getKey()), 2e-3, "layer " + e.getKey() + " follows the plan");
        }
    }

    @Test void reportsCompareWithTheOriginalDenseModelAfterCompaction() throws Exception {
        Path out = dir.resolve("f.safetensors"), json = dir.resolve("r.json");
        CliRun p = quickPrune(out, dir.resolve("f.json"), "--granularity", "filter", "--sparsity", "0.5", "--compact");
        assertEquals(0, p.code(), p.err());
        CliRun r = run("report", out.toString(), "--no-latency", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = Json.parseObject(Files.readString(json));
        assertTrue(j.get("original") != null, "the history carries the original dense model: " + j.keySet());
        double density = ((Number) j.get("density")).doubleValue();
        assertTrue(density < 0.8, "density against the original, not 100% of the compacted layers: " + density);
        assertTrue(((Number) j.get("size_ratio")).doubleValue() > 1.5, "size against the original dense file: " + j.get("size_ratio"));
        assertTrue(r.out().contains("vs the original dense lenet300") && r.out().contains("since the last step (compact"), r.out());
    }
}
