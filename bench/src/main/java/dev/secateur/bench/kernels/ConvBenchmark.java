package dev.secateur.bench.kernels;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.ops.ChannelVectorConv;
import dev.secateur.tensor.ops.Conv2dOps;
import dev.secateur.tensor.ops.ConvGeometry;
import dev.secateur.tensor.ops.DirectConv;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Convolution layers of LeNet-5 / VGG size through im2col + SGEMM ({@code forward} and the
 * backward products) and through {@link DirectConv} with its fused bias + ReLU + 2×2 max pooling
 * ({@code direct}) and through {@link ChannelVectorConv} with the same epilogue ({@code channels},
 * output channels in the vector lanes). GFLOPS =
 * {@code 2·outC·outH·outW·inC·kH·kW·batch / t} (the same count for the forward pass and for each
 * of the two backward products).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ConvBenchmark {

    /** {@code inC x H x W -> outC kK sS pP bBatch}. */
    @Param({"1x28x28-6k5s1p0-b64", "6x14x14-16k5s1p0-b64", "32x14x14-64k3s1p1-b64", "64x7x7-128k3s1p1-b64"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    private ConvGeometry g;
    private int batch;
    private Workers workers;
    private float[] x, w, b, y, dy, dx, dW, db, ws, directWs;
    private DirectConv direct;
    private ChannelVectorConv channels;
    private float[] channelsWs;

    @Setup
    public void setup() {
        String[] io = layer.split("-");
        String[] in = io[0].split("x");
        String spec = io[1];
        int outC = Integer.parseInt(spec.substring(0, spec.indexOf('k')));
        int k = Integer.parseInt(spec.substring(spec.indexOf('k') + 1, spec.indexOf('s')));
        int s = Integer.parseInt(spec.substring(spec.indexOf('s') + 1, spec.indexOf('p')));
        int p = Integer.parseInt(spec.substring(spec.indexOf('p') + 1));
        batch = Integer.parseInt(io[2].substring(1));
        g = ConvGeometry.of(Integer.parseInt(in[0]), Integer.parseInt(in[1]), Integer.parseInt(in[2]), outC, k, s, p);
        workers = threads == 1 ? Workers.single() : Workers.of(threads);
        SplittableRandom r = new SplittableRandom(7);
        x = fill(r, batch * g.inputSize());
        w = fill(r, g.weightSize());
        b = fill(r, outC);
        dy = fill(r, batch * g.outputSize());
        y = new float[batch * g.outputSize()];
        dx = new float[batch * g.inputSize()];
        dW = new float[g.weightSize()];
        db = new float[outC];
        ws = new float[Conv2dOps.workspaceSize(g, threads)];
        direct = DirectConv.from(g, w, 0);
        directWs = new float[direct.workspaceFloats(threads)];
        channels = ChannelVectorConv.from(g, w, 0);
        channelsWs = new float[channels.workspaceFloats(threads)];
    }

    @TearDown
    public void tearDown() {
        workers.close();
    }

    private static float[] fill(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Benchmark
    public float[] forward() {
        Conv2dOps.forward(workers, g, batch, x, 0, w, 0, b, y, 0, ws);
        return y;
    }

    @Benchmark
    public float[] direct() {
        direct.forward(workers, x, 0, batch, y, 0, b, true, true, directWs, 0);
        return y;
    }

    @Benchmark
    public float[] channels() {
        channels.forward(workers, x, 0, batch, y, 0, b, true, true, channelsWs, 0);
        return y;
    }

    @Benchmark
    public float[] backwardWeights() {
        Conv2dOps.backwardWeights(workers, g, batch, x, 0, dy, 0, dW, 0, db, ws);
        return dW;
    }

    @Benchmark
    public float[] backwardInput() {
        Conv2dOps.backwardInput(workers, g, batch, dy, 0, w, 0, dx, 0, ws);
        return dx;
    }
}
