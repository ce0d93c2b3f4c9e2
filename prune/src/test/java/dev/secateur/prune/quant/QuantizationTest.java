package dev.secateur.prune.quant;

import dev.secateur.nn.compressed.Int8Quantizer;
import dev.secateur.nn.compressed.QuantizedWeights;
import dev.secateur.tensor.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizationTest {

    @Property(tries = 150)
    void errorIsWithinHalfAScale(@ForAll long seed, @ForAll boolean conv) {
        SplittableRandom r = new SplittableRandom(seed);
        int out = r.nextInt(1, 9);
        Shape s = conv ? Shape.of(out, r.nextInt(1, 5), 3, 3) : Shape.of(out, r.nextInt(1, 40));
        float[] w = new float[s.size()];
        double spread = Math.pow(10, r.nextInt(-4, 3));
        for (int i = 0; i < w.length; i++) w[i] = r.nextInt(3) == 0 ? 0f : (float) (r.nextGaussian() * spread);
        if (r.nextBoolean()) java.util.Arrays.fill(w, 0, s.size() / out, 0f); // an all-zero channel
        QuantizedWeights q = new Int8Quantizer().quantize(w, s);
        QuantizationError e = QuantizationError.between(w, q);
        assertTrue(e.maxAbs() <= e.maxHalfScale() * (1 + 1e-6) + 1e-30);
        assertTrue(e.relative() < 0.01 || spread < 1e-3, "relative error " + e.relative());
    }

    @Test
    void calibrationReportsProgressPerBatchAndTheSameRanges() {
        dev.secateur.nn.Model m = dev.secateur.prune.TestModels.mlp(3);
        java.util.List<dev.secateur.tensor.Tensor> batches = new java.util.ArrayList<>();
        for (int b = 0; b < 5; b++) batches.add(dev.secateur.tensor.Tensor.randomUniform(b + 1, -1, 1, 2, 1, 4, 4));
        java.util.List<long[]> seen = new java.util.ArrayList<>();
        var ranges = new ModelQuantizer().calibrate(m, batches, ActivationCalibrator.minMax(), (task, done, total) -> {
            assertEquals(ModelQuantizer.CALIBRATE_TASK, task);
            seen.add(new long[] {done, total});
        });
        assertEquals(6, seen.size(), "a start and one update per batch");
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i)[0]);
            assertEquals(5, seen.get(i)[1]);
        }
        assertEquals(ranges, new ModelQuantizer().calibrate(m, batches, ActivationCalibrator.minMax()), "progress changes nothing");
    }

    @Test
    void calibrationFindsRangesAndClipsOutliers() {
        ActivationCalibrator mm = ActivationCalibrator.minMax();
        ActivationCalibrator pc = new ActivationCalibrator(ActivationCalibrator.Method.PERCENTILE, 99, 100_000);
        float[] x = new float[10_000];
        for (int i = 0; i < x.length; i++) x[i] = i / 10_000f;
        x[5] = 100f; // one outlier
        mm.observe("fc1", x, 0, x.length);
        pc.observe("fc1", x, 0, x.length);
        ActivationRange a = mm.ranges().get("fc1");
        assertEquals(100f, a.max());
        assertEquals(0f, a.min());
        assertEquals(100f / 127, a.scale(), 1e-6);
        ActivationRange p = pc.ranges().get("fc1");
        assertTrue(p.max() < 1f && p.max() > 0.97f, "percentile max " + p.max());
        assertEquals(10_000, p.samples());
        assertThrows(IllegalArgumentException.class, () -> mm.observe("fc1", x, 5, x.length));
    }
}
