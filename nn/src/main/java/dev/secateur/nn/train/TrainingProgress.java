package dev.secateur.nn.train;

/**
 * A snapshot during training, passed to a {@link ProgressListener} after every batch.
 *
 * @param epoch          0-based epoch
 * @param epochs         total epochs
 * @param batch          batches done in this epoch (1-based)
 * @param batches        batches per epoch
 * @param loss           mean training loss so far in this epoch
 * @param accuracy       training accuracy so far in this epoch (0..1)
 * @param imagesPerSecond training throughput so far in this epoch
 * @param learningRate   rate used for the last step
 */
public record TrainingProgress(int epoch, int epochs, int batch, int batches, double loss, double accuracy,
                               double imagesPerSecond, double learningRate) {}
