/**
 * Post-training int8 quantization of a model. {@link dev.secateur.prune.quant.ModelQuantizer}
 * replaces every dense/conv weight by its symmetric per-channel int8 value (the codec,
 * {@code Int8Quantizer}, is part of the nn compressed file format) and reports the
 * {@link dev.secateur.prune.quant.QuantizationError} per layer;
 * {@link dev.secateur.prune.quant.ActivationCalibrator} records
 * {@link dev.secateur.prune.quant.ActivationRange}s (min/max or percentile).
 */
package dev.secateur.prune.quant;
