// Scratch harness (bench/scripts/harness/run.sh ConvTrainPasses SHAPES [SECONDS]): the passes of one
// training convolution at batch 64 on one thread, alternated in one JVM, median µs per pass. SHAPES
// is a comma list of c1, c2 (LeNet-5's convolutions), v1, v2, v3 (the small VGG's 28², 14² and 7²
// ones), r4 (a 4² plane, 64 channels), s2 (stride 2, 14² → 7²), k1 (1 × 1, 14²). Columns: im2col forward keeping the columns and the weight gradient from them, the direct
// forward, the direct weight gradient in both register layouts, the input gradient by GEMM + col2im
// and as a direct convolution.
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.*;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.SplittableRandom;

public class ConvTrainPasses {
    public static void main(String[] a) throws Exception {
        long seconds = a.length > 1 ? Long.parseLong(a[1]) : 8;
        Constructor<ConvWeightGradient> layout = ConvWeightGradient.class.getDeclaredConstructor(ConvGeometry.class, boolean.class);
        layout.setAccessible(true);
        for (String shape : a[0].split(",")) {
            ConvGeometry g = switch (shape) {
                case "c1" -> ConvGeometry.of(1, 28, 28, 6, 5, 1, 2);
                case "c2" -> ConvGeometry.of(6, 14, 14, 16, 5, 1, 0);
                case "v1" -> ConvGeometry.of(1, 28, 28, 32, 3, 1, 1);
                case "v2" -> ConvGeometry.of(32, 14, 14, 64, 3, 1, 1);
                case "v3" -> ConvGeometry.of(64, 7, 7, 128, 3, 1, 1);
                case "r4" -> ConvGeometry.of(64, 4, 4, 64, 3, 1, 1);
                case "s2" -> ConvGeometry.of(32, 14, 14, 64, 3, 2, 1);
                case "k1" -> ConvGeometry.of(32, 14, 14, 64, 1, 1, 0);
                default -> throw new IllegalArgumentException("shape " + shape);
            };
            int batch = 64;
            Workers one = Workers.single();
            SplittableRandom r = new SplittableRandom(1);
            float[] x = fill(r, batch * g.inputSize()), w = fill(r, g.weightSize()), b = fill(r, g.outC());
            float[] y = new float[batch * g.outputSize()], dw = new float[g.weightSize()], dx = new float[batch * g.inputSize()];
            float[] cols = new float[Conv2dTrainingOps.columnsSize(g, batch)], ws = new float[Conv2dTrainingOps.workspaceSize(one, g, batch)];
            DirectConv forward = DirectConv.from(g, w, 0);
            float[] fws = new float[forward.workspaceFloats(1)];
            ConvWeightGradient pixels = layout.newInstance(g, true), filters = layout.newInstance(g, false);
            float[] pws = new float[pixels.workspaceFloats(one, batch)], lws = new float[filters.workspaceFloats(one, batch)];
            DirectInputGradient input = DirectInputGradient.supports(g) ? new DirectInputGradient(g) : null;
            float[] iws = new float[input == null ? 0 : input.workspaceFloats(1)], cws = new float[Conv2dOps.workspaceSize(g, 1)];
            String[] names = {"cols fwd", "cols dW", "direct fwd", "dW pixel lanes", "dW filter lanes", "dX gemm+col2im", "dX direct"};
            double[][] t = new double[names.length][4000];
            int rounds = 0;
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end && rounds < 4000) {
                for (int k = 0; k < names.length; k++) {
                    long t0 = System.nanoTime();
                    switch (k) {
                        case 0 -> Conv2dTrainingOps.forward(one, g, batch, x, 0, w, 0, b, y, 0, cols, ws);
                        case 1 -> Conv2dTrainingOps.backwardWeights(one, g, batch, y, 0, cols, dw, 0, ws);
                        case 2 -> forward.forward(one, x, 0, batch, y, 0, b, false, false, fws, 0);
                        case 3 -> pixels.compute(one, batch, x, 0, y, 0, dw, 0, pws);
                        case 4 -> filters.compute(one, batch, x, 0, y, 0, dw, 0, lws);
                        case 5 -> Conv2dOps.backwardInput(one, g, batch, y, 0, w, 0, dx, 0, cws);
                        default -> { if (input != null) input.compute(one, batch, y, 0, w, 0, dx, 0, iws); }
                    }
                    t[k][rounds] = (System.nanoTime() - t0) / 1e3;
                }
                rounds++;
            }
            System.out.println(shape + " " + g + ", batch 64, " + rounds + " rounds:");
            for (int k = 0; k < names.length; k++) {
                double[] s = Arrays.copyOfRange(t[k], rounds / 4, rounds);
                Arrays.sort(s);
                System.out.printf("  %-16s %8.0f us%n", names[k], s[s.length / 2]);
            }
        }
    }

    private static float[] fill(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }
}
