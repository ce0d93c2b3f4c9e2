package dev.secateur.nn.compressed;

import dev.secateur.tensor.Shape;

/**
 * Post-training symmetric int8 quantization per output channel:
 * {@code scale[f] = max_i |w[f, i]| / 127}, {@code q = round(w / scale)} clamped to [-127, 127].
 * Rounding to nearest keeps every element within scale/2 of its original (the clamp never
 * bites: |w| / scale ≤ 127). Zero maps to code 0, so pruned weights stay exactly 0.
 */
public final class Int8Quantizer {
    /** Largest code magnitude; -128 is left unused so that the range is symmetric. */
    public static final int QMAX = 127;

    /** Quantizes weights of {@code shape} (dimension 0 = output channels). */
    public QuantizedWeights quantize(float[] weights, Shape shape) {
        if (weights.length != shape.size()) {
            throw new IllegalArgumentException(weights.length + " weights for shape " + shape + " (size " + shape.size() + ")");
        }
        if (shape.rank() < 1) throw new IllegalArgumentException("cannot quantize a scalar shape per channel");
        int channels = shape.dim(0);
        int row = channels == 0 ? 0 : weights.length / channels;
        byte[] codes = new byte[weights.length];
        float[] scales = new float[channels];
        for (int f = 0; f < channels; f++) {
            float maxAbs = 0f;
            for (int i = f * row; i < (f + 1) * row; i++) {
                float a = Math.abs(weights[i]);
                if (!Float.isFinite(a)) throw new IllegalArgumentException("weight " + i + " of channel " + f + " is " + weights[i]);
                maxAbs = Math.max(maxAbs, a);
            }
            float scale = maxAbs / QMAX;
            scales[f] = scale;
            if (scale == 0f) continue; // all-zero channel: codes stay 0
            for (int i = f * row; i < (f + 1) * row; i++) {
                // Divide rather than multiply by 1/scale: keeps round(w/scale) exact at ±127.
                int q = Math.round(weights[i] / scale);
                codes[i] = (byte) Math.max(-QMAX, Math.min(QMAX, q));
            }
        }
        return new QuantizedWeights(shape, codes, scales);
    }

    /** Quantizes then dequantizes in place ("fake quantization"), returning the codes. */
    public QuantizedWeights quantizeInPlace(float[] weights, Shape shape) {
        QuantizedWeights q = quantize(weights, shape);
        float[] dq = q.dequantize();
        System.arraycopy(dq, 0, weights, 0, dq.length);
        return q;
    }
}
