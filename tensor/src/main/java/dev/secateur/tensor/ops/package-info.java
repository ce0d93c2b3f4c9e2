/**
 * Dense neural-network operators on float arrays, array + offset style like
 * {@link dev.secateur.tensor.Gemm}: convolution ({@link dev.secateur.tensor.ops.Conv2dOps},
 * im2col + GEMM, forward and backward; {@link dev.secateur.tensor.ops.Conv2dTrainingOps} keeps the
 * forward's im2col columns for the weight gradient; {@link dev.secateur.tensor.ops.DirectTrainingConv},
 * {@link dev.secateur.tensor.ops.ConvWeightGradient} and {@link dev.secateur.tensor.ops.DirectInputGradient}
 * train without columns), batch normalization's passes ({@link dev.secateur.tensor.ops.ChannelNorm}),
 * {@link dev.secateur.tensor.ops.Pooling},
 * {@link dev.secateur.tensor.ops.Elementwise}, {@link dev.secateur.tensor.ops.Softmax} and the
 * pruning scores of {@link dev.secateur.tensor.ops.Magnitude}.
 *
 * <p>Conventions: images are NCHW, matrices row-major; every public method checks its sizes and
 * ranges and throws {@link java.lang.IllegalArgumentException} naming the array and shape at
 * fault (messages are built only on failure, so a call allocates nothing); backward passes
 * overwrite {@code dx} and accumulate into weight and bias gradients. Each op has a scalar
 * float64 twin in {@code dev.secateur.tensor.reference} that the tests compare against.
 */
package dev.secateur.tensor.ops;
