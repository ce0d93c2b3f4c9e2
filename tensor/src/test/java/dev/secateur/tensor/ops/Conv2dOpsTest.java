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

class Conv2dOpsTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3), Workers.of(4)};

    /** A valid geometry from raw draws: the kernel is clamped to the padded input. */
    static ConvGeometry geometry(int inC, int inH, int inW, int outC, int kH, int kW, int stride, int pad) {
        return new ConvGeometry(inC, inH, inW, outC, Math.min(kH, inH + 2 * pad), Math.min(kW, inW + 2 * pad), stride, pad);
    }

    @Property(tries = 120)
    void forwardMatchesDirectConvolutionForAnyGeometry(
            @ForAll @IntRange(min = 1, max = 5) int inC, @ForAll @IntRange(min = 1, max = 11) int inH,
            @ForAll @IntRange(min = 1, max = 11) int inW, @ForAll @IntRange(min = 1, max = 11) int outC,
            @ForAll @IntRange(min = 1, max = 5) int kH, @ForAll @IntRange(min = 1, max = 5) int kW,
            @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
            @ForAll @IntRange(min = 0, max = 5) int batch, @ForAll @IntRange(min = 1, max = 4) int threads,
            @ForAll boolean withBias, @ForAll @IntRange(min = 0, max = 2) int workspaceKind) {
        ConvGeometry g = geometry(inC, inH, inW, outC, kH, kW, stride, pad);
        Workers w = POOLS[threads - 1];
        int xOff = 3, yOff = 5, wOff = 1;
        float[] x = random(1, xOff + batch * g.inputSize()), wt = random(2, wOff + g.weightSize());
        float[] b = withBias ? random(3, g.outC()) : null;
        float[] y = random(4, yOff + batch * g.outputSize() + 2);
        float[] ws = workspace(g, threads, workspaceKind);
        Conv2dOps.forward(w, g, batch, x, xOff, wt, wOff, b, y, yOff, ws);
        float[] xs = Arrays.copyOfRange(x, xOff, x.length), ws0 = Arrays.copyOfRange(wt, wOff, wt.length);
        double[] ref = ReferenceConv.forward(g, batch, xs, ws0, b);
        double[] scale = ReferenceConv.forwardAbs(g, batch, xs, ws0, b);
        assertClose("conv forward " + g + " batch " + batch, ref, scale, y, yOff, (g.colRows() + 2) * EPS);
    }

    @Example
    void lenetAndVggShapesMatchReference() {
        checkForward(ConvGeometry.of(1, 28, 28, 6, 5, 1, 2), 2, POOLS[1]);
        checkForward(ConvGeometry.of(6, 14, 14, 16, 5, 1, 0), 3, POOLS[1]);
        checkForward(ConvGeometry.of(16, 8, 8, 8, 3, 2, 1), 2, Workers.single());
        checkForward(ConvGeometry.of(17, 5, 5, 16, 1, 1, 0), 3, POOLS[1]);
    }

    @Property(tries = 100)
    void im2colMatchesItsDefinition(
            @ForAll @IntRange(min = 1, max = 4) int inC, @ForAll @IntRange(min = 1, max = 9) int inH,
            @ForAll @IntRange(min = 1, max = 9) int inW, @ForAll @IntRange(min = 1, max = 5) int kH,
            @ForAll @IntRange(min = 1, max = 5) int kW, @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 3) int pad) {
        ConvGeometry g = geometry(inC, inH, inW, 1, kH, kW, stride, pad);
        float[] x = random(7, g.inputSize() + 2);
        float[] col = random(8, g.colSize() + 3);
        Conv2dOps.im2col(g, x, 2, col, 3);
        double[] ref = ReferenceConv.im2col(g, Arrays.copyOfRange(x, 2, x.length), 0);
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], col[3 + i], 0.0, "col element " + i + " of " + g);
    }

    @Property(tries = 100)
    void col2imIsTheAdjointOfIm2col(
            @ForAll @IntRange(min = 1, max = 4) int inC, @ForAll @IntRange(min = 1, max = 9) int inH,
            @ForAll @IntRange(min = 1, max = 9) int inW, @ForAll @IntRange(min = 1, max = 5) int kH,
            @ForAll @IntRange(min = 1, max = 5) int kW, @ForAll @IntRange(min = 1, max = 3) int stride,
            @ForAll @IntRange(min = 0, max = 3) int pad) {
        ConvGeometry g = geometry(inC, inH, inW, 1, kH, kW, stride, pad);
        float[] x = random(11, g.inputSize()), c = random(12, g.colSize());
        float[] col = new float[g.colSize()];
        Conv2dOps.im2col(g, x, 0, col, 0);
        float[] dx0 = random(13, g.inputSize()), dx = dx0.clone();
        Conv2dOps.col2im(g, c, 0, dx, 0);
        double lhs = 0, rhs = 0, scale = 0;
        for (int i = 0; i < col.length; i++) {
            lhs += (double) col[i] * c[i];
            scale += Math.abs((double) col[i] * c[i]);
        }
        for (int i = 0; i < x.length; i++) rhs += (double) x[i] * ((double) dx[i] - dx0[i]);
        // dx - dx0 is col2im(c) rounded once per addition into dx (accumulating adjoint).
        assertEquals(lhs, rhs, 1e-5 * scale + 1e-9, "<im2col(x), c> vs <x, col2im(c)> for " + g);
    }

    @Property(tries = 100)
    void backwardMatchesDirectGradients(
            @ForAll @IntRange(min = 1, max = 4) int inC, @ForAll @IntRange(min = 1, max = 9) int inH,
            @ForAll @IntRange(min = 1, max = 9) int inW, @ForAll @IntRange(min = 1, max = 11) int outC,
            @ForAll @IntRange(min = 1, max = 4) int kH, @ForAll @IntRange(min = 1, max = 4) int kW,
            @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
            @ForAll @IntRange(min = 0, max = 5) int batch, @ForAll @IntRange(min = 1, max = 4) int threads,
            @ForAll @IntRange(min = 0, max = 2) int workspaceKind) {
        ConvGeometry g = geometry(inC, inH, inW, outC, kH, kW, stride, pad);
        Workers w = POOLS[threads - 1];
        float[] x = random(21, batch * g.inputSize()), wt = random(22, g.weightSize());
        float[] dy = random(23, batch * g.outputSize());
        float[] ws = workspace(g, threads, workspaceKind);

        float[] dW0 = random(24, g.weightSize()), dW = dW0.clone();
        float[] db0 = random(25, g.outC()), db = db0.clone();
        Conv2dOps.backwardWeights(w, g, batch, x, 0, dy, 0, dW, 0, db, ws);
        double[] refW = ReferenceConv.weightGradient(g, batch, x, dy);
        double[] refB = ReferenceConv.biasGradient(g, batch, dy);
        int terms = batch * g.colCols() + 2;
        double[] expW = new double[refW.length], scaleW = new double[refW.length];
        double[] absW = ReferenceConv.weightGradient(g, batch, absOf(x), absOf(dy));
        for (int i = 0; i < refW.length; i++) {
            expW[i] = refW[i] + dW0[i];
            scaleW[i] = absW[i] + Math.abs(dW0[i]);
        }
        assertClose("conv dW " + g + " batch " + batch, expW, scaleW, dW, 0, terms * EPS);
        double[] expB = new double[refB.length], scaleB = new double[refB.length];
        double[] absB = ReferenceConv.biasGradient(g, batch, absOf(dy));
        for (int i = 0; i < refB.length; i++) {
            expB[i] = refB[i] + db0[i];
            scaleB[i] = absB[i] + Math.abs(db0[i]);
        }
        assertClose("conv db " + g + " batch " + batch, expB, scaleB, db, 0, terms * EPS);

        float[] dx = random(26, batch * g.inputSize());
        Conv2dOps.backwardInput(w, g, batch, dy, 0, wt, 0, dx, 0, ws);
        double[] refX = ReferenceConv.inputGradient(g, batch, dy, wt);
        double[] absX = ReferenceConv.inputGradient(g, batch, absOf(dy), absOf(wt));
        assertClose("conv dx " + g + " batch " + batch, refX, absX, dx, 0, (g.outC() * g.kH() * g.kW() + 2) * EPS);
    }

    @Property(tries = 30)
    void gradientsMatchFiniteDifferencesOfTheReference(
            @ForAll @IntRange(min = 1, max = 3) int inC, @ForAll @IntRange(min = 2, max = 7) int inH,
            @ForAll @IntRange(min = 2, max = 7) int inW, @ForAll @IntRange(min = 1, max = 3) int outC,
            @ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 2) int stride,
            @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll @IntRange(min = 1, max = 3) int batch) {
        ConvGeometry g = geometry(inC, inH, inW, outC, k, k, stride, pad);
        float[] x = random(31, batch * g.inputSize()), wt = random(32, g.weightSize()), b = random(33, outC);
        float[] r = random(34, batch * g.outputSize()); // loss = Σ r · conv(x, W) + b
        float[] dW = new float[g.weightSize()], db = new float[outC], dx = new float[x.length];
        float[] ws = new float[Conv2dOps.workspaceSize(g)];
        Conv2dOps.backwardWeights(Workers.single(), g, batch, x, 0, r, 0, dW, 0, db, ws);
        Conv2dOps.backwardInput(Workers.single(), g, batch, r, 0, wt, 0, dx, 0, ws);
        for (int i = 0; i < wt.length; i += Math.max(1, wt.length / 7)) {
            double fd = finiteDifference(g, batch, x, wt, b, r, wt, i);
            assertEquals(fd, dW[i], 1e-4 * (1 + Math.abs(fd)), "dW[" + i + "] of " + g);
        }
        for (int i = 0; i < x.length; i += Math.max(1, x.length / 7)) {
            double fd = finiteDifference(g, batch, x, wt, b, r, x, i);
            assertEquals(fd, dx[i], 1e-4 * (1 + Math.abs(fd)), "dx[" + i + "] of " + g);
        }
        for (int f = 0; f < outC; f++) {
            double fd = finiteDifference(g, batch, x, wt, b, r, b, f);
            assertEquals(fd, db[f], 1e-4 * (1 + Math.abs(fd)), "db[" + f + "] of " + g);
        }
    }

    /** Central difference of Σ r·forward in float64; the step is measured after rounding to float. */
    private static double finiteDifference(ConvGeometry g, int batch, float[] x, float[] w, float[] b, float[] r,
                                           float[] target, int i) {
        float saved = target[i];
        float up = saved + 0.01f, down = saved - 0.01f;
        target[i] = up;
        double lu = dot(r, ReferenceConv.forward(g, batch, x, w, b));
        target[i] = down;
        double ld = dot(r, ReferenceConv.forward(g, batch, x, w, b));
        target[i] = saved;
        return (lu - ld) / ((double) up - down);
    }

    private static double dot(float[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Example
    void repeatedCallsAreBitIdentical() {
        ConvGeometry g = ConvGeometry.of(3, 10, 10, 8, 3, 1, 1);
        int batch = 7;
        float[] x = random(41, batch * g.inputSize()), dy = random(42, batch * g.outputSize());
        float[] ws = new float[Conv2dOps.workspaceSize(g, 2)];
        float[] dW1 = new float[g.weightSize()], dW2 = new float[g.weightSize()];
        Conv2dOps.backwardWeights(POOLS[1], g, batch, x, 0, dy, 0, dW1, 0, null, ws);
        Conv2dOps.backwardWeights(POOLS[1], g, batch, x, 0, dy, 0, dW2, 0, null, ws);
        assertArrayEquals(dW1, dW2);
    }

    /** Workspace of kind 0: the minimum, 1: the full plan for {@code threads}, 2: something in between. */
    static float[] workspace(ConvGeometry g, int threads, int kind) {
        int min = Conv2dOps.workspaceSize(g), full = Conv2dOps.workspaceSize(g, threads);
        return new float[switch (kind) {
            case 0 -> min;
            case 1 -> full;
            default -> min + (int) ((full - (long) min) * 3 / 5);
        }];
    }

    static void checkForward(ConvGeometry g, int batch, Workers w) {
        float[] x = random(1, batch * g.inputSize()), wt = random(2, g.weightSize()), b = random(3, g.outC());
        float[] y = new float[batch * g.outputSize()];
        float[] ws = new float[Conv2dOps.workspaceSize(g, w.threads())];
        Conv2dOps.forward(w, g, batch, x, 0, wt, 0, b, y, 0, ws);
        double[] ref = ReferenceConv.forward(g, batch, x, wt, b);
        double[] scale = ReferenceConv.forwardAbs(g, batch, x, wt, b);
        assertClose("conv forward " + g, ref, scale, y, 0, (g.colRows() + 2) * EPS);
    }

    // ---------------------------------------------------------------- bad input

    @Example
    void badGeometriesAreRejectedWithTheirShape() {
        assertMessage(() -> ConvGeometry.of(1, 3, 3, 1, 5, 1, 0), "larger than the padded input", "kernel 5x5");
        assertMessage(() -> ConvGeometry.of(0, 3, 3, 1, 1, 1, 0), "must be >= 1", "in 0x3x3");
        assertMessage(() -> ConvGeometry.of(1, 3, 3, 1, 1, 0, 0), "stride must be >= 1");
        assertMessage(() -> ConvGeometry.of(1, 3, 3, 1, 1, 1, -1), "padding must be >= 0");
        assertMessage(() -> ConvGeometry.of(100_000, 1000, 1000, 1, 1, 1, 0), "overflows");
    }

    @Example
    void badArraysAreRejectedWithTheirSizes() {
        ConvGeometry g = ConvGeometry.of(2, 5, 5, 3, 3, 1, 0);
        float[] x = new float[2 * g.inputSize()], w = new float[g.weightSize()], y = new float[2 * g.outputSize()];
        float[] ws = new float[Conv2dOps.workspaceSize(g)];
        assertMessage(() -> Conv2dOps.forward(Workers.single(), g, 3, x, 0, w, 0, null, y, 0, ws), "x needs 150", "batch 3");
        assertMessage(() -> Conv2dOps.forward(Workers.single(), g, 2, x, 0, w, 0, new float[2], y, 0, ws), "bias needs 3");
        assertMessage(() -> Conv2dOps.forward(Workers.single(), g, 2, x, 0, w, 0, null, y, 0, new float[3]),
                "workspace has 3 floats, needs at least " + g.colSize());
        assertMessage(() -> Conv2dOps.forward(Workers.single(), g, -1, x, 0, w, 0, null, y, 0, ws), "batch must be >= 0");
        assertMessage(() -> Conv2dOps.backwardWeights(Workers.single(), g, 2, x, 0, y, 1, w, 0, null, ws), "dy needs 54");
        assertMessage(() -> Conv2dOps.backwardInput(Workers.single(), g, 2, y, 0, w, 0, x, -1, ws), "dx offset -1");
        assertMessage(() -> Conv2dOps.im2col(g, x, 0, new float[10], 0), "col needs " + g.colSize());
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
}
