package dev.secateur.nn.compressed;

import dev.secateur.tensor.Shape;

/**
 * Symmetric per-output-channel int8 weights: {@code w[f, i] ≈ values[f, i] · scales[f]}, values
 * in [-127, 127] (−128 is never used, so the range is symmetric). A zero weight is stored as 0,
 * so pruned weights stay exactly zero after dequantization.
 *
 * @param shape  the weight shape (dimension 0 = output channels)
 * @param values int8 codes, row-major, length {@code shape.size()}
 * @param scales one scale per output channel (0 for an all-zero channel)
 */
public record QuantizedWeights(Shape shape, byte[] values, float[] scales) {

    public QuantizedWeights {
        if (shape.rank() < 1) throw new IllegalArgumentException("quantized weights need rank >= 1, got " + shape);
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("int8 values have length " + values.length + ", shape " + shape + " needs " + shape.size());
        }
        if (scales.length != shape.dim(0)) {
            throw new IllegalArgumentException(scales.length + " scales for " + shape.dim(0) + " output channels of " + shape);
        }
        for (int f = 0; f < scales.length; f++) {
            if (!(scales[f] >= 0) || Float.isInfinite(scales[f])) {
                throw new IllegalArgumentException("scale of channel " + f + " is " + scales[f]);
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] == Byte.MIN_VALUE) throw new IllegalArgumentException("int8 code -128 at " + i + " (symmetric range is [-127, 127])");
        }
    }

    /** Weights per output channel. */
    public int rowLength() {
        return scales.length == 0 ? 0 : values.length / scales.length;
    }

    /** The float32 weights these codes stand for. */
    public float[] dequantize() {
        float[] w = new float[values.length];
        int row = rowLength();
        for (int f = 0; f < scales.length; f++) {
            float s = scales[f];
            for (int i = f * row; i < (f + 1) * row; i++) w[i] = values[i] * s;
        }
        return w;
    }

    /** Bytes of the codes plus the float32 scales. */
    public long storageBytes() {
        return values.length + 4L * scales.length;
    }
}
