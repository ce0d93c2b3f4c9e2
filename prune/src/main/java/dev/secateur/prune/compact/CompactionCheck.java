package dev.secateur.prune.compact;

import dev.secateur.nn.Model;
import dev.secateur.tensor.Tensor;

/**
 * Runs the masked and the compacted model on the same inputs and fails if any output differs by
 * more than {@code tolerance × max(1, max|y|)} (the compacted layers sum fewer terms, so float
 * rounding differs slightly; anything larger is a compaction bug, e.g. a removed filter whose
 * bias or BatchNorm shift still mattered).
 */
public final class CompactionCheck {
    /** The default tolerance of the check. */
    public static final double TOLERANCE = 1e-5;

    private CompactionCheck() {}

    /** Largest absolute output difference between {@code a} and {@code b} on {@code x}. */
    public static double maxDifference(Model a, Model b, Tensor x) {
        float[] ya = a.predict(x).toArray();
        float[] yb = b.predict(x).toArray();
        if (ya.length != yb.length) throw new IllegalArgumentException("outputs have " + ya.length + " and " + yb.length + " elements");
        double max = 0;
        for (int i = 0; i < ya.length; i++) max = Math.max(max, Math.abs((double) ya[i] - yb[i]));
        return max;
    }

    /** Throws IllegalStateException when the models disagree beyond the tolerance; returns the difference. */
    public static double verify(Model masked, Model compacted, Tensor x, double tolerance) {
        float[] y = masked.predict(x).toArray();
        double scale = 1;
        for (float v : y) scale = Math.max(scale, Math.abs(v));
        double diff = maxDifference(masked, compacted, x);
        if (!(diff <= tolerance * scale)) {
            throw new IllegalStateException(String.format("compacted model disagrees with the masked model: max |dy| = %.3g > %.1g x %.3g", diff, tolerance, scale));
        }
        return diff;
    }
}
