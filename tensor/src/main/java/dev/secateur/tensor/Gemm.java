package dev.secateur.tensor;

import dev.secateur.tensor.kernels.PackedSgemm;
import dev.secateur.tensor.kernels.PackedWeight;

/**
 * Dense single-precision matrix multiply, BLAS-style and row-major:
 * {@code C = alpha * op(A) * op(B) + beta * C} where op(X) is X or its transpose.
 * op(A) is m×k, op(B) is k×n, C is m×n. {@code beta == 0} means C is not read (NaNs in C
 * are overwritten), as in BLAS.
 *
 * <p>A constant left operand (a layer weight) can be packed once with {@link #prepackA} and then
 * multiplied many times with {@link #sgemm(Workers, PackedWeight, int, int, int, float, boolean,
 * float[], int, int, float, float[], int, int)}: same results, bit for bit, without re-packing
 * A on every call.
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

    /**
     * Packs op(A) (m×k; A stored m×k, or k×m when {@code transA}, leading dimension {@code lda})
     * once, for repeated products with {@link #sgemm(Workers, PackedWeight, int, int, int, float,
     * boolean, float[], int, int, float, float[], int, int)}. The packed copy takes about as much
     * memory as A (rows rounded up to {@link PackedWeight#PANEL_ROWS}).
     */
    public static PackedWeight prepackA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        String problem = m < 0 || k < 0 ? "negative size"
                : checkOperand("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        if (problem != null) {
            throw new IllegalArgumentException(problem + " in prepackA(m=" + m + ", k=" + k + ", transA=" + transA
                    + ", lda=" + lda + ")");
        }
        return PackedWeight.pack(transA, m, k, a, aOff, lda);
    }

    /** {@code C = alpha·A·op(B) + beta·C} for all rows of the pre-packed A (C is m×n). */
    public static void sgemm(Workers workers, PackedWeight a, int n, float alpha, boolean transB,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (a == null) throw new IllegalArgumentException("packed A is null in sgemm(n=" + n + ")");
        sgemm(workers, a, 0, a.rows(), n, alpha, transB, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * {@code C = alpha·A[rowStart..rowEnd)·op(B) + beta·C} with A pre-packed ({@link #prepackA}):
     * op(B) is k×n, C is (rowEnd−rowStart)×n and its row 0 is A's row {@code rowStart}, which must
     * be a multiple of {@link PackedWeight#PANEL_ROWS} (a whole packed panel). For n above
     * {@link PackedSgemm#PACKED_GEMV_MAX_N} results equal the unpacked {@code sgemm} bit for bit;
     * fewer columns run a GEMV over the packed panels (each weight read once, with its own fixed
     * summation order). Thread count never changes the result.
     */
    public static void sgemm(Workers workers, PackedWeight a, int rowStart, int rowEnd, int n, float alpha,
                             boolean transB, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        String problem = null;
        if (workers == null) problem = "workers is null";
        else if (a == null) problem = "packed A is null";
        else if (n < 0) problem = "negative size";
        else if (rowStart < 0 || rowEnd < rowStart || rowEnd > a.rows()) {
            problem = "row range [" + rowStart + ", " + rowEnd + ") is not inside the " + a.rows() + " rows of A";
        } else if (rowStart % PackedWeight.PANEL_ROWS != 0) {
            problem = "row range start " + rowStart + " is not a multiple of " + PackedWeight.PANEL_ROWS;
        } else if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
            problem = "alpha and beta must be finite, got alpha=" + alpha + ", beta=" + beta;
        } else {
            int k = a.cols();
            problem = checkOperand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
            if (problem == null) problem = checkOperand("C", c, cOff, ldc, rowEnd - rowStart, n);
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem + " in sgemm(packed A " + (a == null ? "null" : a.rows() + "x" + a.cols())
                    + ", rows [" + rowStart + ", " + rowEnd + "), n=" + n + ", transB=" + transB + ", ldb=" + ldb
                    + ", ldc=" + ldc + ")");
        }
        PackedSgemm.sgemm(workers, a, rowStart, rowEnd, n, alpha, transB, b, bOff, ldb, beta, c, cOff, ldc);
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
