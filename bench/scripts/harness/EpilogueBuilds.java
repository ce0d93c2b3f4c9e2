import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.ChannelVectorConv;
import dev.secateur.tensor.ops.Conv2dOps;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.ops.DirectConv;
import dev.secateur.tensor.ops.Elementwise;
import dev.secateur.tensor.ops.Magnitude;
import dev.secateur.tensor.ops.Norm;
import dev.secateur.tensor.ops.PoolGeometry;
import dev.secateur.tensor.ops.Pooling;
import dev.secateur.tensor.ops.Softmax;
import dev.secateur.tensor.ops.WinogradConv;
import dev.secateur.tensor.sparse.DenseMatrix;
import dev.secateur.tensor.sparse.DirectSparseConv;
import dev.secateur.tensor.sparse.PanelCsrMatrix;
import dev.secateur.tensor.sparse.SparseFormats;
import dev.secateur.tensor.sparse.SparseMatrix;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Kernels with a fused ReLU (and 2×2 max pooling for convolutions) from two builds in one JVM,
 * each build's tensor classes in its own class loader, plus a plain scalar loop over the same
 * work; blocks of calls alternate (rotating order) for a given time, timed on thread CPU time,
 * 1 thread. Prints each variant's median µs per call and the median of per-round ratios to the
 * old build and to the scalar loop. Checks that both builds write the same outputs (bit for bit, or
 * within 1e-5 with {@code -Dbuilds.inexact=true} where the new build sums in another order;
 * {@code -Dbuilds.tolerance=T} sets that relative bound, e.g. for rows of thousands of weights).
 * Usage: EpilogueBuilds OLD.jar NEW.jar SECONDS CASE...; a CASE is one of
 *   conv:CxHxW-O:direct|cv|winograd:BATCH   (3×3, stride 1, pad 1, pooled, bias + ReLU; direct-np: not pooled)
 *   sconv:CxHxW-O:K:PAD:DENSITY:BATCH       (DirectSparseConv, K×K, stride 1, random kept weights, pooled, bias + ReLU)
 *   dense:M:K:BATCH                         (DenseMatrix, bias + ReLU)
 *   dense-sm:M:K:BATCH                      (the same, samples one after another in x: a first dense layer)
 *   sparse:FORMAT:M:K:DENSITY:BATCH         (a SparseFormats name, random mask, bias + ReLU)
 *   pcsr-sm:M:K:DENSITY:BATCH               (panel CSR, samples one after another in x: a first sparse layer)
 *   pool:max|maxarg|maxback|avg|avgback:CxHxW:BATCH  (2×2 stride-2 pooling; maxarg also writes argmax; maxback: the gradient through it)
 *   relub:N                                 (Elementwise.reluBackward, half the inputs negative)
 *   im2col:CxHxW:K:PAD:BATCH                (Conv2dOps.im2col per image, stride 1; no ReLU)
 *   col2im:CxHxW:K:PAD:BATCH                (Conv2dOps.col2im per image into a zeroed dx, stride 1)
 *   softmax:ROWS:COLS                       (Softmax.softmax: row max, exp, scale)
 *   maxabs:N                                (Magnitude.of(MAX_ABS), a scalar reduction)
 *   colmaxabs:ROWS:COLS                     (Magnitude.perColumn(MAX_ABS))
 * Build OLD.jar from an earlier revision's bench/target/benchmarks.jar.
 */
public class EpilogueBuilds {
    /** -Dbuilds.inexact=true: the builds sum in different orders, so they agree within 1e-5 (relative), not bit for bit. */
    private static final boolean INEXACT = Boolean.getBoolean("builds.inexact");
    private static final float TOLERANCE = Float.parseFloat(System.getProperty("builds.tolerance", "1e-5"));
    public static void main(String[] a) throws Exception {
        Path here = Path.of(EpilogueBuilds.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ClassLoader[] loaders = {loader(a[0], here), loader(a[1], here)};
        long seconds = Long.parseLong(a[2]);
        System.out.println(Class.forName("dev.secateur.tensor.platform.VectorPlatform", true, loaders[1]).getMethod("describe").invoke(null));
        for (int c = 3; c < a.length; c++) {
            List<String> names = new ArrayList<>();
            List<Runnable> calls = new ArrayList<>();
            float[][] outs = new float[2][];
            for (int v = 0; v < 2; v++) {
                Object[] made = make(loaders[v], a[c], false);
                calls.add((Runnable) made[0]);
                outs[v] = (float[]) made[1];
                names.add(v == 0 ? "old" : "new");
            }
            Object[] scalar = make(loaders[1], a[c], true);
            calls.add((Runnable) scalar[0]);
            names.add("scalar");
            for (Runnable r : calls) r.run();
            for (int i = 0; i < outs[0].length; i++) {
                boolean same = INEXACT ? Math.abs(outs[0][i] - outs[1][i]) <= TOLERANCE * (1 + Math.abs(outs[0][i]))
                        : Float.floatToIntBits(outs[0][i]) == Float.floatToIntBits(outs[1][i]);
                if (!same) throw new AssertionError(a[c] + ": builds differ at " + i);
                float s = ((float[]) scalar[1])[i];
                if (Math.abs(s - outs[1][i]) > 1e-3f * (1 + Math.abs(s))) throw new AssertionError(a[c] + ": scalar loop differs at " + i + ": " + s + " vs " + outs[1][i]);
            }
            time(a[c], names, calls, seconds);
        }
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    private static Object[] make(ClassLoader l, String spec, boolean scalar) throws Exception {
        var ctor = Class.forName("EpilogueCase", true, l).getConstructor(String.class, boolean.class);
        ctor.setAccessible(true); // a package-private class of another class loader's package
        return ((Supplier<Object[]>) ctor.newInstance(spec, scalar)).get();
    }

    private static ClassLoader loader(String jar, Path harness) throws Exception {
        return new URLClassLoader(new URL[]{Path.of(jar).toUri().toURL(), harness.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    private static void time(String what, List<String> names, List<Runnable> calls, long seconds) {
        var bean = ManagementFactory.getThreadMXBean();
        int v = calls.size();
        int[] reps = new int[v];
        for (int i = 0; i < v; i++) { // about 20 ms per block after a warm-up of about a second
            long t0 = bean.getCurrentThreadCpuTime(), n = 0;
            while (bean.getCurrentThreadCpuTime() - t0 < 1_000_000_000L) { calls.get(i).run(); n++; }
            long t1 = bean.getCurrentThreadCpuTime();
            calls.get(i).run();
            reps[i] = (int) Math.max(1, 20_000_000L / Math.max(1, bean.getCurrentThreadCpuTime() - t1));
        }
        int max = 100_000;
        double[][] t = new double[v][max];
        int k = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end && k < max) {
            for (int j = 0; j < v; j++) {
                int i = (j + k) % v;
                long t0 = bean.getCurrentThreadCpuTime();
                for (int r = 0; r < reps[i]; r++) calls.get(i).run();
                t[i][k] = (bean.getCurrentThreadCpuTime() - t0) / 1e3 / reps[i];
            }
            k++;
        }
        System.out.printf("%s: %d rounds%n", what, k);
        for (int i = 0; i < v; i++) {
            double[] x = Arrays.copyOf(t[i], k), xs = x.clone(), rOld = new double[k], rScalar = new double[k];
            Arrays.sort(xs);
            for (int j = 0; j < k; j++) { rOld[j] = t[0][j] / x[j]; rScalar[j] = t[v - 1][j] / x[j]; }
            Arrays.sort(rOld); Arrays.sort(rScalar);
            System.out.printf("  %-7s median %10.1f us (min %10.1f) | old/this %7.2f | scalar/this %7.2f%n",
                    names.get(i), xs[k / 2], xs[0], rOld[k / 2], rScalar[k / 2]);
        }
    }
}

/** One case built against whichever tensor classes its class loader sees: {call, output array}. */
class EpilogueCase implements Supplier<Object[]> {
    private final String spec;
    private final boolean scalar;

    public EpilogueCase(String spec, boolean scalar) {
        this.spec = spec;
        this.scalar = scalar;
    }

    @Override
    public Object[] get() {
        String[] p = spec.split(":");
        SplittableRandom r = new SplittableRandom(7);
        Workers one = Workers.single();
        switch (p[0]) {
            case "conv" -> {
                String[] io = p[1].split("-"), in = io[0].split("x");
                int batch = Integer.parseInt(p[3]);
                ConvGeometry g = ConvGeometry.of(Integer.parseInt(in[0]), Integer.parseInt(in[1]), Integer.parseInt(in[2]), Integer.parseInt(io[1]), 3, 1, 1);
                float[] x = fill(r, batch * g.inputSize()), w = fill(r, g.weightSize()), b = fill(r, g.outC());
                boolean pooled = !p[2].endsWith("-np");
                float[] y = new float[batch * g.outputSize() / (pooled ? 4 : 1)];
                if (scalar) {
                    float[] plane = new float[g.outH() * g.outW()];
                    return new Object[]{(Runnable) () -> scalarConv(g, batch, x, w, b, plane, y, pooled), y};
                }
                switch (p[2]) {
                    case "direct", "direct-np" -> {
                        DirectConv k = DirectConv.from(g, w, 0);
                        float[] ws = new float[k.workspaceFloats(1)];
                        return new Object[]{(Runnable) () -> k.forward(one, x, 0, batch, y, 0, b, true, pooled, ws, 0), y};
                    }
                    case "cv" -> {
                        ChannelVectorConv k = ChannelVectorConv.from(g, w, 0);
                        float[] ws = new float[k.workspaceFloats(1)];
                        return new Object[]{(Runnable) () -> k.forward(one, x, 0, batch, y, 0, b, true, true, ws, 0), y};
                    }
                    case "winograd" -> {
                        WinogradConv k = WinogradConv.from(g, w, 0);
                        float[] ws = new float[k.workspaceFloats(1)];
                        return new Object[]{(Runnable) () -> k.forward(one, x, 0, batch, y, 0, b, true, true, ws, 0), y};
                    }
                    default -> throw new IllegalArgumentException("conv kernel " + p[2]);
                }
            }
            case "sconv" -> {
                String[] io = p[1].split("-"), in = io[0].split("x");
                int kernel = Integer.parseInt(p[2]), pad = Integer.parseInt(p[3]), batch = Integer.parseInt(p[5]);
                double density = Double.parseDouble(p[4]);
                ConvGeometry g = ConvGeometry.of(Integer.parseInt(in[0]), Integer.parseInt(in[1]), Integer.parseInt(in[2]), Integer.parseInt(io[1]), kernel, 1, pad);
                float[] x = fill(r, batch * g.inputSize()), w = fill(r, g.weightSize()), b = fill(r, g.outC());
                for (int i = 0; i < w.length; i++) if (r.nextDouble() >= density) w[i] = 0f;
                float[] y = new float[batch * (g.outC() * (g.outH() / 2) * (g.outW() / 2))];
                if (scalar) {
                    float[] plane = new float[g.outH() * g.outW()];
                    return new Object[]{(Runnable) () -> scalarConv(g, batch, x, w, b, plane, y, true), y};
                }
                DirectSparseConv k = DirectSparseConv.from(g, w);
                float[] ws = new float[k.workspaceFloats(1)];
                return new Object[]{(Runnable) () -> k.forward(one, x, 0, batch, y, 0, b, true, true, ws, 0), y};
            }
            case "dense" -> {
                int m = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]), n = Integer.parseInt(p[3]);
                float[] w = fill(r, m * k), b = fill(r, m), x = fill(r, k * n), y = new float[m * n];
                if (scalar) return new Object[]{(Runnable) () -> scalarDense(m, k, n, w, b, x, y), y};
                DenseMatrix d = DenseMatrix.from(w, m, k);
                return new Object[]{(Runnable) () -> d.multiplyBatch(one, x, 0, n, y, 0, b, true), y};
            }
            case "dense-sm" -> {
                int m = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]), n = Integer.parseInt(p[3]);
                float[] w = fill(r, m * k), b = fill(r, m), x = fill(r, n * k), y = new float[m * n];
                if (scalar) {
                    float[] xt = new float[k * n]; // the scalar loop reads x feature-major
                    return new Object[]{(Runnable) () -> {
                        for (int s = 0; s < n; s++) for (int c = 0; c < k; c++) xt[c * n + s] = x[s * k + c];
                        scalarDense(m, k, n, w, b, xt, y);
                    }, y};
                }
                DenseMatrix d = DenseMatrix.from(w, m, k);
                return new Object[]{(Runnable) () -> d.multiplyBatchSampleMajor(one, x, 0, n, y, 0, b, true), y};
            }
            case "sparse", "pcsr-sm" -> {
                if (p[0].equals("pcsr-sm")) p = new String[]{"pcsr-sm", "pcsr", p[1], p[2], p[3], p[4]};
                boolean sampleMajor = p[0].equals("pcsr-sm");
                int m = Integer.parseInt(p[2]), k = Integer.parseInt(p[3]), n = Integer.parseInt(p[5]);
                double density = Double.parseDouble(p[4]);
                float[] w = fill(r, m * k), b = fill(r, m), x = fill(r, k * n), y = new float[m * n];
                boolean[] keep = new boolean[m * k];
                for (int i = 0; i < keep.length; i++) keep[i] = r.nextDouble() < density;
                if (scalar) {
                    // CSR of the kept weights, a scalar row loop
                    int[] ptr = new int[m + 1];
                    List<Integer> cols = new ArrayList<>();
                    List<Float> vals = new ArrayList<>();
                    for (int i = 0; i < m; i++) {
                        for (int c = 0; c < k; c++) if (keep[i * k + c]) { cols.add(c); vals.add(w[i * k + c]); }
                        ptr[i + 1] = cols.size();
                    }
                    int[] ci = cols.stream().mapToInt(Integer::intValue).toArray();
                    float[] cv = new float[vals.size()];
                    for (int i = 0; i < cv.length; i++) cv[i] = vals.get(i);
                    if (!sampleMajor) return new Object[]{(Runnable) () -> scalarCsr(m, n, ptr, ci, cv, b, x, y), y};
                    float[] xs = sampleMajor(x, k, n);
                    return new Object[]{(Runnable) () -> {
                        for (int j = 0; j < n; j++) for (int c = 0; c < k; c++) x[c * n + j] = xs[j * k + c];
                        scalarCsr(m, n, ptr, ci, cv, b, x, y);
                    }, y};
                }
                SparseMatrix s = SparseFormats.named(p[1]).build(w, m, k, keep);
                if (sampleMajor) {
                    float[] xs = sampleMajor(x, k, n);
                    return new Object[]{(Runnable) () -> ((PanelCsrMatrix) s).multiplyBatchSampleMajor(one, xs, 0, n, y, 0, b, true), y};
                }
                return new Object[]{(Runnable) () -> s.multiplyBatch(one, x, 0, n, y, 0, b, true), y};
            }
            case "pool" -> {
                String[] in = p[2].split("x");
                int batch = Integer.parseInt(p[3]);
                PoolGeometry g = PoolGeometry.of(Integer.parseInt(in[0]), Integer.parseInt(in[1]), Integer.parseInt(in[2]), 2, 2, 0);
                float[] x = fill(r, batch * g.inputSize()), dy = fill(r, batch * g.outputSize());
                float[] y = new float[batch * g.outputSize()], dx = new float[batch * g.inputSize()];
                int[] arg = p[1].startsWith("max") && !p[1].equals("max") ? new int[y.length] : null;
                if (p[1].equals("maxback")) Pooling.maxPool2dForward(one, g, batch, x, 0, y, 0, arg, 0);
                int c = g.channels() * batch, ih = g.inH(), iw = g.inW(), oh = g.outH(), ow = g.outW();
                return switch (p[1]) {
                    case "max", "maxarg" -> new Object[]{scalar ? (Runnable) () -> scalarMaxPool(c, ih, iw, oh, ow, x, y, arg)
                            : (Runnable) () -> Pooling.maxPool2dForward(one, g, batch, x, 0, y, 0, arg, 0), y};
                    case "avg" -> new Object[]{scalar ? (Runnable) () -> scalarAvgPool(c, ih, iw, oh, ow, x, y)
                            : (Runnable) () -> Pooling.avgPool2dForward(one, g, batch, x, 0, y, 0), y};
                    case "maxback" -> new Object[]{scalar ? (Runnable) () -> {
                        java.util.Arrays.fill(dx, 0f);
                        for (int i = 0; i < arg.length; i++) dx[arg[i]] += dy[i];
                    } : (Runnable) () -> Pooling.maxPool2dBackward(one, g, batch, dy, 0, arg, 0, dx, 0), dx};
                    case "avgback" -> new Object[]{scalar ? (Runnable) () -> scalarAvgBack(c, ih, iw, oh, ow, dy, dx)
                            : (Runnable) () -> Pooling.avgPool2dBackward(one, g, batch, dy, 0, dx, 0), dx};
                    default -> throw new IllegalArgumentException("pool " + p[1]);
                };
            }
            case "im2col", "col2im" -> {
                String[] in = p[1].split("x");
                int k = Integer.parseInt(p[2]), pad = Integer.parseInt(p[3]), batch = Integer.parseInt(p[4]);
                ConvGeometry g = ConvGeometry.of(Integer.parseInt(in[0]), Integer.parseInt(in[1]), Integer.parseInt(in[2]), 1, k, 1, pad);
                boolean forward = p[0].equals("im2col");
                float[] x = forward ? fill(r, batch * g.inputSize()) : new float[batch * g.inputSize()];
                float[] col = forward ? new float[batch * g.colSize()] : fill(r, batch * g.colSize());
                float[] out = forward ? col : x;
                if (scalar) return new Object[]{(Runnable) () -> scalarPatches(g, batch, x, col, forward), out};
                return new Object[]{(Runnable) () -> {
                    if (!forward) java.util.Arrays.fill(x, 0f);
                    for (int i = 0; i < batch; i++) {
                        if (forward) Conv2dOps.im2col(g, x, i * g.inputSize(), col, i * g.colSize());
                        else Conv2dOps.col2im(g, col, i * g.colSize(), x, i * g.inputSize());
                    }
                }, out};
            }
            case "relub" -> {
                int n = Integer.parseInt(p[1]);
                float[] x = fill(r, n), dy = fill(r, n), dx = new float[n];
                return new Object[]{scalar ? (Runnable) () -> { for (int i = 0; i < n; i++) dx[i] = x[i] > 0f ? dy[i] : 0f; }
                        : (Runnable) () -> Elementwise.reluBackward(x, 0, dy, 0, dx, 0, n), dx};
            }
            case "softmax" -> {
                int rows = Integer.parseInt(p[1]), cols = Integer.parseInt(p[2]);
                float[] x = fill(r, rows * cols), y = new float[rows * cols];
                return new Object[]{scalar ? (Runnable) () -> scalarSoftmax(rows, cols, x, y)
                        : (Runnable) () -> Softmax.softmax(x, 0, y, 0, rows, cols), y};
            }
            case "maxabs" -> {
                int n = Integer.parseInt(p[1]);
                float[] x = fill(r, n), y = new float[1];
                return new Object[]{scalar ? (Runnable) () -> { float m = 0f; for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(x[i])); y[0] = m; }
                        : (Runnable) () -> y[0] = (float) Magnitude.of(Norm.MAX_ABS, x, 0, n), y};
            }
            case "colmaxabs" -> {
                int rows = Integer.parseInt(p[1]), cols = Integer.parseInt(p[2]);
                float[] x = fill(r, rows * cols), y = new float[cols];
                double[] out = new double[cols];
                return new Object[]{scalar ? (Runnable) () -> {
                            java.util.Arrays.fill(y, 0f);
                            for (int i = 0; i < rows; i++) for (int c = 0; c < cols; c++) y[c] = Math.max(y[c], Math.abs(x[i * cols + c]));
                        }
                        : (Runnable) () -> { Magnitude.perColumn(Norm.MAX_ABS, x, 0, rows, cols, out, 0); for (int c = 0; c < cols; c++) y[c] = (float) out[c]; }, y};
            }
            default -> throw new IllegalArgumentException("case " + spec);
        }
    }

    /** 3×3 pad-1 convolution, bias, ReLU, then (when {@code pooled}) 2×2 max pooling, one plane at a time. */
    private static void scalarConv(ConvGeometry g, int batch, float[] x, float[] w, float[] b, float[] plane, float[] y, boolean pooled) {
        int c = g.inC(), h = g.inH(), wd = g.inW(), oh = g.outH(), ow = g.outW();
        for (int i = 0, yo = 0; i < batch; i++) {
            int xi = i * c * h * wd;
            for (int o = 0; o < g.outC(); o++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float s = b[o];
                        for (int ci = 0; ci < c; ci++) {
                            for (int ky = 0; ky < g.kH(); ky++) {
                                int iy = oy + ky - g.pad();
                                if (iy < 0 || iy >= h) continue;
                                for (int kx = 0; kx < g.kW(); kx++) {
                                    int ix = ox + kx - g.pad();
                                    if (ix < 0 || ix >= wd) continue;
                                    s += w[((o * c + ci) * g.kH() + ky) * g.kW() + kx] * x[xi + (ci * h + iy) * wd + ix];
                                }
                            }
                        }
                        plane[oy * ow + ox] = Math.max(s, 0f);
                    }
                }
                if (!pooled) {
                    System.arraycopy(plane, 0, y, yo, oh * ow);
                    yo += oh * ow;
                    continue;
                }
                for (int py = 0; py < oh / 2; py++) {
                    for (int px = 0; px < ow / 2; px++, yo++) {
                        int q = 2 * py * ow + 2 * px;
                        y[yo] = Math.max(Math.max(plane[q], plane[q + 1]), Math.max(plane[q + ow], plane[q + ow + 1]));
                    }
                }
            }
        }
    }

    /** y[m×n] = relu(W·X + b), X k×n feature-major as DenseMatrix.multiplyBatch reads it. */
    private static void scalarDense(int m, int k, int n, float[] w, float[] b, float[] x, float[] y) {
        if (n == 1) { // one dot product per row
            for (int i = 0; i < m; i++) {
                float s = b[i];
                for (int c = 0; c < k; c++) s += w[i * k + c] * x[c];
                y[i] = Math.max(s, 0f);
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int yo = i * n;
            for (int j = 0; j < n; j++) y[yo + j] = b[i];
            for (int c = 0; c < k; c++) {
                float wv = w[i * k + c];
                int xo = c * n;
                for (int j = 0; j < n; j++) y[yo + j] += wv * x[xo + j];
            }
            for (int j = 0; j < n; j++) y[yo + j] = Math.max(y[yo + j], 0f);
        }
    }

    /** x[k, n] (feature-major) as [n, k]. */
    private static float[] sampleMajor(float[] x, int k, int n) {
        float[] xs = new float[k * n];
        for (int c = 0; c < k; c++) for (int j = 0; j < n; j++) xs[j * k + c] = x[c * n + j];
        return xs;
    }

    private static void scalarCsr(int m, int n, int[] ptr, int[] ci, float[] cv, float[] b, float[] x, float[] y) {
        if (n == 1) {
            for (int i = 0; i < m; i++) {
                float s = b[i];
                for (int p = ptr[i]; p < ptr[i + 1]; p++) s += cv[p] * x[ci[p]];
                y[i] = Math.max(s, 0f);
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int yo = i * n;
            for (int j = 0; j < n; j++) y[yo + j] = b[i];
            for (int p = ptr[i]; p < ptr[i + 1]; p++) {
                float wv = cv[p];
                int xo = ci[p] * n;
                for (int j = 0; j < n; j++) y[yo + j] += wv * x[xo + j];
            }
            for (int j = 0; j < n; j++) y[yo + j] = Math.max(y[yo + j], 0f);
        }
    }

    private static void scalarMaxPool(int planes, int ih, int iw, int oh, int ow, float[] x, float[] y, int[] arg) {
        for (int p = 0, o = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, o++) {
                    int q = (p * ih + 2 * i) * iw + 2 * j, best = q;
                    if (x[q + 1] > x[best]) best = q + 1;
                    if (x[q + iw] > x[best]) best = q + iw;
                    if (x[q + iw + 1] > x[best]) best = q + iw + 1;
                    y[o] = x[best];
                    if (arg != null) arg[o] = best;
                }
            }
        }
    }

    private static void scalarAvgPool(int planes, int ih, int iw, int oh, int ow, float[] x, float[] y) {
        for (int p = 0, o = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, o++) {
                    int q = (p * ih + 2 * i) * iw + 2 * j;
                    y[o] = (x[q] + x[q + 1] + x[q + iw] + x[q + iw + 1]) * 0.25f;
                }
            }
        }
    }

    private static void scalarAvgBack(int planes, int ih, int iw, int oh, int ow, float[] dy, float[] dx) {
        for (int p = 0, o = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, o++) {
                    int q = (p * ih + 2 * i) * iw + 2 * j;
                    float v = dy[o] * 0.25f;
                    dx[q] = v; dx[q + 1] = v; dx[q + iw] = v; dx[q + iw + 1] = v;
                }
            }
        }
    }

    private static void scalarSoftmax(int rows, int cols, float[] x, float[] y) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, x[o + c]);
            float sum = 0f;
            for (int c = 0; c < cols; c++) sum += y[o + c] = (float) Math.exp(x[o + c] - max);
            float inv = 1f / sum;
            for (int c = 0; c < cols; c++) y[o + c] *= inv;
        }
    }

    private static float[] fill(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(-1, 1);
        return v;
    }

    /**
     * im2col (forward: each column element copies its input element, 0 in the padding) or its
     * adjoint (x zeroed, then each column element added to its input element), stride 1, one
     * element at a time with the index arithmetic in the loop.
     */
    private static void scalarPatches(ConvGeometry g, int batch, float[] x, float[] col, boolean forward) {
        if (!forward) java.util.Arrays.fill(x, 0f);
        int oh = g.outH(), ow = g.outW(), k = g.kH(), pad = g.pad();
        for (int n = 0, o = 0; n < batch; n++) {
            for (int r = 0; r < g.colRows(); r++) {
                int c = r / (k * k), i = (r / k) % k, j = r % k;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++, o++) {
                        int iy = y - pad + i, ix = xo - pad + j;
                        boolean in = iy >= 0 && iy < g.inH() && ix >= 0 && ix < g.inW();
                        int s = n * g.inputSize() + (c * g.inH() + iy) * g.inW() + ix;
                        if (forward) col[o] = in ? x[s] : 0f;
                        else if (in) x[s] += col[o];
                    }
                }
            }
        }
    }
}
