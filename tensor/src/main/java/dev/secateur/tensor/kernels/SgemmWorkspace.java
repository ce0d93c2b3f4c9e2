package dev.secateur.tensor.kernels;

/**
 * Per-thread scratch memory of the GEMM kernels: packed A and B blocks, one C edge tile and two
 * vector buffers for GEMV. Arrays only grow, so after the first call of a given size a thread
 * multiplies without allocating.
 */
final class SgemmWorkspace {
    private static final ThreadLocal<SgemmWorkspace> PER_THREAD = ThreadLocal.withInitial(SgemmWorkspace::new);

    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    private float[] vector = new float[0];
    private float[] accumulator = new float[0];
    final float[] tile = new float[SgemmMicroKernel.MR * SgemmMicroKernel.NR];
    /** A gather index map, one vector of lanes. */
    final int[] index = new int[SgemmMicroKernel.S.length()];

    static SgemmWorkspace get() {
        return PER_THREAD.get();
    }

    float[] packedA(int size) {
        if (packedA.length < size) packedA = new float[size];
        return packedA;
    }

    float[] packedB(int size) {
        if (packedB.length < size) packedB = new float[size];
        return packedB;
    }

    float[] accumulator(int size) {
        if (accumulator.length < size) accumulator = new float[size];
        return accumulator;
    }

    float[] vector(int size) {
        if (vector.length < size) vector = new float[size];
        return vector;
    }
}
