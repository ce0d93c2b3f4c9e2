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
        // The message text is built only on failure: a valid call allocates nothing.
        if (m < 0 || n < 0 || k < 0) throw bad("negative size", transA, transB, m, n, k, lda, ldb, ldc);
        if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
            throw bad("alpha and beta must be finite, got alpha=" + alpha + ", beta=" + beta, transA, transB, m, n, k, lda, ldb, ldc);
        }
        // op(A) is m×k: stored rows = transA ? k : m, stored cols = transA ? m : k.
        String problem = checkOperand("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        if (problem == null) problem = checkOperand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        if (problem == null) problem = checkOperand("C", c, cOff, ldc, m, n);
        if (problem != null) throw bad(problem, transA, transB, m, n, k, lda, ldb, ldc);
    }

    private static IllegalArgumentException bad(String problem, boolean transA, boolean transB, int m, int n, int k,
                                                int lda, int ldb, int ldc) {
        return new IllegalArgumentException(problem + " in sgemm(m=" + m + ", n=" + n + ", k=" + k + ", transA=" + transA
                + ", transB=" + transB + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")");
    }

    /** What is wrong with one operand, or null. */
    private static String checkOperand(String name, float[] x, int off, int ld, int rows, int cols) {
        if (x == null) return name + " is null";
        if (off < 0) return name + " offset " + off + " is negative";
        if (rows == 0 || cols == 0) return null;
        if (ld < cols) return "leading dimension of " + name + " (" + ld + ") is smaller than its " + cols + " stored columns";
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (last > x.length) {
            return name + " needs " + last + " elements (" + rows + "x" + cols + ", ld " + ld + ", offset " + off
                    + ") but its array has " + x.length;
        }
        return null;
    }
}
