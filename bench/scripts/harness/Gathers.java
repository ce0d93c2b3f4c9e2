// Scratch harness (bench/scripts/harness/run.sh Gathers [random|sorted|strided|same]): a 16-lane gather + FMA loop over a
// 784-float input against a register-only FMA loop, ns per gather; the index pattern of the lanes decides the gather cost.
import jdk.incubator.vector.*;
import java.util.*;
public class Gathers {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static float gath(float[] x, int[] idx, float[] v, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int p = 0; p + 64 <= n; p += 64) {
            a0 = FloatVector.fromArray(S, v, p).fma(FloatVector.fromArray(S, x, 0, idx, p), a0);
            a1 = FloatVector.fromArray(S, v, p + 16).fma(FloatVector.fromArray(S, x, 0, idx, p + 16), a1);
            a2 = FloatVector.fromArray(S, v, p + 32).fma(FloatVector.fromArray(S, x, 0, idx, p + 32), a2);
            a3 = FloatVector.fromArray(S, v, p + 48).fma(FloatVector.fromArray(S, x, 0, idx, p + 48), a3);
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
    static float fma(float[] v, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector w = FloatVector.broadcast(S, 1.0001f);
        for (int p = 0; p < n; p += 8) {
            a0 = a0.fma(w, w); a1 = a1.fma(w, w); a2 = a2.fma(w, w); a3 = a3.fma(w, w);
            a4 = a4.fma(w, w); a5 = a5.fma(w, w); a6 = a6.fma(w, w); a7 = a7.fma(w, w);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(VectorOperators.ADD);
    }
    public static void main(String[] a) {
        int n = 19200; float[] x = new float[784], v = new float[n]; int[] idx = new int[n];
        Random r = new Random(1);
        String mode = a.length > 0 ? a[0] : "random";
        for (int i = 0; i < n; i++) { v[i] = r.nextFloat(); idx[i] = switch (mode) {
            case "sorted" -> -1; case "strided" -> (i % 16) * 49 + (i / 16) % 49; case "same" -> (i / 16) % 49 * 16 + (i % 16); default -> r.nextInt(784); }; }
        if (mode.equals("sorted")) for (int g = 0; g < n; g += 16) { int[] t = new int[16]; for (int j = 0; j < 16; j++) t[j] = r.nextInt(784); Arrays.sort(t); System.arraycopy(t, 0, idx, g, 16); }
        System.out.println(mode);
        for (int i = 0; i < 784; i++) x[i] = r.nextFloat();
        float s = 0;
        for (int round = 0; round < 30; round++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < 200; k++) s += gath(x, idx, v, n);
            long t1 = System.nanoTime();
            for (int k = 0; k < 200; k++) s += fma(v, 1200 * 8);
            long t2 = System.nanoTime();
            double gns = (t1 - t0) / 200.0 / (n / 16), fns = (t2 - t1) / 200.0 / (1200 * 8);
            if (round > 5) System.out.printf("gather %.2f ns each (%.2f us per 1200), FMA %.3f ns each -> gather = %.1f FMA slots%n", gns, gns * 1200 / 1e3, fns, gns / fns);
        }
        System.out.println(s);
    }
}
