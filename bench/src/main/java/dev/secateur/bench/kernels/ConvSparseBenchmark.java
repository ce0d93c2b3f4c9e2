package dev.secateur.bench.kernels;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.sparse.DirectSparseConv;
import dev.secateur.tensor.sparse.SparseFormats;
import dev.secateur.tensor.sparse.SparseMatrix;
import dev.secateur.tensor.sparse.SparseSelector;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One convolution layer (stride 1, one image, CHW) with pruned weights, as im2col followed by
 * {@code W[outC, inC·kh·kw] · col[inC·kh·kw, outH·outW]}: the spatial dimension is the batch
 * of {@link SparseMatrix#multiplyBatch}. Every format pays the same im2col; {@code dense} is our
 * packed GEMM on the masked weight. {@code direct} is {@link DirectSparseConv}: no im2col, one
 * broadcast-FMA per kept weight over shifted slices of the padded image. Bias and ReLU are fused
 * in every format.
 * <ul>
 *   <li>{@code lenet5c2}: 6→16 channels, 5×5, 14×14 input, no padding (10×10 output).</li>
 *   <li>{@code vgg64}: 64→64 channels, 3×3, 32×32 input, padding 1.</li>
 *   <li>{@code vgg128}: 128→128 channels, 3×3, 16×16 input, padding 1.</li>
 * </ul>
 * Masks: random unstructured at {@code sparsity}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dsecateur.kernel.cache=off"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvSparseBenchmark {
    @Param({"dense", "csr", "bsr4x1", "bitmap16", "sell16", "auto", "direct"})
    public String format;

    @Param({"lenet5c2", "vgg64", "vgg128"})
    public String layer;

    @Param({"0.9"})
    public double sparsity;

    @Param({"1"})
    public int threads;

    private int inC, h, w, outC, k, pad, outH, outW;
    private SparseMatrix matrix;
    private DirectSparseConv direct;
    private Workers workers;
    private float[] image, col, out, bias, work;

    @Setup(Level.Trial)
    public void setUp() {
        dev.secateur.bench.cli.PlatformInfo.logOnce();
        switch (layer) {
            case "lenet5c2" -> { inC = 6; h = w = 14; outC = 16; k = 5; pad = 0; }
            case "vgg64" -> { inC = 64; h = w = 32; outC = 64; k = 3; pad = 1; }
            case "vgg128" -> { inC = 128; h = w = 16; outC = 128; k = 3; pad = 1; }
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        }
        outH = h + 2 * pad - k + 1;
        outW = w + 2 * pad - k + 1;
        int rows = outC, cols = inC * k * k;
        SplittableRandom rnd = new SplittableRandom(42);
        float[] wt = new float[rows * cols];
        for (int i = 0; i < wt.length; i++) wt[i] = (float) rnd.nextDouble(-1, 1);
        boolean[] keep = SpmmBenchmark.randomMask(rnd, rows * cols, sparsity);
        workers = Workers.of(threads);
        int spatial = outH * outW;
        if (format.equals("direct")) {
            direct = DirectSparseConv.from(ConvGeometry.of(inC, h, w, outC, k, 1, pad), wt, keep);
            work = new float[direct.workspaceFloats(threads)];
        }
        if (format.equals("auto")) {
            var sel = SparseSelector.choose(wt, rows, cols, keep, spatial, workers);
            System.out.println("auto chose " + sel.chosen().format() + " " + sel.timings());
            matrix = sel.chosen();
        } else {
            // direct: the matrix is only used for toDense() below.
            matrix = SparseFormats.named(format.equals("direct") ? "dense" : format).build(wt, rows, cols, keep);
        }
        image = new float[inC * h * w];
        for (int i = 0; i < image.length; i++) image[i] = (float) rnd.nextDouble(-1, 1);
        bias = new float[outC];
        for (int i = 0; i < outC; i++) bias[i] = (float) rnd.nextDouble(-0.1, 0.1);
        col = new float[cols * spatial];
        out = new float[outC * spatial];
        checkAgainstDirectConvolution(direct != null ? direct.toDense() : matrix.toDense());
    }

    /** Fails the set-up unless im2col + product equals a direct float64 convolution (with bias, ReLU). */
    private void checkAgainstDirectConvolution(float[] wt) {
        conv();
        int cols = inC * k * k;
        for (int o = 0; o < outC; o++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    double s = bias[o], abs = Math.abs(bias[o]);
                    for (int c = 0; c < inC; c++) {
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < k; j++) {
                                int iy = oy + i - pad, ix = ox + j - pad;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                double p = (double) wt[o * cols + (c * k + i) * k + j] * image[(c * h + iy) * w + ix];
                                s += p;
                                abs += Math.abs(p);
                            }
                        }
                    }
                    double got = out[(o * outH + oy) * outW + ox], want = Math.max(s, 0);
                    if (Math.abs(got - want) > 1e-5 * abs + 1e-30) {
                        throw new IllegalStateException(format + " " + layer + ": output (" + o + ", " + oy + ", " + ox
                                + ") is " + got + ", direct convolution gives " + want);
                    }
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workers.close();
    }

    @Benchmark
    public float[] conv() {
        if (direct != null) {
            direct.forward(workers, image, 0, 1, out, 0, bias, true, work, 0);
            return out;
        }
        im2col();
        matrix.multiplyBatch(workers, col, 0, outH * outW, out, 0, bias, true);
        return out;
    }

    /** col[(c·k + i)·k + j, oy·outW + ox] = image[c, oy + i − pad, ox + j − pad] (zero outside). */
    private void im2col() {
        int spatial = outH * outW;
        for (int c = 0; c < inC; c++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    int row = ((c * k + i) * k + j) * spatial;
                    for (int oy = 0; oy < outH; oy++) {
                        int iy = oy + i - pad;
                        int at = row + oy * outW;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(col, at, at + outW, 0f);
                            continue;
                        }
                        // Interior columns are one contiguous copy; only the padded edges are zeroed.
                        int lo = Math.max(0, pad - j), hi = Math.min(outW, w + pad - j);
                        java.util.Arrays.fill(col, at, at + lo, 0f);
                        if (hi > lo) System.arraycopy(image, (c * h + iy) * w + lo + j - pad, col, at + lo, hi - lo);
                        java.util.Arrays.fill(col, at + Math.max(lo, hi), at + outW, 0f);
                    }
                }
            }
        }
    }
}
