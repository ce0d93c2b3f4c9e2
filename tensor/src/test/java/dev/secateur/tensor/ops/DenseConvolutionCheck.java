package dev.secateur.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.secateur.tensor.Workers;
import java.util.Arrays;
import java.util.SplittableRandom;

/** The checks every {@link DenseConvolution} kernel passes, given how to build it. */
final class DenseConvolutionCheck {
    private DenseConvolutionCheck() {}

    /** Builds a kernel over the weight at {@code w[wOff..]}. */
    @FunctionalInterface interface Builder {
        DenseConvolution build(ConvGeometry g, float[] w, int wOff);
    }

    /**
     * One forward call (random weight, input, bias and offsets, a NaN-filled workspace and output)
     * against the float64 reference, with nothing written outside the output.
     */
    static void matchesReference(Builder kernel, ConvGeometry g, int batch, Workers workers, boolean withBias, boolean relu,
                                 boolean pooled, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = random(rnd, g.weightSize());
        int wOff = rnd.nextInt(3);
        float[] wAt = new float[wOff + w.length];
        System.arraycopy(w, 0, wAt, wOff, w.length);
        DenseConvolution conv = kernel.build(g, wAt, wOff);
        float[] bias = withBias ? random(rnd, g.outC()) : null;
        int xOff = rnd.nextInt(4), yOff = rnd.nextInt(4), workOff = rnd.nextInt(4);
        float[] x = random(rnd, xOff + batch * g.inputSize());
        float[] work = new float[workOff + conv.workspaceFloats(workers.threads())];
        Arrays.fill(work, Float.NaN); // stale workspace contents must not leak into results
        int outSize = conv.outputSize(pooled);
        float[] y = new float[yOff + batch * outSize + 2];
        Arrays.fill(y, Float.NaN);
        conv.forward(workers, x, xOff, batch, y, yOff, bias, relu, pooled, work, workOff);

        float[] xs = Arrays.copyOfRange(x, xOff, x.length);
        ConvOutputCheck.matchesReference(g, batch, xs, w, bias, relu, pooled, y, yOff, outSize);
    }

    /** The same call on every pool gives the same bits. */
    static void independentOfTheThreadCount(Builder kernel, Workers[] pools, ConvGeometry g, int batch, boolean pooled, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DenseConvolution conv = kernel.build(g, random(rnd, g.weightSize()), 0);
        float[] x = random(rnd, batch * g.inputSize()), bias = random(rnd, g.outC());
        float[] first = null;
        for (Workers w : pools) {
            float[] y = new float[batch * conv.outputSize(pooled)];
            conv.forward(w, x, 0, batch, y, 0, bias, true, pooled, new float[conv.workspaceFloats(w.threads())], 0);
            if (first == null) first = y;
            else assertArrayEquals(first, y, "threads " + w.threads());
        }
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }
}
