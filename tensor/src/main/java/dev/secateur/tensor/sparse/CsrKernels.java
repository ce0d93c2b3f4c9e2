package dev.secateur.tensor.sparse;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** CSR kernels over a row range; arguments were validated by the caller. */
final class CsrKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CsrKernels() {}

    /** y = W·x: four accumulators per row hide the FMA latency; the loads are the limit. */
    static void vector(float[] v, char[] d, int[] ptr, float[] x, int xOff, float[] y, int yOff,
                       float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p = ptr[r], e = ptr[r + 1];
            int c = xOff;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (; p + 3 < e; p += 4) {
                c += d[p];
                s0 = Math.fma(v[p], x[c], s0);
                c += d[p + 1];
                s1 = Math.fma(v[p + 1], x[c], s1);
                c += d[p + 2];
                s2 = Math.fma(v[p + 2], x[c], s2);
                c += d[p + 3];
                s3 = Math.fma(v[p + 3], x[c], s3);
            }
            for (; p < e; p++) {
                c += d[p];
                s0 = Math.fma(v[p], x[c], s0);
            }
            y[yOff + r] = Epilogue.scalar((s0 + s1) + (s2 + s3), bias, r, relu);
        }
    }

    /**
     * Y = W·X with X [K, n]: broadcast each weight, FMA against the batch vectors of its input
     * row. Chunks of 4 vectors use 8 accumulators (two entries in flight) so both FMA pipes stay
     * busy; then single vectors, then a masked tail.
     */
    static void batch(float[] v, char[] d, int[] ptr, float[] x, int xOff, int n, float[] y, int yOff,
                      float[] bias, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int p0 = ptr[r], e = ptr[r + 1];
            float b = bias == null ? 0f : bias[r];
            int yo = yOff + r * n;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
                int xo = xOff + j, p = p0;
                for (; p + 1 < e; p += 2) {
                    xo += d[p] * n;
                    FloatVector w = FloatVector.broadcast(S, v[p]);
                    a0 = FloatVector.fromArray(S, x, xo).fma(w, a0);
                    a1 = FloatVector.fromArray(S, x, xo + L).fma(w, a1);
                    a2 = FloatVector.fromArray(S, x, xo + 2 * L).fma(w, a2);
                    a3 = FloatVector.fromArray(S, x, xo + 3 * L).fma(w, a3);
                    xo += d[p + 1] * n;
                    FloatVector u = FloatVector.broadcast(S, v[p + 1]);
                    c0 = FloatVector.fromArray(S, x, xo).fma(u, c0);
                    c1 = FloatVector.fromArray(S, x, xo + L).fma(u, c1);
                    c2 = FloatVector.fromArray(S, x, xo + 2 * L).fma(u, c2);
                    c3 = FloatVector.fromArray(S, x, xo + 3 * L).fma(u, c3);
                }
                if (p < e) {
                    xo += d[p] * n;
                    FloatVector w = FloatVector.broadcast(S, v[p]);
                    a0 = FloatVector.fromArray(S, x, xo).fma(w, a0);
                    a1 = FloatVector.fromArray(S, x, xo + L).fma(w, a1);
                    a2 = FloatVector.fromArray(S, x, xo + 2 * L).fma(w, a2);
                    a3 = FloatVector.fromArray(S, x, xo + 3 * L).fma(w, a3);
                }
                Epilogue.store(a0.add(c0), b, relu, y, yo + j);
                Epilogue.store(a1.add(c1), b, relu, y, yo + j + L);
                Epilogue.store(a2.add(c2), b, relu, y, yo + j + 2 * L);
                Epilogue.store(a3.add(c3), b, relu, y, yo + j + 3 * L);
            }
            for (; j + L <= n; j += L) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0;
                int xo = xOff + j, p = p0;
                for (; p + 1 < e; p += 2) {
                    xo += d[p] * n;
                    a0 = FloatVector.fromArray(S, x, xo).fma(FloatVector.broadcast(S, v[p]), a0);
                    xo += d[p + 1] * n;
                    a1 = FloatVector.fromArray(S, x, xo).fma(FloatVector.broadcast(S, v[p + 1]), a1);
                }
                if (p < e) {
                    xo += d[p] * n;
                    a0 = FloatVector.fromArray(S, x, xo).fma(FloatVector.broadcast(S, v[p]), a0);
                }
                Epilogue.store(a0.add(a1), b, relu, y, yo + j);
            }
            if (j < n) {
                VectorMask<Float> m = S.indexInRange(j, n);
                FloatVector a0 = FloatVector.zero(S);
                int xo = xOff + j;
                for (int p = p0; p < e; p++) {
                    xo += d[p] * n;
                    a0 = FloatVector.fromArray(S, x, xo, m).fma(FloatVector.broadcast(S, v[p]), a0);
                }
                Epilogue.store(a0, b, relu, y, yo + j, m);
            }
        }
    }
}
