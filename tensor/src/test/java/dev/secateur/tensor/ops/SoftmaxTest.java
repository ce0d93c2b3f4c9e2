package dev.secateur.tensor.ops;

import dev.secateur.tensor.reference.ReferenceSoftmax;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static dev.secateur.tensor.ops.Conv2dOpsTest.assertMessage;
import static dev.secateur.tensor.ops.OpsTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class SoftmaxTest {

    @Property(tries = 150)
    void softmaxMatchesReferenceAndRowsSumToOne(@ForAll @IntRange(min = 0, max = 6) int rows,
                                               @ForAll @IntRange(min = 1, max = 70) int cols,
                                               @ForAll @IntRange(min = 1, max = 1000) int spread) {
        float[] x = random(1, rows * cols);
        for (int i = 0; i < x.length; i++) x[i] *= spread;
        float[] y = new float[rows * cols];
        Softmax.softmax(x, 0, y, 0, rows, cols);
        assertClose("softmax", ReferenceSoftmax.softmax(x, rows, cols), y, 0, 8 * EPS * (1 + Math.log(cols)) * 4);
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) s += y[r * cols + c];
            assertEquals(1.0, s, cols * 4 * EPS, "row " + r + " sums to 1");
        }
        float[] ly = x.clone();
        Softmax.logSoftmax(ly, 0, ly, 0, rows, cols); // in place
        double[] ref = ReferenceSoftmax.logSoftmax(x, rows, cols);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], ly[i], 4 * EPS * (spread + Math.abs(ref[i]) + Math.log(cols + 1)), "log-softmax " + i);
        }
    }

    @Property(tries = 150)
    void crossEntropyLossAndGradientMatchReference(@ForAll @IntRange(min = 1, max = 9) int rows,
                                                   @ForAll @IntRange(min = 1, max = 40) int cols,
                                                   @ForAll @IntRange(min = 1, max = 100) int spread) {
        float[] x = random(2, rows * cols);
        for (int i = 0; i < x.length; i++) x[i] *= spread;
        int[] labels = new int[rows];
        SplittableRandom r = new SplittableRandom(rows * 31L + cols);
        for (int i = 0; i < rows; i++) labels[i] = r.nextInt(cols);
        double loss = Softmax.softmaxCrossEntropy(x, 0, labels, 0, rows, cols, null, 0);
        double ref = ReferenceSoftmax.crossEntropy(x, labels, rows, cols);
        assertEquals(ref, loss, 16 * EPS * (ref + spread + Math.log(cols + 1)));
        float[] d = x.clone();
        double loss2 = Softmax.softmaxCrossEntropy(d, 0, labels, 0, rows, cols, d, 0); // gradient in place
        assertEquals(loss, loss2, 16 * EPS * (ref + spread + Math.log(cols + 1)));
        double[] refGrad = ReferenceSoftmax.crossEntropyGradient(x, labels, rows, cols);
        for (int i = 0; i < refGrad.length; i++) {
            assertEquals(refGrad[i], d[i], 16 * EPS * (1 + Math.log(cols)) / rows, "dlogits " + i);
        }
    }

    @Example
    void hugeLogitsStayFinite() {
        float[] x = {1000f, -1000f, 999f, -1000f, -1000f, -999f, 0f, 1000f};
        float[] y = new float[8];
        Softmax.softmax(x, 0, y, 0, 2, 4);
        for (float v : y) assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, "softmax " + v);
        assertEquals(1 / (1 + Math.exp(-1)), y[0], 1e-6);
        Softmax.logSoftmax(x, 0, y, 0, 2, 4);
        for (float v : y) assertTrue(!Float.isNaN(v) && v <= 0, "log-softmax " + v);
        assertEquals(-2000 - Math.log1p(Math.exp(-1)), y[1], 1e-3);
        double loss = Softmax.softmaxCrossEntropy(x, 0, new int[]{1, 3}, 0, 2, 4, y, 0);
        assertTrue(Double.isFinite(loss), "loss " + loss);
    }

    @Example
    void badInputIsRejected() {
        assertMessage(() -> Softmax.softmaxCrossEntropy(new float[6], 0, new int[]{0, 3}, 0, 2, 3, null, 0),
                "label 3 of row 1 is outside [0, 3)");
        assertMessage(() -> Softmax.softmax(new float[6], 0, new float[5], 0, 2, 3), "y needs 6");
        assertMessage(() -> Softmax.logSoftmax(new float[6], 0, new float[6], 0, 2, 0), "zero columns");
    }
}
