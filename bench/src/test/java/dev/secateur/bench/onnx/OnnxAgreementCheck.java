package dev.secateur.bench.onnx;

import dev.secateur.bench.cli.ModelInputs;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.prune.schedule.EvaluationData;
import dev.secateur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On demand: runs an ONNX file in ONNX Runtime and a model file in Secateur over the whole
 * Fashion-MNIST test set and reports the largest logit difference and the top-1 agreement
 * (docs/onnx.md). Skipped unless {@code -Dsecateur.onnx.compare=OUT.onnx,MODEL} is given.
 */
class OnnxAgreementCheck {
    @Test
    void onnxRuntimeAgreesWithSecateur() throws Exception {
        String arg = System.getProperty("secateur.onnx.compare");
        assumeTrue(arg != null && arg.contains(","), "no -Dsecateur.onnx.compare=OUT.onnx,MODEL");
        Path onnx = Path.of(arg.split(",")[0]), modelFile = Path.of(arg.split(",")[1]);
        Model m = ModelInputs.load(modelFile).model();
        TrainTest tt = EvaluationData.load(m.inputShape(), null);
        byte[] bytes = Files.readAllBytes(onnx);
        int n = tt.test().size(), batch = 500, agree = 0, correct = 0;
        float worst = 0;
        for (int start = 0; start < n; start += batch) {
            var part = tt.test().subset(start, Math.min(n, start + batch));
            Tensor x = part.images();
            float[] want = OnnxFixtures.secateur(m, x), got = OnnxFixtures.onnxRuntime(bytes, x);
            worst = Math.max(worst, OnnxFixtures.maxAbsDiff(want, got));
            int[] a = OnnxFixtures.top1(want, 10), b = OnnxFixtures.top1(got, 10);
            for (int i = 0; i < a.length; i++) {
                if (a[i] == b[i]) agree++;
                if (b[i] == part.label(i)) correct++;
            }
        }
        System.out.printf("%s vs %s: %d test images, max |logit diff| %.3g, top-1 agreement %d/%d, ONNX Runtime accuracy %.2f%%%n",
                onnx, modelFile, n, worst, agree, n, 100.0 * correct / n);
        assertEquals(n, agree);
        assertTrue(worst <= 1e-5f, "max |diff| " + worst);
    }
}
