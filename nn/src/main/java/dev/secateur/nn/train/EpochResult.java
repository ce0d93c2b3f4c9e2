package dev.secateur.nn.train;

/**
 * What one epoch produced: training loss / accuracy (averaged over the epoch's batches, in
 * training mode), the evaluation on the held-out set (null if none was given) and the time spent
 * training (evaluation excluded).
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, Evaluation test, double trainSeconds,
                          double imagesPerSecond) {}
