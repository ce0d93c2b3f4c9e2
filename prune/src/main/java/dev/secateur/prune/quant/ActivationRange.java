package dev.secateur.prune.quant;

/**
 * The calibrated range of one layer's activations and its symmetric int8 scale.
 *
 * @param layer the layer name
 * @param min   lowest value kept by the calibration (after clipping at the percentile)
 * @param max   highest value kept
 * @param scale max(|min|, |max|) / 127 (0 when every sample was 0)
 * @param samples number of values observed
 */
public record ActivationRange(String layer, float min, float max, float scale, long samples) {}
