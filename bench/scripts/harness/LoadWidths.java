import jdk.incubator.vector.*;
import java.util.*;
// Scratch harness (bench/scripts/harness/run.sh LoadWidths MIB): one array of MIB MiB summed by
// plain loops of 512-, 256- and 128-bit loads and by 512-bit vectors made of two 256-bit loads, in
// rotation in one JVM; each loop reads the whole array, so none finds another's data in the caches
// in an order the others do not. Prints the median µs and GB/s of each; a MIB below the L3 size
// measures the cache-resident rate. One method per width: with
// the species passed as an argument the loops were not compiled to vector instructions.
public class LoadWidths {
    static float s512(float[] a) {
        final VectorSpecies<Float> S = FloatVector.SPECIES_512;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0; final int L = 16;
        for (int i = 0; i + 4 * L <= a.length; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(S, a, i)); s1 = s1.add(FloatVector.fromArray(S, a, i + L));
            s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * L)); s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * L));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
    }
    static float s256(float[] a) {
        final VectorSpecies<Float> S = FloatVector.SPECIES_256;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0; final int L = 8;
        for (int i = 0; i + 4 * L <= a.length; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(S, a, i)); s1 = s1.add(FloatVector.fromArray(S, a, i + L));
            s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * L)); s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * L));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
    }
    static float s128(float[] a) {
        final VectorSpecies<Float> S = FloatVector.SPECIES_128;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0; final int L = 4;
        for (int i = 0; i + 4 * L <= a.length; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(S, a, i)); s1 = s1.add(FloatVector.fromArray(S, a, i + L));
            s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * L)); s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * L));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
    }
    static float s512x2(float[] a) {
        final VectorSpecies<Float> S = FloatVector.SPECIES_512, H = FloatVector.SPECIES_256;
        FloatVector s0 = FloatVector.zero(S), s1 = s0; int L = 16;
        for (int i = 0; i + 2 * L <= a.length; i += 2 * L) {
            FloatVector v0 = (FloatVector) FloatVector.fromArray(H, a, i).reinterpretShape(S, 0).reinterpretAsInts()
                    .or(FloatVector.fromArray(H, a, i + 8).reinterpretShape(S, -1).reinterpretAsInts()).reinterpretAsFloats();
            FloatVector v1 = (FloatVector) FloatVector.fromArray(H, a, i + 16).reinterpretShape(S, 0).reinterpretAsInts()
                    .or(FloatVector.fromArray(H, a, i + 24).reinterpretShape(S, -1).reinterpretAsInts()).reinterpretAsFloats();
            s0 = s0.add(v0); s1 = s1.add(v1);
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }
    public static void main(String[] x) {
        int mb = Integer.parseInt(x[0]);
        float[] big = new float[mb << 18]; SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < big.length; i++) big[i] = (float) r.nextDouble();
        float c = 0;
        // Two seconds of every loop first, so that a cache-sized array (a call of a few hundred µs)
        // is timed in C2 code too.
        for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; ) c += s512(big) + s256(big) + s128(big) + s512x2(big);
        double[][] t = new double[4][300];
        for (int round = 0; round < 300; round++) {
            long t0 = System.nanoTime(); c += s512(big);
            long t1 = System.nanoTime(); c += s256(big);
            long t2 = System.nanoTime(); c += s128(big);
            long t3 = System.nanoTime();
            c += s512x2(big);
            long t4 = System.nanoTime();
            t[3][round] = (t4 - t3) / 1e3;
            t[0][round] = (t1 - t0) / 1e3; t[1][round] = (t2 - t1) / 1e3; t[2][round] = (t3 - t2) / 1e3;
        }
        String[] n = {"512", "256", "128", "2x256->512"};
        for (int q = 0; q < 4; q++) { Arrays.sort(t[q], 100, 300); System.out.printf("%s-bit loads: %.0f us, %.1f GB/s%n", n[q], t[q][200], big.length * 4.0 / t[q][200] / 1e3); }
        System.out.println(c > 0 ? "" : "!");
    }
}
