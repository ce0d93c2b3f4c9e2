package dev.secateur.tensor;

import dev.secateur.tensor.ops.ChannelNorm;
import dev.secateur.tensor.ops.ChannelVectorConv;
import dev.secateur.tensor.ops.Conv2dOps;
import dev.secateur.tensor.ops.Conv2dTrainingOps;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.ops.ConvWeightGradient;
import dev.secateur.tensor.ops.DenseConvolution;
import dev.secateur.tensor.ops.DirectConv;
import dev.secateur.tensor.ops.DirectInputGradient;
import dev.secateur.tensor.ops.DirectTrainingConv;
import dev.secateur.tensor.ops.Elementwise;
import dev.secateur.tensor.ops.PoolGeometry;
import dev.secateur.tensor.ops.Pooling;
import dev.secateur.tensor.ops.Softmax;
import dev.secateur.tensor.ops.WinogradConv;
import dev.secateur.tensor.sparse.DenseMatrix;
import dev.secateur.tensor.sparse.DirectSparseConv;
import dev.secateur.tensor.sparse.PanelCsrMatrix;
import dev.secateur.tensor.sparse.SparseFormat;
import dev.secateur.tensor.sparse.SparseFormats;
import dev.secateur.tensor.sparse.SparseMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Calls every kernel family often enough for the JIT's profiling tier (a few hundred calls each,
 * on small shapes that still reach every register-blocked path): SGEMM in all transpositions on
 * one and two threads, every registered sparse format that runs here (vector, batch, sample-major
 * input), the dense and sparse convolutions with and without pooling, im2col training convolutions,
 * pooling, ReLU and softmax. {@link JitTierTest} runs it.
 */
public final class JitTierWorkload implements Runnable {
    private static final int CALLS = 210;
    private final SplittableRandom rnd = new SplittableRandom(11);

    @Override
    public void run() {
        try (Workers two = Workers.of(2)) {
            sgemm(two);
            denseLayers();
            sparseFormats();
            convolutions(two);
            pooling(two);
            training();
        }
    }

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }

    private static void repeat(Runnable r) {
        for (int i = 0; i < CALLS; i++) r.run();
    }

    /** A dense layer's own kernels: batch 1, samples one after another (interleave, tiles, transposed stores), feature-major; layout transposes. */
    private void denseLayers() {
        int rows = 43, cols = 300; // a one-vector last panel, two K blocks
        dev.secateur.tensor.sparse.DenseMatrix a = dev.secateur.tensor.sparse.DenseMatrix.from(random(rows * cols), rows, cols);
        float[] bias = random(rows);
        for (int batch : new int[] {1, 17, 64}) {
            float[] x = random(cols * batch), y = new float[rows * batch];
            repeat(() -> a.multiplyBatchSampleMajor(Workers.single(), x, 0, batch, y, 0, bias, true));
            repeat(() -> a.multiplyBatch(Workers.single(), x, 0, batch, y, 0, bias, true));
        }
        float[] x = random(37 * 40), y = new float[x.length]; // blocks and scalar edges
        repeat(() -> dev.secateur.tensor.kernels.Transposes.matrix(x, 0, 37, 40, y, 0));
    }

    private void sgemm(Workers two) {
        // Row, column and depth tails of every tile; GEMV both ways; the threaded split once.
        int[][] shapes = {{19, 35, 21}, {1, 40, 17}, {40, 1, 17}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                int m = s[0], n = s[1], k = s[2];
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                float[] a = random(m * k), b = random(k * n), c = random(m * n);
                repeat(() -> Gemm.sgemm(Workers.single(), ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.5f, c, 0, n));
                if (t == 0) repeat(() -> Gemm.sgemm(two, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, c, 0, n));
            }
        }
    }

    private void sparseFormats() {
        int rows = 20, cols = 36;
        float[] w = random(rows * cols), bias = random(rows);
        boolean[] mask = new boolean[rows * cols];
        // One kept entry in every group of 4 columns: every format can hold it, N:M ones included.
        for (int i = 0; i < mask.length; i += 4) mask[i + rnd.nextInt(4)] = true;
        for (SparseFormat f : SparseFormats.all()) {
            if (!f.runsHere()) continue;
            SparseMatrix m = f.build(w, rows, cols, mask);
            float[] x1 = random(cols), y1 = new float[rows];
            repeat(() -> m.multiplyVector(x1, 0, y1, 0, bias, true));
            int batch = 19;
            float[] x = random(cols * batch), y = new float[rows * batch];
            repeat(() -> m.multiplyBatch(Workers.single(), x, 0, batch, y, 0, bias, true));
            if (m instanceof DenseMatrix d) repeat(() -> d.multiplyBatchSampleMajor(Workers.single(), x, 0, batch, y, 0, bias, true));
            if (m instanceof PanelCsrMatrix p) repeat(() -> p.multiplyBatchSampleMajor(Workers.single(), x, 0, batch, y, 0, bias, true));
        }
    }

    private void convolutions(Workers two) {
        ConvGeometry[] geometries = {
                ConvGeometry.of(1, 12, 12, 6, 5, 1, 2),
                ConvGeometry.of(16, 7, 7, 24, 3, 1, 1),
                ConvGeometry.of(8, 9, 9, 20, 3, 2, 1),
                ConvGeometry.of(3, 20, 20, 8, 3, 1, 1), // pooled rows of two 16-lane vectors
                ConvGeometry.of(1, 16, 16, 4, 3, 1, 1)}; // a weight gradient with pixels in the lanes
        for (ConvGeometry g : geometries) {
            float[] weight = random(g.weightSize()), bias = random(g.outC());
            List<DenseConvolution> dense = new ArrayList<>();
            dense.add(DirectConv.from(g, weight, 0));
            if (ChannelVectorConv.suits(g)) dense.add(ChannelVectorConv.from(g, weight, 0));
            if (WinogradConv.applies(g)) dense.add(WinogradConv.from(g, weight, 0));
            boolean[] kept = new boolean[weight.length];
            for (int i = 0; i < kept.length; i++) kept[i] = rnd.nextInt(4) == 0;
            DirectSparseConv sparse = DirectSparseConv.from(g, weight, kept);
            int n = 2;
            float[] x = random(n * g.inputSize()), y = new float[n * g.outputSize()];
            for (boolean pool : new boolean[]{false, true}) {
                for (DenseConvolution k : dense) {
                    float[] work = new float[k.workspaceFloats(1)];
                    repeat(() -> k.forward(Workers.single(), x, 0, 1, y, 0, bias, true, pool, work, 0));
                }
                float[] work = new float[sparse.workspaceFloats(1)];
                repeat(() -> sparse.forward(Workers.single(), x, 0, 1, y, 0, bias, true, pool, work, 0));
            }
            float[] ws = new float[Conv2dOps.workspaceSize(g, 2)];
            float[] dy = random(n * g.outputSize()), dw = new float[weight.length], dx = new float[x.length], db = new float[g.outC()];
            repeat(() -> Conv2dOps.forward(two, g, n, x, 0, weight, 0, bias, y, 0, ws));
            repeat(() -> Conv2dOps.backwardWeights(two, g, n, x, 0, dy, 0, dw, 0, db, ws));
            repeat(() -> Conv2dOps.backwardInput(two, g, n, dy, 0, weight, 0, dx, 0, ws));
            float[] cols = new float[Conv2dTrainingOps.columnsSize(g, n)], tws = new float[Conv2dTrainingOps.workspaceSize(two, g, n)];
            repeat(() -> Conv2dTrainingOps.forward(two, g, n, x, 0, weight, 0, bias, y, 0, cols, tws));
            repeat(() -> Conv2dTrainingOps.backwardWeights(two, g, n, dy, 0, cols, dw, 0, tws));
            ConvWeightGradient gradient = new ConvWeightGradient(g);
            float[] gws = new float[gradient.workspaceFloats(two, n)];
            repeat(() -> gradient.compute(two, n, x, 0, dy, 0, dw, 0, gws));
            DirectTrainingConv training = new DirectTrainingConv(g);
            float[] dws = new float[training.workspaceFloats(two, n)];
            repeat(() -> training.forward(two, n, x, 0, weight, 0, bias, y, 0, dws));
            if (DirectInputGradient.supports(g)) {
                DirectInputGradient input = new DirectInputGradient(g);
                float[] iws = new float[input.workspaceFloats(2)];
                repeat(() -> input.compute(two, n, dy, 0, weight, 0, dx, 0, iws));
            }
        }
    }

    private void pooling(Workers two) {
        for (PoolGeometry g : new PoolGeometry[]{PoolGeometry.of(6, 12, 12, 2, 2, 0), PoolGeometry.of(4, 9, 9, 3, 1, 1)}) {
            int n = 3;
            float[] x = random(n * g.inputSize()), y = new float[n * g.outputSize()], dx = new float[x.length];
            int[] argmax = new int[y.length];
            for (Workers w : new Workers[]{Workers.single(), two}) {
                repeat(() -> Pooling.maxPool2dForward(w, g, n, x, 0, y, 0, argmax, 0));
                repeat(() -> Pooling.maxPool2dForward(w, g, n, x, 0, y, 0, null, 0));
                repeat(() -> Pooling.maxPool2dBackward(w, g, n, y, 0, argmax, 0, dx, 0));
                repeat(() -> Pooling.avgPool2dForward(w, g, n, x, 0, y, 0));
                repeat(() -> Pooling.avgPool2dBackward(w, g, n, y, 0, dx, 0));
            }
        }
    }

    private void training() {
        int rows = 8, classes = 10, n = rows * classes + 7;
        float[] x = random(n), dy = random(n), dx = new float[n], y = new float[n];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) labels[i] = i % classes;
        repeat(() -> Elementwise.relu(x, 0, y, 0, n));
        repeat(() -> Elementwise.reluBackward(x, 0, dy, 0, dx, 0, n));
        repeat(() -> Elementwise.axpy(-0.01f, dy, 0, y, 0, n));
        repeat(() -> Softmax.softmax(x, 0, y, 0, rows, classes));
        repeat(() -> Softmax.logSoftmax(x, 0, y, 0, rows, classes));
        repeat(() -> Softmax.softmaxCrossEntropy(x, 0, labels, 0, rows, classes, dx, 0));
        // Batch normalization's passes over channel 1 of a [3, 2, 21] tensor (vector bodies and tails).
        float[] t = random(126), g = random(126), th = new float[126], out = new float[126];
        double[] sums = new double[2];
        repeat(() -> ChannelNorm.sum(t, 21, 3, 21, 42));
        repeat(() -> ChannelNorm.squaredDeviations(t, 21, 3, 21, 42, 0.1f));
        repeat(() -> ChannelNorm.normalize(t, 21, 3, 21, 42, 0.1f, 1.2f, 0.9f, 0.05f, th, 21, out, 21));
        repeat(() -> ChannelNorm.gradientSums(g, 21, th, 21, 3, 21, 42, sums, 0));
        repeat(() -> ChannelNorm.inputGradient(g, 21, th, 21, 3, 21, 42, 0.8f, 0.1f, 0.2f, out, 21));
    }
}
