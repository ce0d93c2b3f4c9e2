package dev.secateur.nn.compiled;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random masks of several structures and random BatchNorm statistics for zoo models. */
final class TestNets {
    private TestNets() {}

    enum Pruning { NONE, UNSTRUCTURED, BLOCK4, FILTER_AND_CHANNEL, NM24, QUANTIZED }

    /** Every dense/conv layer, residual children included. */
    static List<Layer> linearLayers(Model m) {
        List<Layer> out = new ArrayList<>();
        collect(m.layers(), out);
        return out;
    }

    private static void collect(List<Layer> layers, List<Layer> out) {
        for (Layer l : layers) {
            if (l instanceof Dense || l instanceof Conv2d) out.add(l);
            if (l instanceof ResidualBlock r) {
                collect(r.mainPath(), out);
                collect(r.shortcutPath(), out);
            }
        }
    }

    private static List<BatchNorm> batchNorms(List<Layer> layers, List<BatchNorm> out) {
        for (Layer l : layers) {
            if (l instanceof BatchNorm b) out.add(b);
            if (l instanceof ResidualBlock r) {
                batchNorms(r.mainPath(), out);
                batchNorms(r.shortcutPath(), out);
            }
        }
        return out;
    }

    /** Gives every BatchNorm non-trivial eval-mode statistics and affine parameters. */
    static void randomizeBatchNorms(Model m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (BatchNorm b : batchNorms(m.layers(), new ArrayList<>())) {
            float[] g = b.gamma().value().data(), be = b.beta().value().data();
            float[] rm = b.runningMean().value().data(), rv = b.runningVar().value().data();
            for (int c = 0; c < b.channels(); c++) {
                g[c] = (float) r.nextDouble(0.5, 1.5);
                be[c] = (float) r.nextDouble(-0.2, 0.2);
                rm[c] = (float) r.nextDouble(-0.1, 0.1);
                rv[c] = (float) r.nextDouble(0.5, 2.0);
            }
        }
    }

    /** Applies a random mask of the given structure (about {@code sparsity} pruned) to every dense/conv weight. */
    static void prune(Model m, Pruning p, double sparsity, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Layer l : linearLayers(m)) {
            Parameter w = l instanceof Dense d ? d.weight() : ((Conv2d) l).weight();
            Parameter b = l instanceof Dense d ? d.bias() : ((Conv2d) l).bias();
            int rows = w.value().dim(0), cols = w.size() / rows;
            boolean[] keep = new boolean[w.size()];
            switch (p) {
                case NONE -> java.util.Arrays.fill(keep, true);
                case UNSTRUCTURED, QUANTIZED -> { for (int i = 0; i < keep.length; i++) keep[i] = r.nextDouble() >= sparsity; }
                case BLOCK4 -> {
                    for (int br = 0; br < rows; br += 4) {
                        for (int c = 0; c < cols; c++) {
                            boolean k = r.nextDouble() >= sparsity;
                            for (int i = br; i < Math.min(rows, br + 4); i++) keep[i * cols + c] = k;
                        }
                    }
                }
                case FILTER_AND_CHANNEL -> {
                    // Whole output rows and whole input channels (all taps of a conv channel) removed.
                    int taps = l instanceof Conv2d c ? c.kernelHeight() * c.kernelWidth() : 1;
                    boolean[] rowKept = new boolean[rows], chanKept = new boolean[cols / taps];
                    for (int i = 0; i < rows; i++) rowKept[i] = rows == 10 || r.nextDouble() >= 0.4;
                    for (int i = 0; i < chanKept.length; i++) chanKept[i] = chanKept.length <= 3 || r.nextDouble() >= 0.4;
                    rowKept[0] = true;
                    chanKept[0] = true;
                    for (int i = 0; i < rows; i++) for (int c = 0; c < cols; c++) keep[i * cols + c] = rowKept[i] && chanKept[c / taps];
                    float[] bias = b.value().data();
                    for (int i = 0; i < rows; i++) if (!rowKept[i]) bias[i] = 0.05f * (i % 3 - 1); // act(b) stays observable
                }
                case NM24 -> {
                    for (int i = 0; i < rows; i++) {
                        for (int g = 0; g < cols; g += 4) {
                            int a = r.nextInt(4), c = (a + 1 + r.nextInt(3)) % 4;
                            if (g + a < cols) keep[i * cols + g + a] = true;
                            if (g + c < cols) keep[i * cols + g + c] = true;
                        }
                    }
                }
            }
            w.setMask(keep);
            if (p == Pruning.QUANTIZED) quantizePerRow(w.value().data(), rows, cols);
        }
    }

    /** Replaces each row by int8 codes times {@code max|w|/127} (what a quantizer leaves behind). */
    static void quantizePerRow(float[] w, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            float max = 0f;
            for (int c = 0; c < cols; c++) max = Math.max(max, Math.abs(w[r * cols + c]));
            if (max == 0f) continue;
            float scale = max / 127f;
            for (int c = 0; c < cols; c++) w[r * cols + c] = Math.round(w[r * cols + c] / scale) * scale;
        }
    }

    /** Asserts |a − b| ≤ rtol·max|b| per sample (logits of one sample share a scale). */
    static void assertClose(Tensor expected, Tensor actual, double rtol, String what) {
        int n = expected.dim(0), c = expected.size() / Math.max(1, n);
        if (actual.size() != expected.size()) throw new AssertionError(what + ": size " + actual.size() + " vs " + expected.size());
        for (int s = 0; s < n; s++) {
            double scale = 1e-6;
            for (int j = 0; j < c; j++) scale = Math.max(scale, Math.abs(expected.getFlat(s * c + j)));
            for (int j = 0; j < c; j++) {
                double e = expected.getFlat(s * c + j), a = actual.getFlat(s * c + j);
                if (!(Math.abs(e - a) <= rtol * scale)) {
                    throw new AssertionError(what + ": sample " + s + " logit " + j + " expected " + e + " got " + a + " (scale " + scale + ")");
                }
            }
        }
    }
}
