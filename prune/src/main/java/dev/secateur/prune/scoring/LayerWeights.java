package dev.secateur.prune.scoring;

import dev.secateur.tensor.Shape;

/**
 * The weights of one prunable layer as plain arrays: a dense layer's [out, in] or a
 * convolution's [F, C, kh, kw] (any rank >= 2: dimension 0 is the output, dimension 1 the
 * input channel, the rest are kernel taps). Arrays are used in place, never copied.
 *
 * @param name      the layer/parameter name (used for messages, caps and exclusions)
 * @param shape     the weight shape, rank >= 2
 * @param weights   the weight values, length {@code shape.size()}
 * @param bias      the bias (length = dimension 0) or {@code null}
 * @param gradients loss gradients of the weights (same length) or {@code null}; needed by
 *                  {@link Criterion#TAYLOR}
 * @param mask      the current 0/1 mask (same length) or {@code null} for "nothing pruned yet".
 *                  A pruner never regrows a weight whose mask is 0.
 */
public record LayerWeights(String name, Shape shape, float[] weights, float[] bias, float[] gradients, float[] mask) {

    public LayerWeights {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("layer name must be non-empty");
        if (shape == null || shape.rank() < 2) {
            throw new IllegalArgumentException("layer '" + name + "': prunable weights need rank >= 2 ([out, in, taps...]), got " + shape);
        }
        check(name, "weights", weights, shape.size(), true);
        check(name, "bias", bias, shape.dim(0), false);
        check(name, "gradients", gradients, shape.size(), false);
        check(name, "mask", mask, shape.size(), false);
        if (mask != null) {
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] != 0f && mask[i] != 1f) {
                    throw new IllegalArgumentException("layer '" + name + "': mask[" + i + "] = " + mask[i] + " is not 0 or 1");
                }
            }
        }
    }

    /** Weights without bias, gradients or a previous mask. */
    public static LayerWeights of(String name, Shape shape, float[] weights) {
        return new LayerWeights(name, shape, weights, null, null, null);
    }

    /** The same layer with another mask (e.g. the result of a previous pruning step). */
    public LayerWeights withMask(float[] newMask) {
        return new LayerWeights(name, shape, weights, bias, gradients, newMask);
    }

    /** Output filters / neurons (dimension 0). */
    public int outputs() { return shape.dim(0); }

    /** Input channels (dimension 1). */
    public int inputs() { return shape.dim(1); }

    /** Kernel taps per (filter, channel) pair: product of dimensions 2..; 1 for dense. */
    public int taps() { return shape.size() == 0 ? 0 : shape.size() / Math.max(1, outputs() * inputs()); }

    /** Weight count. */
    public int size() { return shape.size(); }

    /** Whether weight {@code i} is still alive (not masked out). */
    public boolean alive(int i) { return mask == null || mask[i] != 0f; }

    private static void check(String layer, String what, float[] a, int expected, boolean required) {
        if (a == null) {
            if (required) throw new IllegalArgumentException("layer '" + layer + "': " + what + " is null");
            return;
        }
        if (a.length != expected) {
            throw new IllegalArgumentException("layer '" + layer + "': " + what + " has length " + a.length + ", expected " + expected);
        }
    }
}
