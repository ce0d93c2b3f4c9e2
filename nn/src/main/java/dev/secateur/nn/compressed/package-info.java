/**
 * The compressed model file: enough to load and run any model the prune tools write, with nn
 * alone. {@link dev.secateur.nn.compressed.CompressedModelFile} writes and reads safetensors
 * files that store sparse weights as kept values plus Deflate-compressed gap positions, and
 * weights as float32 or symmetric per-channel int8 ({@link dev.secateur.nn.compressed.Int8Quantizer},
 * {@link dev.secateur.nn.compressed.QuantizedWeights}); it also reads plain nn model files. The
 * {@link dev.secateur.nn.compressed.CompressionHistory} of
 * {@link dev.secateur.nn.compressed.CompressionStep}s travels in the file's metadata.
 */
package dev.secateur.nn.compressed;
