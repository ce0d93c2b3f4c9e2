import dev.secateur.bench.models.BenchModels;
import dev.secateur.nn.Model;
import dev.secateur.nn.SoftmaxCrossEntropy;
import dev.secateur.nn.compiled.*;
import dev.secateur.nn.optim.*;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.*;
import dev.secateur.tensor.ops.*;
import dev.secateur.tensor.sparse.*;
import java.time.Duration;
import java.util.*;

/** Scratch harness (bench/scripts/harness/run.sh JitTiers [sections] [models] [variants]): every kernel family called hard enough for C1 tier 3 and C2, for a -XX:+PrintCompilation audit; sections models,sgemm,sparse,conv,pool,train (default all), models lenet300,lenet5,vgg, variants dense,pruned,block,filtered. */
public class JitTiers {
    static final Random R = new Random(7);
    static float[] rnd(int n) { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = R.nextFloat() * 2 - 1; return a; }
    static void loop(String what, Runnable r, int calls, double maxSec) {
        long end = System.nanoTime() + (long) (maxSec * 1e9);
        int i = 0;
        for (; i < calls && System.nanoTime() < end; i++) r.run();
        System.out.println("  " + what + ": " + i + " calls");
    }
    public static void main(String[] a) throws Exception {
        Set<String> s = new HashSet<>(Arrays.asList((a.length > 0 ? a[0] : "models,sgemm,sparse,conv,pool,train").split(",")));
        Workers two = Workers.of(2);
        if (s.contains("sgemm")) {
            int[][] sizes = {{8, 8, 8}, {37, 29, 53}, {64, 64, 64}, {100, 300, 784}, {257, 131, 300}, {1, 300, 784}, {300, 1, 784}, {512, 512, 512}};
            for (Workers w : new Workers[]{Workers.single(), two})
                for (int[] mnk : sizes) for (int t = 0; t < 4; t++) {
                    int m = mnk[0], n = mnk[1], k = mnk[2]; boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    float[] A = rnd(m * k), B = rnd(k * n), C = rnd(m * n);
                    int lda = ta ? m : k, ldb = tb ? k : n;
                    loop("sgemm " + m + "x" + n + "x" + k + " " + ta + tb + " t" + w.threads(), () -> Gemm.sgemm(w, ta, tb, m, n, k, 1f, A, 0, lda, B, 0, ldb, 0.5f, C, 0, n),
                            m * n * k > 1_000_000 ? 300 : 2000, 1.5);
                }
        }
        if (s.contains("sparse")) {
            int rows = 300, cols = 784;
            for (double dens : new double[]{0.1, 0.5, 1.0}) {
                float[] w = rnd(rows * cols);
                boolean[] mask = new boolean[rows * cols];
                for (int i = 0; i < mask.length; i++) mask[i] = R.nextDouble() < dens;
                float[] bias = rnd(rows);
                for (SparseFormat f : SparseFormats.all()) {
                    if (!f.runsHere()) { System.out.println("  skip " + f.name()); continue; }
                    SparseMatrix m;
                    try { m = f.build(w, rows, cols, mask); } catch (RuntimeException e) { System.out.println("  " + f.name() + " build: " + e.getMessage()); continue; }
                    for (int batch : new int[]{1, 8, 64}) {
                        float[] x = rnd(cols * batch), y = new float[rows * batch];
                        boolean relu = batch != 8;
                        if (batch == 1) loop(f.name() + " vec d" + dens, () -> m.multiplyVector(x, 0, y, 0, bias, relu), 2000, 1.0);
                        loop(f.name() + " batch" + batch + " d" + dens, () -> m.multiplyBatch(Workers.single(), x, 0, batch, y, 0, bias, relu), 1000, 1.0);
                        loop(f.name() + " batch" + batch + " t2 d" + dens, () -> m.multiplyBatch(two, x, 0, batch, y, 0, bias, !relu), 300, 0.5);
                        if (m instanceof DenseMatrix d) loop("dense sm" + batch, () -> d.multiplyBatchSampleMajor(Workers.single(), x, 0, batch, y, 0, bias, relu), 1000, 1.0);
                        if (m instanceof PanelCsrMatrix d) loop("pcsr sm" + batch, () -> d.multiplyBatchSampleMajor(Workers.single(), x, 0, batch, y, 0, bias, relu), 1000, 1.0);
                    }
                }
            }
        }
        if (s.contains("conv")) {
            ConvGeometry[] gs = {ConvGeometry.of(1, 28, 28, 6, 5, 1, 2), ConvGeometry.of(6, 14, 14, 16, 5, 1, 0), ConvGeometry.of(16, 16, 16, 32, 3, 1, 1),
                    ConvGeometry.of(32, 14, 14, 64, 3, 1, 1), ConvGeometry.of(8, 15, 15, 24, 3, 2, 1), ConvGeometry.of(3, 12, 12, 16, 3, 1, 0)};
            for (ConvGeometry g : gs) {
                float[] wt = rnd(g.outC() * g.colRows()), bias = rnd(g.outC());
                List<DenseConvolution> ks = new ArrayList<>();
                ks.add(DirectConv.from(g, wt, 0));
                if (ChannelVectorConv.suits(g)) ks.add(ChannelVectorConv.from(g, wt, 0));
                if (WinogradConv.applies(g)) ks.add(WinogradConv.from(g, wt, 0));
                for (int n : new int[]{1, 4}) {
                    float[] x = rnd(n * g.inputSize()), y = new float[n * g.outputSize()];
                    for (DenseConvolution k : ks) for (Workers w : new Workers[]{Workers.single(), two}) for (int pool = 0; pool < 2; pool++) {
                        boolean p = pool == 1 && g.outH() >= 2;
                        float[] work = new float[k.workspaceFloats(w.threads())];
                        loop(k.getClass().getSimpleName() + " " + g + " n" + n + " p" + p + " t" + w.threads(), () -> k.forward(w, x, 0, n, y, 0, bias, true, p, work, 0), 400, 1.0);
                    }
                    boolean[] mask = new boolean[wt.length];
                    for (int i = 0; i < mask.length; i++) mask[i] = R.nextDouble() < 0.2;
                    DirectSparseConv sc = DirectSparseConv.from(g, wt, mask);
                    for (int pool = 0; pool < 2; pool++) {
                        boolean p = pool == 1 && g.outH() >= 2;
                        float[] work = new float[sc.workspaceFloats(2)];
                        loop("sparseconv " + g + " n" + n + " p" + p, () -> sc.forward(two, x, 0, n, y, 0, bias, true, p, work, 0), 400, 1.0);
                    }
                    float[] ws = new float[Conv2dOps.workspaceSize(g, 2)];
                    float[] dy = rnd(n * g.outputSize()), dw = new float[wt.length], dx = new float[n * g.inputSize()], db = new float[g.outC()];
                    loop("im2col fwd " + g, () -> Conv2dOps.forward(two, g, n, x, 0, wt, 0, bias, y, 0, ws), 400, 1.0);
                }
            }
        }
        if (s.contains("pool")) {
            for (PoolGeometry g : new PoolGeometry[]{PoolGeometry.of(6, 28, 28, 2, 2, 0), PoolGeometry.of(16, 9, 9, 2, 2, 0), PoolGeometry.of(8, 10, 10, 3, 1, 1)}) {
                int n = 4;
                float[] x = rnd(n * g.inputSize()), y = new float[n * g.outputSize()], dx = new float[x.length];
                int[] arg = new int[y.length];
                for (Workers w : new Workers[]{Workers.single(), two}) {
                    loop("maxpool " + g, () -> Pooling.maxPool2dForward(w, g, n, x, 0, y, 0, arg, 0), 2000, 1.0);
                    loop("maxpool noarg " + g, () -> Pooling.maxPool2dForward(w, g, n, x, 0, y, 0, null, 0), 2000, 1.0);
                    loop("maxpool back " + g, () -> Pooling.maxPool2dBackward(w, g, n, y, 0, arg, 0, dx, 0), 2000, 1.0);
                    loop("avgpool " + g, () -> Pooling.avgPool2dForward(w, g, n, x, 0, y, 0), 2000, 1.0);
                    loop("avgpool back " + g, () -> Pooling.avgPool2dBackward(w, g, n, y, 0, dx, 0), 2000, 1.0);
                }
            }
        }
        if (s.contains("train")) {
            for (String name : new String[]{"lenet5", "lenet300"}) {
                Model m = Models.byName(name, Models.FASHION_MNIST, 1);
                m.useWorkers(Workers.single());
                int batch = 16;
                Tensor x = Tensor.randomUniform(2, 0, 1, prepend(batch, m.inputShape()));
                int[] labels = new int[batch];
                for (int i = 0; i < batch; i++) labels[i] = i % 10;
                SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
                for (Optimizer opt : new Optimizer[]{new Sgd(0.01, 0.9, 1e-4, true), new Adam(1e-3)}) {
                    loop("train " + name + " " + opt.getClass().getSimpleName(), () -> {
                        ce.compute(m.forward(x, true), labels, 0);
                        m.backwardParameters(ce.gradient());
                        opt.step(m.parameters());
                    }, 300, 6.0);
                }
            }
        }
        if (s.contains("models")) {
            String[] names = a.length > 1 ? a[1].split(",") : new String[]{"lenet300", "lenet5", "vgg"};
            String[] variants = a.length > 2 ? a[2].split(",") : new String[]{"dense", "pruned", "block", "filtered"};
            for (String name : names) for (String v : variants) {
                Model m = switch (v) {
                    case "dense" -> BenchModels.prepare(name, false).model();
                    case "pruned" -> BenchModels.prepare(name, true).model();
                    case "block" -> BenchModels.prepareBlockPruned(name).model();
                    default -> BenchModels.prepareFilterPruned(name).compacted();
                };
                for (int batch : new int[]{1, 64}) {
                    var opts = CompileOptions.defaults().withWorkers(Workers.single()).withBatchSizes(batch).withCalibrationBudget(Duration.ofMillis(60)).withEveryLayerTimed(true);
                    var cm = CompiledModel.compile(m, opts);
                    System.out.println(name + ":" + v + ":" + batch + " " + cm.choices());
                    float[] x = rnd(batch * m.inputShape().size()), y = new float[batch * m.outputShape().size()];
                    loop("predict " + name + ":" + v + ":" + batch, () -> cm.predict(x, 0, batch, y, 0), batch == 1 ? 3000 : 400, 2.0);
                }
            }
        }
    }
    static int[] prepend(int b, Shape s) {
        int[] d = s.toArray(); int[] e = new int[d.length + 1]; e[0] = b; System.arraycopy(d, 0, e, 1, d.length); return e;
    }
}
