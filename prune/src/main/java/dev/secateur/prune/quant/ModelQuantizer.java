package dev.secateur.prune.quant;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.Int8Quantizer;
import dev.secateur.nn.compressed.QuantizedWeights;
import dev.secateur.prune.schedule.TaskProgress;
import dev.secateur.prune.scoring.PrunableLayer;
import dev.secateur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Post-training int8 quantization of a model's dense and conv weights (symmetric, per output
 * channel). The weights are replaced by their dequantized values ("fake quantization"), so the
 * float model computes exactly what an int8-storage model computes after dequantizing; pruned
 * weights stay zero. {@link CompressedModelFile#save} with {@code int8 = true} then stores the codes.
 */
public final class ModelQuantizer {
    /** The task name {@link #calibrate} reports progress under. */
    public static final String CALIBRATE_TASK = "calibrate";
    private final Int8Quantizer quantizer = new Int8Quantizer();

    /** Quantizes every prunable weight in place; returns the error per layer (in layer order). */
    public Map<String, QuantizationError> quantize(Model model) {
        Map<String, QuantizationError> errors = new LinkedHashMap<>();
        for (PrunableLayer l : PrunableLayer.findAll(model)) {
            float[] w = l.weight().value().toArray();
            QuantizedWeights q = quantizer.quantize(w, l.weight().value().shape());
            errors.put(l.name(), QuantizationError.between(w, q));
            float[] dq = q.dequantize();
            System.arraycopy(dq, 0, l.weight().value().data(), l.weight().value().offset(), dq.length);
            l.weight().applyMask();
        }
        return errors;
    }

    /**
     * Calibrates activation ranges: runs {@code batches} through the top-level layers in eval
     * mode and records every layer's output (ranges for int8 activations).
     */
    public Map<String, ActivationRange> calibrate(Model model, List<Tensor> batches, ActivationCalibrator calibrator) {
        return calibrate(model, batches, calibrator, TaskProgress.NONE);
    }

    /** As above, telling {@code progress} after every batch (task "calibrate"). */
    public Map<String, ActivationRange> calibrate(Model model, List<Tensor> batches, ActivationCalibrator calibrator, TaskProgress progress) {
        progress.update(CALIBRATE_TASK, 0, batches.size());
        int done = 0;
        for (Tensor x : batches) {
            Tensor t = x;
            for (Layer l : model.layers()) {
                t = l.forward(t, false);
                calibrator.observe(l.name(), t.data(), t.offset(), t.size());
            }
            progress.update(CALIBRATE_TASK, ++done, batches.size());
        }
        return calibrator.ranges();
    }
}
