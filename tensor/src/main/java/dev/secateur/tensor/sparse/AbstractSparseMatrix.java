package dev.secateur.tensor.sparse;

import dev.secateur.tensor.Workers;

/**
 * Argument checks and the split over threads shared by every format. A format splits its output
 * rows into "units" (a row, or a block of R rows) and implements two range kernels over units;
 * this class validates the call and hands each thread a contiguous unit range whose work
 * (stored entries) is balanced, computed once at build time.
 */
abstract class AbstractSparseMatrix {
    final int rows;
    final int cols;
    final long nonZeros;
    private final Partition partition;

    AbstractSparseMatrix(int rows, int cols, long nonZeros, Partition partition) {
        this.rows = rows;
        this.cols = cols;
        this.nonZeros = nonZeros;
        this.partition = partition;
    }

    public final int rows() { return rows; }

    public final int cols() { return cols; }

    public final long nonZeros() { return nonZeros; }

    /** Units of the thread split. */
    final int units() { return partition.units(); }

    /** Unit bounds of {@code threads} balanced ranges. */
    final int[] bounds(int threads) { return partition.bounds(threads); }

    /** Batch-1 kernel over units {@code [u0, u1)}. Arguments are already validated. */
    abstract void vectorRange(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1);

    /** Batch-N kernel (batch ≥ 2) over units {@code [u0, u1)}. Arguments are already validated. */
    abstract void batchRange(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu,
                             int u0, int u1);

    public final void multiplyVector(float[] x, int xOff, float[] y, int yOff, float[] bias, boolean relu) {
        check(x, xOff, 1, y, yOff, bias);
        vectorRange(x, xOff, y, yOff, bias, relu, 0, partition.units());
    }

    public void multiplyBatch(Workers workers, float[] x, int xOff, int batch, float[] y, int yOff,
                                    float[] bias, boolean relu) {
        if (workers == null) throw new IllegalArgumentException("workers is null");
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        check(x, xOff, batch, y, yOff, bias);
        if (batch == 0) return;
        int units = partition.units();
        int threads = Math.min(workers.threads(), units);
        if (threads <= 1) {
            run(x, xOff, batch, y, yOff, bias, relu, 0, units);
            return;
        }
        int[] bounds = partition.bounds(threads);
        workers.forEach(threads, t -> run(x, xOff, batch, y, yOff, bias, relu, bounds[t], bounds[t + 1]));
    }

    private void run(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias, boolean relu, int u0, int u1) {
        if (u0 >= u1) return;
        if (batch == 1) vectorRange(x, xOff, y, yOff, bias, relu, u0, u1);
        else batchRange(x, xOff, batch, y, yOff, bias, relu, u0, u1);
    }

    final void check(float[] x, int xOff, int batch, float[] y, int yOff, float[] bias) {
        checkOperand("x", x, xOff, (long) cols * batch, batch);
        checkOperand("y", y, yOff, (long) rows * batch, batch);
        if (bias != null && bias.length < rows) {
            throw new IllegalArgumentException("bias has " + bias.length + " elements, the matrix has " + rows + " rows ("
                    + rows + "x" + cols + ")");
        }
        if (x == y && batch > 0 && rows > 0 && cols > 0) {
            long x0 = xOff, x1 = xOff + (long) cols * batch, y0 = yOff, y1 = yOff + (long) rows * batch;
            if (x0 < y1 && y0 < x1) {
                throw new IllegalArgumentException("x [" + x0 + ", " + x1 + ") and y [" + y0 + ", " + y1
                        + ") overlap in the same array");
            }
        }
    }

    private void checkOperand(String name, float[] a, int off, long needed, int batch) {
        if (a == null || off < 0 || off + needed > a.length) {
            // The message is built only on failure: a valid call allocates nothing.
            String shape = (name.equals("x") ? cols : rows) + (batch == 1 ? "" : "x" + batch);
            if (a == null) {
                throw new IllegalArgumentException(name + " is null (needs " + shape + " floats for a " + rows + "x" + cols + " matrix)");
            }
            if (off < 0) throw new IllegalArgumentException(name + " offset " + off + " is negative");
            throw new IllegalArgumentException(name + " needs " + needed + " floats [" + shape + "] at offset " + off
                    + " but its array has " + a.length + " (matrix " + rows + "x" + cols + ", batch " + batch + ")");
        }
    }
}
