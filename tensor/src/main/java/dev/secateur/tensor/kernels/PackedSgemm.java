package dev.secateur.tensor.kernels;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.reference.ReferenceGemm;

/** Placeholder: the packed BLIS-style kernel replaces this (issue 2). Arguments are validated by Gemm. */
public final class PackedSgemm {
    private PackedSgemm() {}

    public static void sgemm(Workers workers, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        ReferenceGemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
