import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Two builds of our SGEMM and OpenBLAS's in one JVM, n×n×n, blocks of calls alternated (rotating
 * order) for a given time, so that the host's state hits all three alike. "old" is a directory of
 * compiled tensor classes loaded in its own class loader; "new" is this class path (the bench jar)
 * or a second directory. Prints each one's best and median block, the median of the per-round
 * ratios to OpenBLAS and to "old". Usage: GemmBuilds n seconds threads oldClasses [newClasses].
 * Build the old classes with e.g. {@code git archive REV tensor/src/main/java | tar -x -C /tmp/old &&
 * javac -d /tmp/old-classes --add-modules jdk.incubator.vector $(find /tmp/old -name '*.java')}.
 * Set OPENBLAS_THREAD_TIMEOUT=4 with threads > 1 and OPENBLAS_CORETYPE to pick its kernel.
 */
public class GemmBuilds {
    /** One timed call. */
    interface Call { void run() throws Exception; }
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]), threads = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[1]);
        ClassLoader oldL = new URLClassLoader(new URL[]{Path.of(args[3]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        ClassLoader newL = args.length > 4 ? new URLClassLoader(new URL[]{Path.of(args[4]).toUri().toURL()}, ClassLoader.getPlatformClassLoader()) : GemmBuilds.class.getClassLoader();
        float[] a = random(n * n, 42), b = random(n * n, 43), c = new float[n * n];
        openblas.blas_set_num_threads(threads);
        FloatPointer pa = new FloatPointer(a), pb = new FloatPointer(b), pc = new FloatPointer(c);
        Call[] calls = new Call[3];
        String[] names = {"old", "new", "OpenBLAS"};
        for (int v = 0; v < 2; v++) {
            ClassLoader l = v == 0 ? oldL : newL;
            Class<?> wc = Class.forName("dev.secateur.tensor.Workers", true, l);
            Object w = wc.getMethod("of", int.class).invoke(null, threads);
            Class<?> gc = Class.forName("dev.secateur.tensor.Gemm", true, l);
            Method m = gc.getMethod("sgemm", wc, boolean.class, boolean.class, int.class, int.class, int.class, float.class,
                    float[].class, int.class, int.class, float[].class, int.class, int.class, float.class, float[].class, int.class, int.class);
            if (v == 1) System.out.println(Class.forName("dev.secateur.tensor.platform.VectorPlatform", true, l).getField("GEMM").get(null));
            calls[v] = () -> m.invoke(null, w, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        }
        calls[2] = () -> openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
        int reps = Math.max(1, (int) (2e9 / (2.0 * n * n * n)));
        for (int i = 0; i < 5; i++) for (Call x : calls) block(x, reps);
        int max = 100000; double[][] t = new double[3][max]; int k = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end && k < max) {
            for (int v = 0; v < 3; v++) { int vv = (v + k) % 3; t[vv][k] = block(calls[vv], reps); }
            k++;
        }
        System.out.printf("n=%d threads=%d rounds=%d OPENBLAS_CORETYPE=%s%n", n, threads, k, System.getenv("OPENBLAS_CORETYPE"));
        double[] ob = Arrays.copyOf(t[2], k); double[] obs = ob.clone(); Arrays.sort(obs);
        for (int v = 0; v < 3; v++) {
            double[] x = Arrays.copyOf(t[v], k), xs = x.clone(); Arrays.sort(xs);
            double[] r = new double[k], r0 = new double[k];
            for (int i = 0; i < k; i++) { r[i] = ob[i] / x[i]; r0[i] = t[0][i] / x[i]; }
            Arrays.sort(r); Arrays.sort(r0);
            System.out.printf("  %-8s min/med %7.2f/%7.2f ms | OpenBLAS/this: mins %.3f, median of rounds %.3f (q1 %.3f, q3 %.3f) | old/this median of rounds %.3f%n",
                    names[v], xs[0], xs[k / 2], obs[0] / xs[0], r[k / 2], r[k / 4], r[3 * k / 4], r0[k / 2]);
        }
        System.exit(0);
    }
    private static double block(Call call, int reps) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) call.run();
        return (System.nanoTime() - t0) / 1e6 / reps;
    }
    private static float[] random(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float) r.nextDouble(-1, 1);
        return x;
    }
}
