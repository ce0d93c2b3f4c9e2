package dev.secateur.tensor.sparse;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** Kernels of {@link NmMatrix} over a row range; arguments were validated by the caller. */
final class NmKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private NmKernels() {}

    /** N = 2: one offset byte per group; two groups per step for four independent sums. */
    static void vector2(NmMatrix a, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                        int r0, int r1) {
        float[] v = a.values;
        byte[] off = a.offsets;
        int m = a.m, groups = a.groups;
        for (int r = r0; r < r1; r++) {
            int p = r * a.rowSlots, xb = xOff, g = 0;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (; g + 1 < groups; g += 2, p += 4, xb += 2 * m) {
                int b0 = off[p >> 1], b1 = off[(p >> 1) + 1];
                s0 = Math.fma(v[p], x[xb + (b0 & 15)], s0);
                s1 = Math.fma(v[p + 1], x[xb + ((b0 >>> 4) & 15)], s1);
                s2 = Math.fma(v[p + 2], x[xb + m + (b1 & 15)], s2);
                s3 = Math.fma(v[p + 3], x[xb + m + ((b1 >>> 4) & 15)], s3);
            }
            if (g < groups) {
                int b0 = off[p >> 1];
                s0 = Math.fma(v[p], x[xb + (b0 & 15)], s0);
                s1 = Math.fma(v[p + 1], x[xb + ((b0 >>> 4) & 15)], s1);
            }
            y[yOff + r] = Epilogue.scalar((s0 + s1) + (s2 + s3), bias, r, relu);
        }
    }

    /** Any N: slot by slot, two sums alternating. */
    static void vector(NmMatrix a, float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu,
                       int r0, int r1) {
        float[] v = a.values;
        int m = a.m, n = a.n, groups = a.groups;
        for (int r = r0; r < r1; r++) {
            int p = r * a.rowSlots, xb = xOff;
            float s0 = 0f, s1 = 0f;
            for (int g = 0; g < groups; g++, xb += m) {
                for (int j = 0; j < n; j++, p++) {
                    float t = v[p] * x[xb + a.offset(p)];
                    if ((j & 1) == 0) s0 += t;
                    else s1 += t;
                }
            }
            y[yOff + r] = Epilogue.scalar(s0 + s1, bias, r, relu);
        }
    }

    /** Y = W·X with X [K, n]: as CSR batch, with the column implied by group and offset. */
    static void batch(NmMatrix a, float[] x, int xOff, int nb, float[] y, int yOff, float[] bias, boolean relu,
                      int r0, int r1) {
        float[] v = a.values;
        int m = a.m, n = a.n, groups = a.groups;
        int slots = groups * n;
        for (int r = r0; r < r1; r++) {
            int p0 = r * a.rowSlots;
            float b = bias == null ? 0f : bias[r];
            int yo = yOff + r * nb;
            int j = 0;
            for (; j + 4 * L <= nb; j += 4 * L) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                int xg = xOff + j, jj = 0;
                for (int p = p0; p < p0 + slots; p++) {
                    int xo = xg + a.offset(p) * nb;
                    FloatVector w = FloatVector.broadcast(S, v[p]);
                    a0 = FloatVector.fromArray(S, x, xo).fma(w, a0);
                    a1 = FloatVector.fromArray(S, x, xo + L).fma(w, a1);
                    a2 = FloatVector.fromArray(S, x, xo + 2 * L).fma(w, a2);
                    a3 = FloatVector.fromArray(S, x, xo + 3 * L).fma(w, a3);
                    if (++jj == n) {
                        jj = 0;
                        xg += m * nb;
                    }
                }
                Epilogue.store(a0, b, relu, y, yo + j);
                Epilogue.store(a1, b, relu, y, yo + j + L);
                Epilogue.store(a2, b, relu, y, yo + j + 2 * L);
                Epilogue.store(a3, b, relu, y, yo + j + 3 * L);
            }
            for (; j < nb; j += L) {
                VectorMask<Float> t = S.indexInRange(j, nb);
                FloatVector a0 = FloatVector.zero(S);
                int xg = xOff + j, jj = 0;
                for (int p = p0; p < p0 + slots; p++) {
                    int xo = xg + a.offset(p) * nb;
                    a0 = FloatVector.fromArray(S, x, xo, t).fma(FloatVector.broadcast(S, v[p]), a0);
                    if (++jj == n) {
                        jj = 0;
                        xg += m * nb;
                    }
                }
                Epilogue.store(a0, b, relu, y, yo + j, t);
            }
        }
    }
}
