package dev.secateur.bench.onnx;

import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.Model;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PyTorch-exported fixtures import and compute PyTorch's logits. */
class OnnxImportTest {
    static final float TOLERANCE = 1e-4f;

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "resnet"})
    void importedModelsMatchPyTorch(String name) throws Exception {
        OnnxImporter.Imported imp = OnnxImporter.read(OnnxFixtures.file(name + ".onnx"));
        assertNull(imp.normalization());
        float[] got = OnnxFixtures.secateur(imp.model(), OnnxFixtures.normalizedImages());
        float[] want = OnnxFixtures.expectedLogits(name);
        assertTrue(OnnxFixtures.maxAbsDiff(got, want) <= TOLERANCE, name + ": max |diff| " + OnnxFixtures.maxAbsDiff(got, want));
        assertArrayEquals(OnnxFixtures.top1(want, 10), OnnxFixtures.top1(got, 10));
    }

    /** {@code x.view(x.size(0), -1)}: a Shape/Gather/Unsqueeze/Concat target (dynamic batch) or the constant [1, -1] (batch fixed). */
    @ParameterizedTest
    @ValueSource(strings = {"viewnet.onnx", "viewnet_static.onnx"})
    void flattenByViewImportsInBothExportedForms(String file) throws Exception {
        Model m = OnnxImporter.read(OnnxFixtures.file(file)).model();
        float[] got = OnnxFixtures.secateur(m, OnnxFixtures.normalizedImages());
        float[] want = OnnxFixtures.expectedLogits("viewnet");
        assertTrue(OnnxFixtures.maxAbsDiff(got, want) <= TOLERANCE, file + ": max |diff| " + OnnxFixtures.maxAbsDiff(got, want));
        assertArrayEquals(OnnxFixtures.top1(want, 10), OnnxFixtures.top1(got, 10));
    }

    @Test
    void resnetBecomesResidualBlocks() throws Exception {
        Model m = OnnxImporter.read(OnnxFixtures.file("resnet.onnx")).model();
        long blocks = m.layers().stream().filter(l -> l instanceof ResidualBlock).count();
        assertEquals(2, blocks);
        ResidualBlock second = (ResidualBlock) m.layers().stream().filter(l -> l instanceof ResidualBlock).skip(1).findFirst().orElseThrow();
        assertEquals(1, second.shortcutPath().size(), "projection shortcut: the 1x1 conv (PyTorch folds its BN into it)");
    }

    @Test
    void mlpKeepsItsInputNormalizationAndReadsExternalData() throws Exception {
        OnnxImporter.Imported imp = OnnxImporter.read(OnnxFixtures.file("mlp.onnx"));
        InputNormalization n = imp.normalization();
        assertNotNull(n);
        assertEquals(OnnxFixtures.MEAN, n.mean()[0], 1e-6f);
        assertEquals(OnnxFixtures.STD, n.std()[0], 1e-6f);
        float[] x = n.apply(OnnxFixtures.rawImages(), OnnxFixtures.IMAGES, imp.model().inputShape());
        float[] got = OnnxFixtures.secateur(imp.model(), Tensor.wrap(x, OnnxFixtures.IMAGES, 1, 28, 28));
        float[] want = OnnxFixtures.expectedLogits("mlp");
        assertTrue(OnnxFixtures.maxAbsDiff(got, want) <= TOLERANCE, "max |diff| " + OnnxFixtures.maxAbsDiff(got, want));
        assertArrayEquals(OnnxFixtures.top1(want, 10), OnnxFixtures.top1(got, 10));
    }
}
