// Scratch harness (bench/scripts/harness/run.sh FmaPeak): twelve independent vector FMA chains in
// registers, no memory traffic: the FMA rate a kernel can at best reach, in GFLOP/s, at the
// preferred vector width (add JVM flags via JAVA_FLAGS, e.g. -XX:UseAVX=2).
import jdk.incubator.vector.*;

public class FmaPeak {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static float chains(long steps, float[] seed) {
        FloatVector a = FloatVector.fromArray(S, seed, 0), b = FloatVector.fromArray(S, seed, S.length());
        FloatVector c0 = a, c1 = b, c2 = a, c3 = b, c4 = a, c5 = b, c6 = a, c7 = b, c8 = a, c9 = b, c10 = a, c11 = b;
        for (long i = 0; i < steps; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    public static void main(String[] args) {
        float[] seed = new float[2 * S.length()];
        java.util.Arrays.fill(seed, 0.999f);
        long steps = 50_000_000L;
        float sink = 0;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            sink += chains(steps, seed);
            long dt = System.nanoTime() - t0;
            if (round >= 4) System.out.printf("%d lanes: %.1f GFLOP/s%n", S.length(), 2.0 * 12 * S.length() * steps / dt);
        }
        System.out.println(sink == 42 ? "" : " ");
    }
}
