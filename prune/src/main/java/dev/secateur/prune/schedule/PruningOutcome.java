package dev.secateur.prune.schedule;

import dev.secateur.nn.compressed.CompressionStep;

import java.util.List;

/**
 * What a pruning schedule did.
 *
 * @param status        how it ended
 * @param steps         the recorded steps (empty when already compressed)
 * @param startDensity  kept fraction of prunable weights before
 * @param finalDensity  kept fraction after
 * @param denseAccuracy reference accuracy (the dense model's, from the history when known)
 * @param finalAccuracy accuracy of the returned model
 * @param message       one line for the user
 */
public record PruningOutcome(Status status, List<CompressionStep> steps, double startDensity, double finalDensity,
                             double denseAccuracy, double finalAccuracy, String message) {

    /** How a schedule ended. */
    public enum Status {
        /** The model already met the target: nothing was done. */
        ALREADY_COMPRESSED,
        /** The target density was reached within the accuracy budget. */
        REACHED_TARGET,
        /** A step broke the accuracy budget; the model was rolled back to the last step within it. */
        BUDGET_BROKEN,
        /** Every step ran, but density caps (or exclusions) kept the model above the target density. */
        TARGET_UNREACHABLE,
        /** A step would have left a layer without any weight; it was rolled back and the schedule stopped. */
        LAYER_EMPTIED
    }

    public PruningOutcome {
        steps = List.copyOf(steps);
    }

    /** Whether the model reached what was asked (or already had): exit code 0 rather than 3. */
    public boolean succeeded() {
        return status == Status.REACHED_TARGET || status == Status.ALREADY_COMPRESSED;
    }

    /** Achieved compression (dense weights / kept weights). */
    public double compression() {
        return finalDensity == 0 ? Double.POSITIVE_INFINITY : 1.0 / finalDensity;
    }
}
