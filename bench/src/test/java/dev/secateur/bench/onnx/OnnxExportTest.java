package dev.secateur.bench.onnx;

import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.nn.zoo.Models;
import dev.secateur.prune.compact.StructuredCompactor;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of model the engine holds, exported to ONNX, runs in ONNX Runtime with Secateur's
 * outputs (max |diff| at most 1e-5, same top-1) on real Fashion-MNIST test images, and imports
 * back unchanged.
 */
class OnnxExportTest {
    static final float TOLERANCE = 1e-5f;
    @TempDir Path tmp;

    /** Exports, runs ORT, compares with Secateur, and re-imports. */
    static void check(String what, Model m, InputNormalization norm) throws Exception {
        Tensor x = OnnxFixtures.normalizedImages();
        float[] want = OnnxFixtures.secateur(m, x);
        byte[] onnx = OnnxExporter.toBytes(m, norm);
        Tensor in = norm == null ? x : Tensor.wrap(OnnxFixtures.rawImages(), OnnxFixtures.IMAGES, 1, 28, 28);
        float[] ort = OnnxFixtures.onnxRuntime(onnx, in);
        float d = OnnxFixtures.maxAbsDiff(want, ort);
        assertTrue(d <= TOLERANCE, what + ": ONNX Runtime vs Secateur max |diff| " + d);
        assertArrayEquals(OnnxFixtures.top1(want, 10), OnnxFixtures.top1(ort, 10), what + ": top-1");
        OnnxImporter.Imported back = OnnxImporter.convert(OnnxFile.parse(onnx, what, null));
        assertEquals(norm, back.normalization());
        float[] again = OnnxFixtures.secateur(back.model(), x);
        assertEquals(0f, OnnxFixtures.maxAbsDiff(want, again), what + ": re-imported model");
        assertEquals(m.parameterCount(), back.model().parameterCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet300", "lenet5", "lenet5-12x", "vgg"})
    void shippedModels(String name) throws Exception {
        CompressedModelFile.Loaded l = CompressedModelFile.load(Path.of("..", "models", name + ".safetensors"));
        check(name, l.model(), null);
        if (name.equals("lenet5-12x")) assertTrue(l.model().nonZeroCount() < l.model().parameterCount() / 10, "pruned zeros kept");
    }

    @Test
    void int8ModelExportsItsDequantizedWeights() throws Exception {
        Model m = CompressedModelFile.load(Path.of("..", "models", "lenet5-12x.safetensors")).model();
        Path f = tmp.resolve("int8.safetensors");
        CompressedModelFile.save(m, new CompressionHistory(), true, f);
        CompressedModelFile.Loaded q = CompressedModelFile.load(f);
        assertTrue(q.int8());
        check("lenet5-12x int8", q.model(), null);
    }

    @Test
    void resnetWithBatchNormPrunedAndCompacted() throws Exception {
        Model m = Models.resnet(Models.FASHION_MNIST, 1, 3);
        randomizeBatchNorms(m, new SplittableRandom(4));
        check("resnet8", m, null);
        new ModelPruner().apply(m, PruningPlan.uniform(Criterion.L2, Granularity.FILTER, Scope.LAYER, 0.5));
        check("resnet8 filter-pruned", m, null);
        Model small = new StructuredCompactor().compact(m);
        assertTrue(small.parameterCount() < m.parameterCount());
        check("resnet8 compacted", small, null);
        assertTrue(small.layers().stream().anyMatch(l -> l instanceof ResidualBlock));
    }

    @Test
    void inputNormalizationBecomesSubAndDiv() throws Exception {
        Model m = CompressedModelFile.load(Path.of("..", "models", "lenet5.safetensors")).model();
        check("lenet5 + normalization", m, new InputNormalization(new float[] {OnnxFixtures.MEAN}, new float[] {OnnxFixtures.STD}));
    }

    @Test
    void pytorchFixturesRoundTrip() throws Exception {
        for (String name : new String[] {"lenet5", "resnet", "mlp"}) {
            OnnxImporter.Imported imp = OnnxImporter.read(OnnxFixtures.file(name + ".onnx"));
            check(name + " (PyTorch)", imp.model(), imp.normalization());
        }
    }

    static void randomizeBatchNorms(Model m, SplittableRandom rng) {
        for (Parameter p : m.buffers()) fill(p, rng, p.name().endsWith("running_var") ? 0.5 : -0.5, 1.0);
        m.layers().forEach(l -> visit(l, rng));
    }

    private static void visit(dev.secateur.nn.Layer l, SplittableRandom rng) {
        if (l instanceof BatchNorm b) { fill(b.gamma(), rng, 0.5, 1.5); fill(b.beta(), rng, -0.3, 0.3); }
        if (l instanceof ResidualBlock r) { r.mainPath().forEach(c -> visit(c, rng)); r.shortcutPath().forEach(c -> visit(c, rng)); }
    }

    private static void fill(Parameter p, SplittableRandom rng, double lo, double hi) {
        float[] d = p.value().data();
        for (int i = 0; i < p.size(); i++) d[p.value().offset() + i] = (float) rng.nextDouble(lo, hi);
    }
}
