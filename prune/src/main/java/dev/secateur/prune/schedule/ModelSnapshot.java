package dev.secateur.prune.schedule;

import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * A copy of every parameter and buffer value (and mask) of a model, to roll back a pruning step
 * that broke the accuracy budget, or to rewind surviving weights (lottery ticket).
 */
public final class ModelSnapshot {
    private final List<Parameter> tensors;
    private final List<float[]> values = new ArrayList<>();
    private final List<float[]> masks = new ArrayList<>();

    private ModelSnapshot(Model model) {
        tensors = new ArrayList<>(model.parameters());
        tensors.addAll(model.buffers());
        for (Parameter p : tensors) {
            values.add(p.value().toArray());
            masks.add(p.maskArray() == null ? null : p.maskArray().clone());
        }
    }

    public static ModelSnapshot of(Model model) { return new ModelSnapshot(model); }

    /** Restores values and masks exactly as they were. */
    public void restore() {
        for (int i = 0; i < tensors.size(); i++) {
            Parameter p = tensors.get(i);
            copyInto(p, values.get(i));
            if (masks.get(i) == null) p.clearMask();
            else p.setMask(dev.secateur.tensor.Tensor.wrap(masks.get(i).clone(), p.value().shape().toArray()));
        }
    }

    /** Restores the values but keeps the current masks (zeroing what they prune): lottery-ticket rewind. */
    public void rewindKeepingMasks() {
        for (int i = 0; i < tensors.size(); i++) {
            copyInto(tensors.get(i), values.get(i));
            tensors.get(i).applyMask();
        }
    }

    private static void copyInto(Parameter p, float[] v) {
        System.arraycopy(v, 0, p.value().data(), p.value().offset(), v.length);
    }
}
