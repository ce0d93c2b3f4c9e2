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

class DirectInputGradientTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3)};

    @Property(tries = 150)
    void matchesTheReference(
            @ForAll @IntRange(min = 1, max = 5) int inC, @ForAll @IntRange(min = 1, max = 11) int inH,
            @ForAll @IntRange(min = 1, max = 11) int inW, @ForAll @IntRange(min = 1, max = 11) int outC,
            @ForAll @IntRange(min = 1, max = 5) int k, @ForAll @IntRange(min = 0, max = 4) int pad,
            @ForAll @IntRange(min = 0, max = 9) int batch, @ForAll @IntRange(min = 1, max = 3) int threads) {
        int kk = Math.min(k, Math.min(inH, inW) + 2 * pad);
        ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, kk, kk, 1, Math.min(pad, kk - 1));
        check(g, batch, POOLS[threads - 1]);
    }

    @Example
    void lenetAndVggShapesMatchTheReference() {
        check(ConvGeometry.of(6, 14, 14, 16, 5, 1, 0), 5, POOLS[1]);
        check(ConvGeometry.of(32, 14, 14, 64, 3, 1, 1), 3, Workers.single());
        check(ConvGeometry.of(64, 7, 7, 128, 3, 1, 1), 2, POOLS[1]);
    }

    @Example
    void supportsOnlyStrideOneWithinTheKernel() {
        assertTrue(DirectInputGradient.supports(ConvGeometry.of(3, 8, 8, 4, 3, 1, 2)));
        assertFalse(DirectInputGradient.supports(ConvGeometry.of(3, 8, 8, 4, 3, 1, 3)));
        assertFalse(DirectInputGradient.supports(ConvGeometry.of(3, 8, 8, 4, 3, 2, 1)));
        assertFalse(DirectInputGradient.supports(new ConvGeometry(3, 8, 8, 4, 3, 2, 1, 1)));
        assertFalse(DirectInputGradient.suits(ConvGeometry.of(1, 28, 28, 6, 5, 1, 2)));
        assertTrue(DirectInputGradient.suits(ConvGeometry.of(16, 8, 8, 4, 3, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> new DirectInputGradient(ConvGeometry.of(3, 8, 8, 4, 3, 2, 1)));
    }

    private static void check(ConvGeometry g, int batch, Workers w) {
        int dyOff = 2, wOff = 1, dxOff = 3;
        float[] dy = random(7, dyOff + batch * g.outputSize()), wt = random(2, wOff + g.weightSize());
        DirectInputGradient grad = new DirectInputGradient(g);
        float[] ws = random(5, grad.workspaceFloats(w.threads()));
        float[] dx = random(8, dxOff + batch * g.inputSize() + 3), before = dx.clone();
        grad.compute(w, batch, dy, dyOff, wt, wOff, dx, dxOff, ws);
        float[] dys = Arrays.copyOfRange(dy, dyOff, dy.length), w0 = Arrays.copyOfRange(wt, wOff, wt.length);
        double[] ref = ReferenceConv.inputGradient(g, batch, dys, w0);
        double[] scale = ReferenceConv.inputGradient(g, batch, absOf(dys), absOf(w0));
        assertClose("direct dX " + g + " batch " + batch, ref, scale, dx, dxOff, (g.outC() * g.kH() * g.kW() + 2) * EPS);
        for (int i = 0; i < dxOff; i++) assertEquals(before[i], dx[i], "dx before its offset");
        for (int i = dxOff + batch * g.inputSize(); i < dx.length; i++) assertEquals(before[i], dx[i], "dx after its end");
    }
}
