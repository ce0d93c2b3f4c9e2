/**
 * Secateur nn: layers, models, training and model files.
 *
 * <ul>
 *   <li>{@link dev.secateur.nn.Parameter} (value, gradient, optional 0/1 mask) and
 *       {@link dev.secateur.nn.Layer} (forward, backward, parameters, output shape, spec);</li>
 *   <li>{@link dev.secateur.nn.Model}: a sequence of layers (residual blocks are layers);</li>
 *   <li>{@link dev.secateur.nn.SoftmaxCrossEntropy}, optimizers in {@code optim}, the
 *       {@code train.Trainer};</li>
 *   <li>{@link dev.secateur.nn.ModelFile}: safetensors model files with the architecture in
 *       {@code __metadata__}; {@link dev.secateur.nn.Predictor}: thread-safe inference;</li>
 *   <li>{@code zoo.Models}: LeNet-300-100, LeNet-5, a small VGG, ResNet-8/14.</li>
 *   <li>{@code torch.StateDicts}: PyTorch {@code state_dict} files (safetensors) in and out.</li>
 * </ul>
 *
 * Invariants: the leading dimension of every batch is the batch; layers return their own reused
 * buffers (valid until their next call); backward overwrites parameter gradients; a masked
 * weight is exactly zero after every optimizer step.
 */
package dev.secateur.nn;
