package dev.secateur.nn;

import dev.secateur.tensor.Tensor;

/**
 * A trainable tensor: its value, the gradient of the loss with respect to it (written by the
 * owning layer's backward pass) and an optional 0/1 mask. A masked entry is a pruned weight:
 * {@link #applyMask()} zeroes it, and optimizers call it after every update (and zero their own
 * state at those positions), so a pruned weight stays exactly zero through training.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private float[] mask;

    public Parameter(String name, Tensor value) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("parameter name must not be empty");
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
    }

    /** Qualified name, e.g. {@code conv1.weight}; unique within a model. */
    public String name() { return name; }

    public Tensor value() { return value; }

    public Tensor grad() { return grad; }

    public int size() { return value.size(); }

    public boolean hasMask() { return mask != null; }

    /** The mask (1 = kept, 0 = pruned) as a copy, or null when the parameter is dense. */
    public Tensor mask() {
        return mask == null ? null : Tensor.of(mask, value.shape().toArray());
    }

    /** Read-only view of the raw mask array (length {@link #size()}), or null. Do not modify. */
    public float[] maskArray() { return mask; }

    /**
     * Sets a mask of the same size as the value (any non-zero entry counts as kept) and applies it.
     */
    public void setMask(Tensor m) {
        if (m.size() != value.size()) {
            throw new IllegalArgumentException("mask of shape " + m.shape() + " does not match parameter " + name + " " + value.shape());
        }
        float[] copy = new float[m.size()];
        float[] src = m.data();
        for (int i = 0; i < copy.length; i++) copy[i] = src[m.offset() + i] != 0f ? 1f : 0f;
        mask = copy;
        applyMask();
    }

    /** Sets a boolean mask ({@code true} = kept) and applies it. */
    public void setMask(boolean[] keep) {
        if (keep.length != value.size()) {
            throw new IllegalArgumentException("mask of length " + keep.length + " does not match parameter " + name + " " + value.shape());
        }
        float[] copy = new float[keep.length];
        for (int i = 0; i < keep.length; i++) copy[i] = keep[i] ? 1f : 0f;
        mask = copy;
        applyMask();
    }

    /** Removes the mask; pruned weights stay zero until training moves them. */
    public void clearMask() { mask = null; }

    /** Zeroes the value (and gradient) wherever the mask is 0. No-op without a mask. */
    public void applyMask() {
        if (mask == null) return;
        multiplyByMask(value);
        multiplyByMask(grad);
    }

    /** Zeroes {@code t} (same size as the value) wherever the mask is 0; optimizer state uses this. */
    public void multiplyByMask(Tensor t) {
        if (mask == null) return;
        float[] d = t.data();
        int off = t.offset();
        // Assign rather than multiply so a pruned entry is +0.0 exactly, whatever was there.
        for (int i = 0; i < mask.length; i++) if (mask[i] == 0f) d[off + i] = 0f;
    }

    /** Number of entries of the value that are not exactly zero. */
    public int nonZeros() {
        float[] d = value.data();
        int off = value.offset(), n = 0;
        for (int i = 0; i < value.size(); i++) if (d[off + i] != 0f) n++;
        return n;
    }

    /** Number of mask entries equal to 1 ({@link #size()} without a mask). */
    public int keptCount() {
        if (mask == null) return value.size();
        int n = 0;
        for (float f : mask) if (f != 0f) n++;
        return n;
    }

    @Override public String toString() {
        return "Parameter(" + name + " " + value.shape() + (mask != null ? ", masked" : "") + ")";
    }
}
