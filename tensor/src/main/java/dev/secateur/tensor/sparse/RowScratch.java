package dev.secateur.tensor.sparse;

/**
 * Each thread's two scratch rows of floats: {@link #atLeast} for sums of kernels that compute rows
 * in another order than they store them, {@link #input} for a copy of an input vector (moved to
 * offset 0, or padded). Grown on demand and kept for the thread's life, so a product allocates
 * nothing once its thread has seen the widest matrix.
 */
final class RowScratch {
    private static final ThreadLocal<float[]> ROWS = ThreadLocal.withInitial(() -> new float[1024]);
    private static final ThreadLocal<float[]> INPUTS = ThreadLocal.withInitial(() -> new float[1024]);

    private RowScratch() {}

    /** This thread's scratch for sums, at least {@code n} floats long; its contents are undefined. */
    static float[] atLeast(int n) {
        float[] a = ROWS.get();
        if (a.length < n) {
            a = new float[Math.max(n, 2 * a.length)];
            ROWS.set(a);
        }
        return a;
    }

    /** This thread's scratch for an input vector, distinct from {@link #atLeast}'s; contents undefined. */
    static float[] input(int n) {
        float[] a = INPUTS.get();
        if (a.length < n) {
            a = new float[Math.max(n, 2 * a.length)];
            INPUTS.set(a);
        }
        return a;
    }
}
