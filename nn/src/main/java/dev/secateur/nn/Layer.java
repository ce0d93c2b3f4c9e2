package dev.secateur.nn;

import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One stage of a network. Batches are NCHW (images) or N×F (features): the leading dimension is
 * always the batch. A layer keeps what its backward pass needs from the last training forward
 * call, and reuses its output and gradient buffers while the batch size stays the same, so the
 * training loop makes no garbage per batch. The tensors a layer returns are its own buffers:
 * valid until its next call, and not to be modified by the caller.
 */
public interface Layer {
    /** Name unique within a model (parameters are named {@code name + "." + role}). */
    String name();

    /**
     * Computes the output for a batch. {@code training} selects batch statistics (BatchNorm),
     * active dropout, and keeps the state backward needs.
     */
    Tensor forward(Tensor in, boolean training);

    /**
     * Given dLoss/dOutput of the last training forward call, writes the parameter gradients
     * (overwriting, not accumulating) and returns dLoss/dInput.
     */
    Tensor backward(Tensor gradOut);

    /**
     * Like {@link #backward} but without dLoss/dInput, for the first layer of a model (nothing
     * upstream needs it); layers whose input gradient costs real work skip computing it.
     */
    default void backwardParameters(Tensor gradOut) { backward(gradOut); }

    /** Trainable parameters (empty for stateless layers). */
    default List<Parameter> parameters() { return List.of(); }

    /** Output shape of one sample (no batch dimension) given one input sample's shape. */
    Shape outputShape(Shape in);

    /** Architecture description (type, name, hyperparameters) from which the layer can be rebuilt. */
    LayerSpec spec();

    /** Fresh random initial values for the parameters (no-op for stateless layers). */
    default void initialize(SplittableRandom rng) {}

    /** Pool used by the layer's kernels; the model sets it for every layer. */
    default void useWorkers(Workers workers) {}

    /** Multiply-accumulate count for one sample with the given input shape (for inspection). */
    default long macs(Shape in) { return 0; }

    /** Tensors that are not parameters but must be saved (BatchNorm running statistics). */
    default List<Parameter> buffers() { return List.of(); }
}
