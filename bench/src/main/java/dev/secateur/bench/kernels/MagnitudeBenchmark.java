package dev.secateur.bench.kernels;

import dev.secateur.tensor.ops.Magnitude;
import dev.secateur.tensor.ops.Norm;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Magnitude sums, the pruning score hot path: per-filter L1 of a 256×256×3×3 conv weight and
 * per-row L1 of a 4096×4096 matrix. {@code scalar} is a plain loop (float64 sum per row);
 * {@code copy} is {@code System.arraycopy} of the same bytes, the bandwidth yardstick (it reads
 * the same bytes and also writes them).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class MagnitudeBenchmark {

    /** {@code filters256x256x3x3}: rows of 2304 (2.4 MB); {@code rows4096x4096}: rows of 4096 (64 MB). */
    @Param({"filters256x256x3x3", "rows4096x4096"})
    public String shape;

    private float[] w;
    private float[] dst;
    private double[] out;
    private int rows;
    private int cols;

    @Setup
    public void setup() {
        switch (shape) {
            case "filters256x256x3x3" -> { rows = 256; cols = 256 * 9; }
            case "rows4096x4096" -> { rows = 4096; cols = 4096; }
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        }
        w = new float[rows * cols];
        dst = new float[rows * cols];
        out = new double[rows];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextDouble() * 2 - 1);
    }

    @Benchmark
    public double[] vector() {
        Magnitude.perRow(Norm.L1, w, 0, rows, cols, null, out, 0);
        return out;
    }

    @Benchmark
    public double[] vectorWithBias() {
        Magnitude.perRow(Norm.L1, w, 0, rows, cols, w, out, 0);
        return out;
    }

    @Benchmark
    public double[] scalar() {
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0, i = r * cols; c < cols; c++, i++) s += Math.abs(w[i]);
            out[r] = s;
        }
        return out;
    }

    @Benchmark
    public float[] copy() {
        System.arraycopy(w, 0, dst, 0, w.length);
        return dst;
    }
}
