package dev.secateur.tensor.sparse;

import dev.secateur.tensor.platform.VectorPlatform;

/**
 * One storage format of {@link SparseMatrix}, as the registry ({@link SparseFormats}) and the
 * kernel choice ({@link FormatPolicy}) see it: its name, the vector width its kernels are written
 * for, when it is worth building, how to build it.
 */
public interface SparseFormat {
    /** The name its matrices report as {@link SparseMatrix#format()}, e.g. {@code "csr"}. */
    String name();

    /**
     * Float lanes of the vectors its kernels use (16 for the 16-row slice formats); 0 when they
     * use the platform's preferred width or none.
     */
    int lanes();

    /**
     * Whether its kernels compile to SIMD instructions on this platform (else they would crawl):
     * by default, whether vectors of {@link #lanes()} floats are SIMD here.
     */
    default boolean runsHere() {
        return lanes() == 0 || VectorPlatform.supportsLanes(lanes());
    }

    /** Whether the kernel choice may pick it by itself (int8 changes the numbers: no). */
    default boolean automatic() {
        return true;
    }

    /** Whether it can hold {@code p} and is made for products with {@code batch} columns (cheap, before building). */
    default boolean suits(WeightPattern p, int batch) {
        return true;
    }

    /** The matrix of this format over the kept entries of a dense row-major weight. */
    SparseMatrix build(float[] dense, int rows, int cols, boolean[] mask);

    /**
     * Whether a built matrix is worth timing: its padding leaves it a chance against the others.
     * Formats that pad (blocks, slices) bound the stored slots per kept weight here.
     */
    default boolean worthTiming(SparseMatrix built, WeightPattern p, int batch) {
        return true;
    }
}
