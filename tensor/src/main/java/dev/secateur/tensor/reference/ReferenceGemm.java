package dev.secateur.tensor.reference;

/**
 * Scalar GEMM with float64 accumulation: C = alpha * op(A) * op(B) + beta * C, with BLAS
 * conventions (row-major, leading dimensions). The yardstick for every SIMD GEMM.
 */
public final class ReferenceGemm {
    private ReferenceGemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                double prev = beta == 0 ? 0 : beta * (double) c[ci];
                c[ci] = (float) (alpha * s + prev);
            }
        }
    }

    /** Σ_p |op(A)[i,p] * op(B)[p,j]| for every (i, j): the scale for rounding-error tolerances. */
    public static double[] absProducts(boolean transA, boolean transB, int m, int n, int k,
                                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += Math.abs(av * bv);
                }
                out[i * n + j] = s;
            }
        }
        return out;
    }
}
