package dev.secateur.nn.train;

/** Callbacks from a {@link Trainer}; both default to doing nothing. */
public interface ProgressListener {
    default void onBatch(TrainingProgress progress) {}

    default void onEpoch(EpochResult result) {}

    ProgressListener NONE = new ProgressListener() {};
}
