package dev.secateur.tensor;

import dev.secateur.tensor.kernels.PackedSgemm;

/**
 * Dense single-precision matrix multiply, BLAS-style and row-major:
 * {@code C = alpha * op(A) * op(B) + beta * C} where op(X) is X or its transpose.
 * op(A) is m×k, op(B) is k×n, C is m×n. {@code beta == 0} means C is not read (NaNs in C
 * are overwritten), as in BLAS.
 */
public final class Gemm {
    private Gemm() {}

    /** Full BLAS-style call on the {@link Workers#shared() shared} pool. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(Workers.shared(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Full BLAS-style call on the given pool. */
    public static void sgemm(Workers workers, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        validate(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        PackedSgemm.sgemm(workers, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** C = A·B for 2-D tensors (a new tensor). */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, false, b, false);
    }

    /** C = op(A)·op(B) for 2-D tensors (a new tensor). */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul needs 2-D tensors, got " + a.shape() + " and " + b.shape());
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul inner dimensions differ: op(A) is " + m + "x" + k + " (A " + a.shape()
                    + (transA ? "ᵀ" : "") + "), op(B) is " + kb + "x" + n + " (B " + b.shape() + (transB ? "ᵀ" : "") + ")");
        }
        Tensor c = Tensor.zeros(m, n);
        sgemm(transA, transB, m, n, k, 1f, a.data(), a.offset(), a.dim(1), b.data(), b.offset(), b.dim(1),
                0f, c.data(), 0, n);
        return c;
    }

    static void validate(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        String dims = "sgemm(m=" + m + ", n=" + n + ", k=" + k + ", transA=" + transA + ", transB=" + transB
                + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative size in " + dims);
        if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("alpha and beta must be finite, got alpha=" + alpha + ", beta=" + beta + " in " + dims);
        }
        // op(A) is m×k: stored rows = transA ? k : m, stored cols = transA ? m : k.
        checkOperand("A", a, aOff, lda, transA ? k : m, transA ? m : k, dims);
        checkOperand("B", b, bOff, ldb, transB ? n : k, transB ? k : n, dims);
        checkOperand("C", c, cOff, ldc, m, n, dims);
    }

    private static void checkOperand(String name, float[] x, int off, int ld, int rows, int cols, String dims) {
        if (x == null) throw new IllegalArgumentException(name + " is null in " + dims);
        if (off < 0) throw new IllegalArgumentException(name + " offset " + off + " is negative in " + dims);
        if (rows == 0 || cols == 0) return;
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension of " + name + " (" + ld + ") is smaller than its " + cols
                    + " stored columns in " + dims);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (last > x.length) {
            throw new IllegalArgumentException(name + " needs " + last + " elements (" + rows + "x" + cols + ", ld " + ld
                    + ", offset " + off + ") but its array has " + x.length + " in " + dims);
        }
    }
}
