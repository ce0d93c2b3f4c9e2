import jdk.incubator.vector.*;
/**
 * The 16-register SGEMM tile shapes alone (run.sh SgemmTiles): 3 rows x 3 vectors against 4 rows x
 * 2 vectors of 256-bit vectors, KC 336, one B micro-panel in L1 and 32 A micro-panels, both written
 * like SgemmMicroKernel's bodies; alternated in one JVM, GFLOP/s per pass.
 */
public class SgemmTiles {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_256; static final int L = 8;
    static void p3x3(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] d, int dOff, int ldd) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * 24, ao = aOff + p * 3;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + L), b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22);
        }
        c00.intoArray(d, dOff); c01.intoArray(d, dOff + 8); c02.intoArray(d, dOff + 16);
        c10.intoArray(d, dOff + ldd); c11.intoArray(d, dOff + ldd + 8); c12.intoArray(d, dOff + ldd + 16);
        c20.intoArray(d, dOff + 2 * ldd); c21.intoArray(d, dOff + 2 * ldd + 8); c22.intoArray(d, dOff + 2 * ldd + 16);
    }
    static void p4x2(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] d, int dOff, int ldd) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * 16, ao = aOff + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
        }
        c00.intoArray(d, dOff); c01.intoArray(d, dOff + 8); c10.intoArray(d, dOff + ldd); c11.intoArray(d, dOff + ldd + 8);
        c20.intoArray(d, dOff + 2*ldd); c21.intoArray(d, dOff + 2*ldd + 8); c30.intoArray(d, dOff + 3*ldd); c31.intoArray(d, dOff + 3*ldd + 8);
    }
    public static void main(String[] x) {
        int kc = 336, panels = 32;
        float[] a = new float[kc * 4 * panels], b = new float[kc * 24], d = new float[4 * 64];
        for (int i = 0; i < a.length; i++) a[i] = (float) Math.random(); for (int i = 0; i < b.length; i++) b[i] = (float) Math.random();
        for (int round = 0; round < 12; round++) {
            for (int which = 0; which < 2; which++) {
                long t0 = System.nanoTime(); long flops = 0;
                for (int rep = 0; rep < 300; rep++) for (int q = 0; q < panels; q++) {
                    if (which == 0) { p3x3(kc, a, q * kc * 3, b, 0, d, 0, 64); flops += 2L * kc * 72; }
                    else { p4x2(kc, a, q * kc * 4, b, 0, d, 0, 64); flops += 2L * kc * 64; }
                }
                long t = System.nanoTime() - t0;
                if (round > 3) System.out.printf("%s %.1f GFLOP/s%n", which == 0 ? "3x3" : "4x2", flops / (double) t);
            }
        }
    }
}
