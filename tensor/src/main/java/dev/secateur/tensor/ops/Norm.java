package dev.secateur.tensor.ops;

/** Which magnitude a {@link Magnitude} reduction computes over a group of weights. */
public enum Norm {
    /** Σ |x|. */
    L1,
    /** sqrt(Σ x²), the Euclidean norm. */
    L2,
    /** max |x| (0 for an empty group). */
    MAX_ABS
}
