package dev.secateur.tensor.platform;

/**
 * Scalar fused multiply-add where the CPU has it, multiply-then-add where it does not: without
 * an FMA instruction the JVM computes {@code Math.fma} exactly in software, hundreds of times
 * slower than two rounded operations. {@link VectorPlatform#FMA} is a constant, so the JIT keeps
 * one branch.
 *
 * <p>Vector kernels do the same with a private helper of their own class (one per vector shape
 * they use): a vector helper shared by all kernels would see every vector shape, and C2 would
 * compile it standalone into generic code too big to inline, boxing every vector it touches.
 */
public final class Fma {
    private Fma() {}

    /** {@code a·b + c}, fused when the CPU has FMA. */
    public static float fma(float a, float b, float c) {
        return VectorPlatform.FMA ? Math.fma(a, b, c) : a * b + c;
    }
}
