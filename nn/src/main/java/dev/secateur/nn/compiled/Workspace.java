package dev.secateur.nn.compiled;

/**
 * One calling thread's buffers for running a compiled model: activation buffers (id 0 is the
 * caller's input, never written), and one scratch array per worker thread (im2col patches and
 * compaction copies). Buffers only grow, so after the first call with the largest batch a call
 * allocates nothing.
 */
final class Workspace {
    private final int[] perSample;
    final float[][] bufs;
    final int[] offs;
    private final float[][] scratch;
    private int capacity;

    /** @param perSample floats per sample of each activation buffer (index 0: the input) */
    Workspace(int[] perSample, int workers) {
        this.perSample = perSample.clone();
        this.bufs = new float[perSample.length][];
        this.offs = new int[perSample.length];
        this.scratch = new float[Math.max(1, workers)][];
        for (int t = 0; t < scratch.length; t++) scratch[t] = new float[0];
    }

    /** Points buffer 0 at the caller's input. */
    void bindInput(float[] x, int off) {
        bufs[0] = x;
        offs[0] = off;
    }

    /** Makes every activation buffer hold {@code n} samples. */
    void ensure(int n) {
        if (n <= capacity) return;
        for (int id = 1; id < bufs.length; id++) bufs[id] = new float[Math.max(1, perSample[id] * n)];
        capacity = n;
    }

    /** Worker {@code t}'s scratch with at least {@code size} floats (each worker touches only its own). */
    float[] scratch(int t, int size) {
        float[] s = scratch[t];
        if (s.length < size) scratch[t] = s = new float[size];
        return s;
    }

    int workers() { return scratch.length; }
}
