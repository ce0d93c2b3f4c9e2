// Scratch harness (bench/scripts/harness/run.sh BroadcastTiles): the batched dense layer's tile shapes alone,
// on L1-resident operands (K block 157, 16 lanes): S samples broadcast × V weight vectors per input, ns per
// vector FMA. With one vector (one broadcast per FMA) the broadcasts, not the FMAs, set the rate.
import jdk.incubator.vector.*;

public class BroadcastTiles {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

    static void s8v1(int kc, float[] w, float[] xp, float[] t) {
        FloatVector c0_0 = FloatVector.fromArray(S, t, 0);
        FloatVector c1_0 = FloatVector.fromArray(S, t, 16);
        FloatVector c2_0 = FloatVector.fromArray(S, t, 32);
        FloatVector c3_0 = FloatVector.fromArray(S, t, 48);
        FloatVector c4_0 = FloatVector.fromArray(S, t, 64);
        FloatVector c5_0 = FloatVector.fromArray(S, t, 80);
        FloatVector c6_0 = FloatVector.fromArray(S, t, 96);
        FloatVector c7_0 = FloatVector.fromArray(S, t, 112);
        for (int p = 0; p < kc; p++) {
            int o = p * 16, a = p * 8;
            FloatVector b0 = FloatVector.fromArray(S, w, o + 0);
            FloatVector x;
            x = FloatVector.broadcast(S, xp[a + 0]);
            c0_0 = x.fma(b0, c0_0);
            x = FloatVector.broadcast(S, xp[a + 1]);
            c1_0 = x.fma(b0, c1_0);
            x = FloatVector.broadcast(S, xp[a + 2]);
            c2_0 = x.fma(b0, c2_0);
            x = FloatVector.broadcast(S, xp[a + 3]);
            c3_0 = x.fma(b0, c3_0);
            x = FloatVector.broadcast(S, xp[a + 4]);
            c4_0 = x.fma(b0, c4_0);
            x = FloatVector.broadcast(S, xp[a + 5]);
            c5_0 = x.fma(b0, c5_0);
            x = FloatVector.broadcast(S, xp[a + 6]);
            c6_0 = x.fma(b0, c6_0);
            x = FloatVector.broadcast(S, xp[a + 7]);
            c7_0 = x.fma(b0, c7_0);
        }
        c0_0.intoArray(t, 0);
        c1_0.intoArray(t, 16);
        c2_0.intoArray(t, 32);
        c3_0.intoArray(t, 48);
        c4_0.intoArray(t, 64);
        c5_0.intoArray(t, 80);
        c6_0.intoArray(t, 96);
        c7_0.intoArray(t, 112);
    }

    static void s12v1(int kc, float[] w, float[] xp, float[] t) {
        FloatVector c0_0 = FloatVector.fromArray(S, t, 0);
        FloatVector c1_0 = FloatVector.fromArray(S, t, 16);
        FloatVector c2_0 = FloatVector.fromArray(S, t, 32);
        FloatVector c3_0 = FloatVector.fromArray(S, t, 48);
        FloatVector c4_0 = FloatVector.fromArray(S, t, 64);
        FloatVector c5_0 = FloatVector.fromArray(S, t, 80);
        FloatVector c6_0 = FloatVector.fromArray(S, t, 96);
        FloatVector c7_0 = FloatVector.fromArray(S, t, 112);
        FloatVector c8_0 = FloatVector.fromArray(S, t, 128);
        FloatVector c9_0 = FloatVector.fromArray(S, t, 144);
        FloatVector c10_0 = FloatVector.fromArray(S, t, 160);
        FloatVector c11_0 = FloatVector.fromArray(S, t, 176);
        for (int p = 0; p < kc; p++) {
            int o = p * 16, a = p * 12;
            FloatVector b0 = FloatVector.fromArray(S, w, o + 0);
            FloatVector x;
            x = FloatVector.broadcast(S, xp[a + 0]);
            c0_0 = x.fma(b0, c0_0);
            x = FloatVector.broadcast(S, xp[a + 1]);
            c1_0 = x.fma(b0, c1_0);
            x = FloatVector.broadcast(S, xp[a + 2]);
            c2_0 = x.fma(b0, c2_0);
            x = FloatVector.broadcast(S, xp[a + 3]);
            c3_0 = x.fma(b0, c3_0);
            x = FloatVector.broadcast(S, xp[a + 4]);
            c4_0 = x.fma(b0, c4_0);
            x = FloatVector.broadcast(S, xp[a + 5]);
            c5_0 = x.fma(b0, c5_0);
            x = FloatVector.broadcast(S, xp[a + 6]);
            c6_0 = x.fma(b0, c6_0);
            x = FloatVector.broadcast(S, xp[a + 7]);
            c7_0 = x.fma(b0, c7_0);
            x = FloatVector.broadcast(S, xp[a + 8]);
            c8_0 = x.fma(b0, c8_0);
            x = FloatVector.broadcast(S, xp[a + 9]);
            c9_0 = x.fma(b0, c9_0);
            x = FloatVector.broadcast(S, xp[a + 10]);
            c10_0 = x.fma(b0, c10_0);
            x = FloatVector.broadcast(S, xp[a + 11]);
            c11_0 = x.fma(b0, c11_0);
        }
        c0_0.intoArray(t, 0);
        c1_0.intoArray(t, 16);
        c2_0.intoArray(t, 32);
        c3_0.intoArray(t, 48);
        c4_0.intoArray(t, 64);
        c5_0.intoArray(t, 80);
        c6_0.intoArray(t, 96);
        c7_0.intoArray(t, 112);
        c8_0.intoArray(t, 128);
        c9_0.intoArray(t, 144);
        c10_0.intoArray(t, 160);
        c11_0.intoArray(t, 176);
    }

    static void s16v1(int kc, float[] w, float[] xp, float[] t) {
        FloatVector c0_0 = FloatVector.fromArray(S, t, 0);
        FloatVector c1_0 = FloatVector.fromArray(S, t, 16);
        FloatVector c2_0 = FloatVector.fromArray(S, t, 32);
        FloatVector c3_0 = FloatVector.fromArray(S, t, 48);
        FloatVector c4_0 = FloatVector.fromArray(S, t, 64);
        FloatVector c5_0 = FloatVector.fromArray(S, t, 80);
        FloatVector c6_0 = FloatVector.fromArray(S, t, 96);
        FloatVector c7_0 = FloatVector.fromArray(S, t, 112);
        FloatVector c8_0 = FloatVector.fromArray(S, t, 128);
        FloatVector c9_0 = FloatVector.fromArray(S, t, 144);
        FloatVector c10_0 = FloatVector.fromArray(S, t, 160);
        FloatVector c11_0 = FloatVector.fromArray(S, t, 176);
        FloatVector c12_0 = FloatVector.fromArray(S, t, 192);
        FloatVector c13_0 = FloatVector.fromArray(S, t, 208);
        FloatVector c14_0 = FloatVector.fromArray(S, t, 224);
        FloatVector c15_0 = FloatVector.fromArray(S, t, 240);
        for (int p = 0; p < kc; p++) {
            int o = p * 16, a = p * 16;
            FloatVector b0 = FloatVector.fromArray(S, w, o + 0);
            FloatVector x;
            x = FloatVector.broadcast(S, xp[a + 0]);
            c0_0 = x.fma(b0, c0_0);
            x = FloatVector.broadcast(S, xp[a + 1]);
            c1_0 = x.fma(b0, c1_0);
            x = FloatVector.broadcast(S, xp[a + 2]);
            c2_0 = x.fma(b0, c2_0);
            x = FloatVector.broadcast(S, xp[a + 3]);
            c3_0 = x.fma(b0, c3_0);
            x = FloatVector.broadcast(S, xp[a + 4]);
            c4_0 = x.fma(b0, c4_0);
            x = FloatVector.broadcast(S, xp[a + 5]);
            c5_0 = x.fma(b0, c5_0);
            x = FloatVector.broadcast(S, xp[a + 6]);
            c6_0 = x.fma(b0, c6_0);
            x = FloatVector.broadcast(S, xp[a + 7]);
            c7_0 = x.fma(b0, c7_0);
            x = FloatVector.broadcast(S, xp[a + 8]);
            c8_0 = x.fma(b0, c8_0);
            x = FloatVector.broadcast(S, xp[a + 9]);
            c9_0 = x.fma(b0, c9_0);
            x = FloatVector.broadcast(S, xp[a + 10]);
            c10_0 = x.fma(b0, c10_0);
            x = FloatVector.broadcast(S, xp[a + 11]);
            c11_0 = x.fma(b0, c11_0);
            x = FloatVector.broadcast(S, xp[a + 12]);
            c12_0 = x.fma(b0, c12_0);
            x = FloatVector.broadcast(S, xp[a + 13]);
            c13_0 = x.fma(b0, c13_0);
            x = FloatVector.broadcast(S, xp[a + 14]);
            c14_0 = x.fma(b0, c14_0);
            x = FloatVector.broadcast(S, xp[a + 15]);
            c15_0 = x.fma(b0, c15_0);
        }
        c0_0.intoArray(t, 0);
        c1_0.intoArray(t, 16);
        c2_0.intoArray(t, 32);
        c3_0.intoArray(t, 48);
        c4_0.intoArray(t, 64);
        c5_0.intoArray(t, 80);
        c6_0.intoArray(t, 96);
        c7_0.intoArray(t, 112);
        c8_0.intoArray(t, 128);
        c9_0.intoArray(t, 144);
        c10_0.intoArray(t, 160);
        c11_0.intoArray(t, 176);
        c12_0.intoArray(t, 192);
        c13_0.intoArray(t, 208);
        c14_0.intoArray(t, 224);
        c15_0.intoArray(t, 240);
    }

    static void s8v2(int kc, float[] w, float[] xp, float[] t) {
        FloatVector c0_0 = FloatVector.fromArray(S, t, 0);
        FloatVector c0_1 = FloatVector.fromArray(S, t, 16);
        FloatVector c1_0 = FloatVector.fromArray(S, t, 32);
        FloatVector c1_1 = FloatVector.fromArray(S, t, 48);
        FloatVector c2_0 = FloatVector.fromArray(S, t, 64);
        FloatVector c2_1 = FloatVector.fromArray(S, t, 80);
        FloatVector c3_0 = FloatVector.fromArray(S, t, 96);
        FloatVector c3_1 = FloatVector.fromArray(S, t, 112);
        FloatVector c4_0 = FloatVector.fromArray(S, t, 128);
        FloatVector c4_1 = FloatVector.fromArray(S, t, 144);
        FloatVector c5_0 = FloatVector.fromArray(S, t, 160);
        FloatVector c5_1 = FloatVector.fromArray(S, t, 176);
        FloatVector c6_0 = FloatVector.fromArray(S, t, 192);
        FloatVector c6_1 = FloatVector.fromArray(S, t, 208);
        FloatVector c7_0 = FloatVector.fromArray(S, t, 224);
        FloatVector c7_1 = FloatVector.fromArray(S, t, 240);
        for (int p = 0; p < kc; p++) {
            int o = p * 32, a = p * 8;
            FloatVector b0 = FloatVector.fromArray(S, w, o + 0);
            FloatVector b1 = FloatVector.fromArray(S, w, o + 16);
            FloatVector x;
            x = FloatVector.broadcast(S, xp[a + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = FloatVector.broadcast(S, xp[a + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = FloatVector.broadcast(S, xp[a + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = FloatVector.broadcast(S, xp[a + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = FloatVector.broadcast(S, xp[a + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = FloatVector.broadcast(S, xp[a + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
            x = FloatVector.broadcast(S, xp[a + 6]);
            c6_0 = x.fma(b0, c6_0);
            c6_1 = x.fma(b1, c6_1);
            x = FloatVector.broadcast(S, xp[a + 7]);
            c7_0 = x.fma(b0, c7_0);
            c7_1 = x.fma(b1, c7_1);
        }
        c0_0.intoArray(t, 0);
        c0_1.intoArray(t, 16);
        c1_0.intoArray(t, 32);
        c1_1.intoArray(t, 48);
        c2_0.intoArray(t, 64);
        c2_1.intoArray(t, 80);
        c3_0.intoArray(t, 96);
        c3_1.intoArray(t, 112);
        c4_0.intoArray(t, 128);
        c4_1.intoArray(t, 144);
        c5_0.intoArray(t, 160);
        c5_1.intoArray(t, 176);
        c6_0.intoArray(t, 192);
        c6_1.intoArray(t, 208);
        c7_0.intoArray(t, 224);
        c7_1.intoArray(t, 240);
    }

    public static void main(String[] args) {
        int kc = 157;
        float[] w = new float[kc * 32], xp = new float[kc * 16], t = new float[16 * 16 * 2];
        for (int i = 0; i < w.length; i++) w[i] = 0.001f * (i % 7);
        for (int i = 0; i < xp.length; i++) xp[i] = 0.001f * (i % 5);
        String[] names = {"8 samples x 1 vector", "12 samples x 1 vector", "16 samples x 1 vector", "8 samples x 2 vectors"};
        int[] fmas = {8, 12, 16, 16};
        for (int round = 0; round < 6; round++) {
            for (int k = 0; k < names.length; k++) {
                int reps = 200_000;
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    switch (k) {
                        case 0 -> s8v1(kc, w, xp, t);
                        case 1 -> s12v1(kc, w, xp, t);
                        case 2 -> s16v1(kc, w, xp, t);
                        default -> s8v2(kc, w, xp, t);
                    }
                }
                double ns = (double) (System.nanoTime() - t0) / reps / kc / fmas[k];
                if (round >= 3) System.out.printf("%s: %.3f ns per FMA%n", names[k], ns);
            }
        }
    }
}
