package dev.secateur.bench.kernels;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;

import dev.secateur.tensor.Gemm;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferenceGemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
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
 * Square SGEMM C = A·B (n×n, row-major, no transposes, alpha 1, beta 0): Secateur's packed
 * kernel against OpenBLAS ({@code cblas_sgemm} on off-heap copies of the same data) and, at the
 * smallest size only, the scalar float64 reference (2048³ would take minutes per call; any other
 * size with {@code impl=reference} fails its set-up with a message saying so, and is skipped).
 * Both fast implementations run with the same thread count ({@code threads}).
 * GFLOPS = 2·size³ / (time per op in seconds) / 1e9, e.g. size 1024 at 20 ms/op is 107 GFLOPS.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemmBenchmark {
    /** The reference is scalar float64: only this size finishes in reasonable time. */
    static final int REFERENCE_MAX_SIZE = 128;

    @Param({"secateur", "openblas", "reference"})
    public String impl;

    @Param({"128", "256", "512", "1024", "2048"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    private float[] a, b, c;
    private Workers workers;
    private FloatPointer pa, pb, pc;

    @Setup(Level.Trial)
    public void setUp() {
        dev.secateur.bench.cli.PlatformInfo.logOnce();
        if (impl.equals("reference") && size > REFERENCE_MAX_SIZE) {
            throw new IllegalStateException("skipped: impl=reference runs only at size " + REFERENCE_MAX_SIZE
                    + " (scalar float64 would take minutes per op at size " + size + ")");
        }
        int n = size;
        a = random(n * n, 42);
        b = random(n * n, 43);
        c = random(n * n, 44);
        switch (impl) {
            case "secateur" -> workers = Workers.of(threads);
            case "openblas" -> {
                // The presets look up openblas_set_num_threads in the loaded library.
                openblas.blas_set_num_threads(threads);
                // OPENBLAS_CORETYPE (set on some machines) forces an older kernel, e.g. Haswell's
                // 256-bit one on an AVX-512 CPU: print it so that a result says what it compared.
                System.err.println("OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE"));
                pa = new FloatPointer(a);
                pb = new FloatPointer(b);
                pc = new FloatPointer(c);
            }
            case "reference" -> { }
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (workers != null) workers.close();
        if (pa != null) { pa.close(); pb.close(); pc.close(); }
    }

    @Benchmark
    public float sgemm() {
        int n = size;
        switch (impl) {
            case "secateur" -> {
                Gemm.sgemm(workers, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                return c[n + 1];
            }
            case "openblas" -> {
                openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
                return pc.get(n + 1);
            }
            default -> {
                ReferenceGemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                return c[n + 1];
            }
        }
    }

    static float[] random(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }
}
