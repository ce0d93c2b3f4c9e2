package dev.secateur.tensor.platform;

import jdk.incubator.vector.FloatVector;

/**
 * Fused multiply-add where the CPU has it, multiply-then-add where it does not. Without an FMA
 * instruction the JVM computes {@code Math.fma} and {@code FloatVector.fma} exactly in software,
 * hundreds of times slower than two rounded operations; every kernel calls these instead.
 * {@link VectorPlatform#FMA} is a constant, so the JIT keeps only one branch.
 */
public final class Fma {
    private Fma() {}

    /** {@code a·b + c}, fused when the CPU has FMA. */
    public static FloatVector fma(FloatVector a, FloatVector b, FloatVector c) {
        return VectorPlatform.FMA ? a.fma(b, c) : a.mul(b).add(c);
    }

    /** {@code a·b + c}, fused when the CPU has FMA. */
    public static float fma(float a, float b, float c) {
        return VectorPlatform.FMA ? Math.fma(a, b, c) : a * b + c;
    }
}
