// Scratch harness (bench/scripts/harness/run.sh AlignGemv ROWS K): a batch-1 GEMV (four rows per pass, one vector of x) over a weight at float offsets 0/4/8/12 of a heap array, and over a 64-byte aligned off-heap segment (and 4 floats past it); run with 64-byte object alignment, so heap offset 12 starts on a cache line. Median µs per product, variants alternated in one JVM.
import jdk.incubator.vector.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
public class AlignGemv {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static void heap(float[] w, int off, int rows, int k, float[] x, float[] y) {
        for (int r = 0; r < rows; r += 4) {
            FloatVector a = FloatVector.zero(S), b = a, c = a, d = a;
            int o0 = off + r * k, o1 = o0 + k, o2 = o1 + k, o3 = o2 + k;
            for (int j = 0; j < k; j += L) {
                FloatVector xv = FloatVector.fromArray(S, x, j);
                a = FloatVector.fromArray(S, w, o0 + j).fma(xv, a);
                b = FloatVector.fromArray(S, w, o1 + j).fma(xv, b);
                c = FloatVector.fromArray(S, w, o2 + j).fma(xv, c);
                d = FloatVector.fromArray(S, w, o3 + j).fma(xv, d);
            }
            y[r] = a.reduceLanes(VectorOperators.ADD); y[r + 1] = b.reduceLanes(VectorOperators.ADD);
            y[r + 2] = c.reduceLanes(VectorOperators.ADD); y[r + 3] = d.reduceLanes(VectorOperators.ADD);
        }
    }
    static void seg(MemorySegment w, long off, int rows, int k, float[] x, float[] y) {
        for (int r = 0; r < rows; r += 4) {
            FloatVector a = FloatVector.zero(S), b = a, c = a, d = a;
            long o0 = (off + (long) r * k) * 4, o1 = o0 + 4L * k, o2 = o1 + 4L * k, o3 = o2 + 4L * k;
            for (int j = 0; j < k; j += L) {
                FloatVector xv = FloatVector.fromArray(S, x, j);
                long jb = 4L * j;
                a = FloatVector.fromMemorySegment(S, w, o0 + jb, ByteOrder.LITTLE_ENDIAN).fma(xv, a);
                b = FloatVector.fromMemorySegment(S, w, o1 + jb, ByteOrder.LITTLE_ENDIAN).fma(xv, b);
                c = FloatVector.fromMemorySegment(S, w, o2 + jb, ByteOrder.LITTLE_ENDIAN).fma(xv, c);
                d = FloatVector.fromMemorySegment(S, w, o3 + jb, ByteOrder.LITTLE_ENDIAN).fma(xv, d);
            }
            y[r] = a.reduceLanes(VectorOperators.ADD); y[r + 1] = b.reduceLanes(VectorOperators.ADD);
            y[r + 2] = c.reduceLanes(VectorOperators.ADD); y[r + 3] = d.reduceLanes(VectorOperators.ADD);
        }
    }
    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]), k = Integer.parseInt(args[1]);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        float[] w = new float[rows * k + 64], x = new float[k], y = new float[rows];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < k; i++) x[i] = (float) rnd.nextGaussian();
        MemorySegment ms = Arena.global().allocate(4L * (rows * k + 64), 64);
        MemorySegment.copy(w, 0, ms, ValueLayout.JAVA_FLOAT, 0, w.length);
        String[] names = {"heap+0", "heap+4", "heap+8", "heap+12", "seg aligned", "seg +4"};
        double[][] t = new double[6][40];
        for (int round = 0; round < 40; round++) for (int v = 0; v < 6; v++) {
            long t0 = System.nanoTime();
            for (int rep = 0; rep < 500; rep++) {
                if (v < 4) heap(w, 4 * v, rows, k, x, y); else seg(ms, v == 4 ? 0 : 4, rows, k, x, y);
            }
            t[v][round] = (System.nanoTime() - t0) / 500e3;
        }
        for (int v = 0; v < 6; v++) { double[] s = java.util.Arrays.copyOfRange(t[v], 10, 40); java.util.Arrays.sort(s); System.out.printf("%-12s %.2f us%n", names[v], s[15]); }
    }
}
