package dev.secateur.tensor.platform;

/**
 * Scalar fused multiply-add where the CPU has it, multiply-then-add where it does not: without
 * an FMA instruction the JVM computes {@code Math.fma} exactly in software, hundreds of times
 * slower than two rounded operations. {@link VectorPlatform#FMA} is a constant, so the JIT keeps
 * one branch.
 *
 * <p>Vector kernels write the same choice inline, {@code FMA ? a.fma(b, c) : a.mul(b).add(c)}
 * with a {@code static final} copy of {@link VectorPlatform#FMA}: a vector passed to a method
 * that C2 leaves un-inlined (a shared helper sees every vector shape and compiles into generic
 * code too big to inline; a big kernel body runs out of inlining budget) is boxed, one
 * allocation per operation.
 */
public final class Fma {
    private Fma() {}

    /** {@code a·b + c}, fused when the CPU has FMA. */
    public static float fma(float a, float b, float c) {
        return VectorPlatform.FMA ? Math.fma(a, b, c) : a * b + c;
    }
}
