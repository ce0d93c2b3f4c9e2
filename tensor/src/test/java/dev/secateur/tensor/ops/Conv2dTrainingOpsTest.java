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

class Conv2dTrainingOpsTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3), Workers.of(4)};

    @Property(tries = 120)
    void forwardAndWeightGradientMatchTheReference(
            @ForAll @IntRange(min = 1, max = 5) int inC, @ForAll @IntRange(min = 1, max = 11) int inH,
            @ForAll @IntRange(min = 1, max = 11) int inW, @ForAll @IntRange(min = 1, max = 11) int outC,
            @ForAll @IntRange(min = 1, max = 5) int kH, @ForAll @IntRange(min = 1, max = 5) int kW,
            @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
            @ForAll @IntRange(min = 0, max = 40) int batch, @ForAll @IntRange(min = 1, max = 4) int threads,
            @ForAll boolean withBias) {
        check(Conv2dOpsTest.geometry(inC, inH, inW, outC, kH, kW, stride, pad), batch, POOLS[threads - 1], withBias);
    }

    @Example
    void lenetShapesMatchTheReference() {
        check(ConvGeometry.of(1, 28, 28, 6, 5, 1, 2), 9, POOLS[1], true);
        check(ConvGeometry.of(6, 14, 14, 16, 5, 1, 0), 13, POOLS[1], true);
        check(ConvGeometry.of(6, 14, 14, 16, 5, 1, 0), 7, Workers.single(), false);
    }

    private static void check(ConvGeometry g, int batch, Workers w, boolean withBias) {
        int xOff = 3, yOff = 5, wOff = 1, dyOff = 2, dwOff = 4;
        float[] x = random(1, xOff + batch * g.inputSize()), wt = random(2, wOff + g.weightSize());
        float[] b = withBias ? random(3, g.outC()) : null;
        float[] y = random(4, yOff + batch * g.outputSize() + 2);
        float[] cols = random(5, Conv2dTrainingOps.columnsSize(g, batch));
        float[] ws = random(6, Conv2dTrainingOps.workspaceSize(w, g, batch));
        Conv2dTrainingOps.forward(w, g, batch, x, xOff, wt, wOff, b, y, yOff, cols, ws);
        float[] xs = Arrays.copyOfRange(x, xOff, x.length), w0 = Arrays.copyOfRange(wt, wOff, wt.length);
        assertClose("training conv forward " + g + " batch " + batch, ReferenceConv.forward(g, batch, xs, w0, b),
                ReferenceConv.forwardAbs(g, batch, xs, w0, b), y, yOff, (g.colRows() + 2) * EPS);

        float[] dy = random(7, dyOff + batch * g.outputSize());
        float[] dW = random(8, dwOff + g.weightSize() + 3), before = dW.clone();
        Conv2dTrainingOps.backwardWeights(w, g, batch, dy, dyOff, cols, dW, dwOff, ws);
        float[] dys = Arrays.copyOfRange(dy, dyOff, dy.length);
        double[] ref = ReferenceConv.weightGradient(g, batch, xs, dys);
        double[] scale = ReferenceConv.weightGradient(g, batch, absOf(xs), absOf(dys));
        assertClose("training conv dW " + g + " batch " + batch, ref, scale, dW, dwOff, (batch * g.colCols() + 2) * EPS);
        for (int i = 0; i < dwOff; i++) assertEquals(before[i], dW[i], "dW before its offset");
        for (int i = dwOff + g.weightSize(); i < dW.length; i++) assertEquals(before[i], dW[i], "dW after its end");
    }

    @Example
    void weightGradientIsBitIdenticalRunToRun() {
        ConvGeometry g = ConvGeometry.of(6, 14, 14, 16, 5, 1, 0);
        int batch = 21;
        float[] x = random(11, batch * g.inputSize()), wt = random(12, g.weightSize()), dy = random(13, batch * g.outputSize());
        float[] y = new float[batch * g.outputSize()], cols = new float[Conv2dTrainingOps.columnsSize(g, batch)];
        float[] ws = new float[Conv2dTrainingOps.workspaceSize(POOLS[1], g, batch)];
        float[] dW1 = new float[g.weightSize()], dW2 = new float[g.weightSize()];
        Conv2dTrainingOps.forward(POOLS[1], g, batch, x, 0, wt, 0, null, y, 0, cols, ws);
        Conv2dTrainingOps.backwardWeights(POOLS[1], g, batch, dy, 0, cols, dW1, 0, ws);
        Conv2dTrainingOps.backwardWeights(POOLS[1], g, batch, dy, 0, cols, dW2, 0, ws);
        assertArrayEquals(dW1, dW2);
    }

    @Example
    void shortBuffersAreRefusedWithTheirName() {
        ConvGeometry g = ConvGeometry.of(1, 8, 8, 4, 3, 1, 1);
        float[] x = random(1, 2 * g.inputSize()), wt = random(2, g.weightSize()), y = new float[2 * g.outputSize()];
        float[] ws = new float[Conv2dTrainingOps.workspaceSize(Workers.single(), g, 2)];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv2dTrainingOps.forward(
                Workers.single(), g, 2, x, 0, wt, 0, null, y, 0, new float[g.colSize()], ws));
        assertTrue(e.getMessage().contains("cols"), e.getMessage());
    }
}
