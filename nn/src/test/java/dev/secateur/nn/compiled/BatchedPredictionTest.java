package dev.secateur.nn.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.datasets.Dataset;
import dev.secateur.datasets.FashionMnist;
import dev.secateur.datasets.Normalization;
import dev.secateur.nn.Model;
import dev.secateur.nn.Predictor;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The determinism policy for batched against one-at-a-time predictions (docs/ARCHITECTURE.md,
 * "Determinism"), on the shipped models and real test images: the two may differ in the last
 * bits (batch 1 and batch N run different kernels, which sum in different orders) but every logit
 * agrees within {@link CompiledModel#BATCH_TOLERANCE} relative to the row's largest logit, and the
 * predicted class is the same unless the top two logits are that close. The same batch predicted
 * twice is bitwise identical.
 */
class BatchedPredictionTest {
    private static final int IMAGES = 200;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lenet300.safetensors", "lenet5.safetensors", "lenet5-12x.safetensors", "vgg.safetensors"})
    void batchedAndSinglePredictionsAgreeWithinTheTolerance(String file) throws Exception {
        Model model = CompressedModelFile.load(Path.of("..", "models", file)).model();
        Dataset test = FashionMnist.loadSample(Normalization.FASHION_MNIST).test();
        int in = test.imageSize();
        float[] x = new float[IMAGES * in];
        for (int i = 0; i < IMAGES; i++) test.copyImage(i, x, i * in);
        int[] dims = {IMAGES, test.channels(), test.height(), test.width()};

        CompiledModel cm = CompiledModel.compile(model, CompileOptions.defaults().withWorkers(Workers.single())
                .withBatchSizes(1, 64).withCalibrationBudget(Duration.ofMillis(5)).withJitWarmup(Duration.ZERO));
        float[] batched = cm.predict(Tensor.wrap(x.clone(), dims)).toArray();
        assertArrayEquals(batched, cm.predict(Tensor.wrap(x.clone(), dims)).toArray(), file + ": the same batch twice");
        float[] single = new float[batched.length];
        int classes = batched.length / IMAGES;
        for (int i = 0; i < IMAGES; i++) {
            float[] one = cm.predict(java.util.Arrays.copyOfRange(x, i * in, (i + 1) * in));
            System.arraycopy(one, 0, single, i * classes, classes);
        }
        check(file + " compiled", batched, single, classes);

        Predictor p = Predictor.of(model);
        float[] pBatched = p.predict(x.clone(), IMAGES);
        float[] pSingle = new float[pBatched.length];
        for (int i = 0; i < IMAGES; i++) {
            System.arraycopy(p.predict(java.util.Arrays.copyOfRange(x, i * in, (i + 1) * in), 1), 0, pSingle, i * classes, classes);
        }
        check(file + " predictor", pBatched, pSingle, classes);
    }

    private static void check(String what, float[] batched, float[] single, int classes) {
        int rows = batched.length / classes, differing = 0;
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            float scale = 1f;
            for (int c = 0; c < classes; c++) scale = Math.max(scale, Math.abs(single[r * classes + c]));
            boolean same = true;
            for (int c = 0; c < classes; c++) {
                float a = batched[r * classes + c], b = single[r * classes + c];
                same &= Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
                double rel = Math.abs(a - b) / scale;
                worst = Math.max(worst, rel);
                assertTrue(rel <= CompiledModel.BATCH_TOLERANCE, what + ": row " + r + " class " + c + ": batched " + a
                        + ", single " + b + " (" + rel + " of the row's largest logit)");
            }
            if (!same) differing++;
            int ab = argmax(batched, r * classes, classes), as = argmax(single, r * classes, classes);
            if (ab != as) {
                double gap = Math.abs(single[r * classes + ab] - single[r * classes + as]) / scale;
                assertTrue(gap <= 2 * CompiledModel.BATCH_TOLERANCE, what + ": row " + r + " classified " + ab + " batched, " + as + " single");
            }
        }
        System.out.printf("%s: %d of %d rows differ bitwise, largest difference %.3g of the row's largest logit%n",
                what, differing, rows, worst);
        assertEquals(rows, batched.length / classes);
    }

    private static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[off + i] > v[off + best]) best = i;
        return best;
    }
}
