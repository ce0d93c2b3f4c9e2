package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferenceConv;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static dev.secateur.tensor.ops.OpsTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class ConvWeightGradientTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3), Workers.of(4)};

    @Property(tries = 150)
    void matchesTheReference(
            @ForAll @IntRange(min = 1, max = 5) int inC, @ForAll @IntRange(min = 1, max = 11) int inH,
            @ForAll @IntRange(min = 1, max = 11) int inW, @ForAll @IntRange(min = 1, max = 11) int outC,
            @ForAll @IntRange(min = 1, max = 5) int kH, @ForAll @IntRange(min = 1, max = 5) int kW,
            @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
            @ForAll @IntRange(min = 0, max = 40) int batch, @ForAll @IntRange(min = 1, max = 4) int threads,
            @ForAll boolean pixelLanes) {
        ConvGeometry g = Conv2dOpsTest.geometry(inC, inH, inW, outC, kH, kW, stride, pad);
        check(new ConvWeightGradient(g, pixelLanes), batch, POOLS[threads - 1]);
    }

    @Example
    void lenetAndVggShapesMatchTheReference() {
        for (boolean pixelLanes : new boolean[] {false, true}) {
            check(new ConvWeightGradient(ConvGeometry.of(1, 28, 28, 6, 5, 1, 2), pixelLanes), 19, POOLS[1]);
            check(new ConvWeightGradient(ConvGeometry.of(6, 14, 14, 16, 5, 1, 0), pixelLanes), 13, POOLS[1]);
            check(new ConvWeightGradient(ConvGeometry.of(16, 14, 14, 32, 3, 1, 1), pixelLanes), 9, Workers.single());
            check(new ConvWeightGradient(ConvGeometry.of(3, 17, 17, 8, 3, 2, 1), pixelLanes), 5, POOLS[2]);
            check(new ConvWeightGradient(ConvGeometry.of(5, 9, 9, 40, 1, 1, 0), pixelLanes), 6, POOLS[1]);
        }
    }

    @Example
    void theLayoutFollowsTheShape() {
        assertTrue(ConvWeightGradient.byPixels(ConvGeometry.of(1, 28, 28, 1, 5, 1, 2)));
        assertFalse(ConvWeightGradient.byPixels(ConvGeometry.of(6, 14, 14, 64, 5, 1, 0)));
        assertFalse(ConvWeightGradient.byPixels(ConvGeometry.of(1, 8, 8, 2, 3, 1, 1)));
    }

    private static void check(ConvWeightGradient grad, int batch, Workers w) {
        ConvGeometry g = grad.geometry();
        int xOff = 3, dyOff = 2, dwOff = 4;
        float[] x = random(1, xOff + batch * g.inputSize()), dy = random(7, dyOff + batch * g.outputSize());
        float[] ws = random(6, grad.workspaceFloats(w, batch));
        float[] dW = random(8, dwOff + g.weightSize() + 3), before = dW.clone();
        grad.compute(w, batch, x, xOff, dy, dyOff, dW, dwOff, ws);
        float[] xs = Arrays.copyOfRange(x, xOff, x.length), dys = Arrays.copyOfRange(dy, dyOff, dy.length);
        double[] ref = ReferenceConv.weightGradient(g, batch, xs, dys);
        double[] scale = ReferenceConv.weightGradient(g, batch, absOf(xs), absOf(dys));
        assertClose("direct conv dW " + g + " batch " + batch, ref, scale, dW, dwOff, (batch * g.colCols() + 2) * EPS);
        for (int i = 0; i < dwOff; i++) assertEquals(before[i], dW[i], "dW before its offset");
        for (int i = dwOff + g.weightSize(); i < dW.length; i++) assertEquals(before[i], dW[i], "dW after its end");
    }

    @Example
    void isBitIdenticalRunToRunForAPoolSize() {
        ConvGeometry g = ConvGeometry.of(6, 14, 14, 16, 5, 1, 0);
        int batch = 21;
        float[] x = random(11, batch * g.inputSize()), dy = random(13, batch * g.outputSize());
        ConvWeightGradient grad = new ConvWeightGradient(g);
        float[] ws = new float[grad.workspaceFloats(POOLS[1], batch)];
        float[] dW1 = new float[g.weightSize()], dW2 = new float[g.weightSize()];
        grad.compute(POOLS[1], batch, x, 0, dy, 0, dW1, 0, ws);
        grad.compute(POOLS[1], batch, x, 0, dy, 0, dW2, 0, ws);
        assertArrayEquals(dW1, dW2);
    }

    @Example
    void shortBuffersAreRefusedWithTheirName() {
        ConvGeometry g = ConvGeometry.of(1, 8, 8, 4, 3, 1, 1);
        ConvWeightGradient grad = new ConvWeightGradient(g);
        float[] x = random(1, 2 * g.inputSize()), dy = random(2, 2 * g.outputSize()), dW = new float[g.weightSize()];
        float[] ws = new float[grad.workspaceFloats(Workers.single(), 2)];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> grad.compute(Workers.single(), 2, x, 0, dy, 0, dW, 0, new float[ws.length - 1]));
        assertTrue(e.getMessage().contains("workspace"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> grad.compute(Workers.single(), 3, x, 0, dy, 0, dW, 0, ws));
        assertTrue(e.getMessage().contains("x") && e.getMessage().contains("batch 3"), e.getMessage());
    }
}
