package dev.secateur.prune.quant;

import dev.secateur.nn.compressed.QuantizedWeights;

/**
 * How far dequantized weights are from the originals.
 *
 * @param maxAbs        largest |w − dq(w)|
 * @param rms           root mean square of w − dq(w)
 * @param relative      ||w − dq(w)||₂ / ||w||₂ (0 when w is all zero)
 * @param maxHalfScale  largest half-scale over channels: the bound that maxAbs never exceeds
 */
public record QuantizationError(double maxAbs, double rms, double relative, double maxHalfScale) {

    /** Compares original weights with the dequantized codes. */
    public static QuantizationError between(float[] original, QuantizedWeights q) {
        float[] dq = q.dequantize();
        if (dq.length != original.length) {
            throw new IllegalArgumentException(original.length + " original weights vs " + dq.length + " quantized");
        }
        double max = 0, sq = 0, norm = 0;
        for (int i = 0; i < dq.length; i++) {
            double d = (double) original[i] - dq[i];
            max = Math.max(max, Math.abs(d));
            sq += d * d;
            norm += (double) original[i] * original[i];
        }
        double half = 0;
        for (float s : q.scales()) half = Math.max(half, s / 2.0);
        return new QuantizationError(max, dq.length == 0 ? 0 : Math.sqrt(sq / dq.length), norm == 0 ? 0 : Math.sqrt(sq / norm), half);
    }
}
