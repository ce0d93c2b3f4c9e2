package dev.secateur.datasets;

import java.util.Arrays;

/**
 * How 8-bit pixels become floats: {@code x = (pixel / 255 - mean[c]) / std[c]} per channel.
 * Applied through a 256-entry table per channel, so converting a batch is one lookup per pixel.
 */
public final class Normalization {
    /** Fashion-MNIST training-set statistics (mean 0.2860, std 0.3530): the default. */
    public static final Normalization FASHION_MNIST = of(new float[] {0.2860f}, new float[] {0.3530f});
    /** MNIST training-set statistics (mean 0.1307, std 0.3081). */
    public static final Normalization MNIST = of(new float[] {0.1307f}, new float[] {0.3081f});
    /** CIFAR-10 training-set per-channel statistics (RGB). */
    public static final Normalization CIFAR10 = of(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
    /** Only scale to [0, 1]: {@code pixel / 255}, for any number of channels. */
    public static final Normalization UNIT = of(new float[] {0f}, new float[] {1f});

    private final float[] mean;
    private final float[] std;
    private final float[][] tables;

    private Normalization(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
        this.tables = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int v = 0; v < 256; v++) tables[c][v] = (float) ((v / 255.0 - mean[c]) / std[c]);
        }
    }

    /**
     * Per-channel mean and standard deviation of the [0, 1]-scaled pixels. A single-channel
     * normalization applies to every channel.
     */
    public static Normalization of(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need the same non-zero length, got " + mean.length + " and " + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException(
                        "channel " + c + ": need finite mean and std > 0, got mean " + mean[c] + ", std " + std[c]);
            }
        }
        return new Normalization(mean.clone(), std.clone());
    }

    /** Number of channels this normalization describes (1 = applies to all). */
    public int channels() { return mean.length; }

    /** True when it can be applied to images with {@code channels} channels. */
    public boolean fits(int channels) { return mean.length == 1 || mean.length == channels; }

    /** The float value of {@code pixel} (0..255) in channel {@code c}. */
    public float apply(int c, int pixel) { return table(c)[pixel & 0xff]; }

    /** The 256-entry lookup table for channel {@code c} (shared; do not modify). */
    float[] table(int c) { return tables[mean.length == 1 ? 0 : c]; }

    /**
     * Converts {@code channels * plane} bytes starting at {@code src[srcOff]} (CHW) to floats in
     * {@code dst[dstOff..]}.
     */
    void convert(byte[] src, int srcOff, int channels, int plane, float[] dst, int dstOff) {
        for (int c = 0; c < channels; c++) {
            float[] t = table(c);
            int s = srcOff + c * plane, d = dstOff + c * plane;
            for (int i = 0; i < plane; i++) dst[d + i] = t[src[s + i] & 0xff];
        }
    }

    @Override public String toString() {
        return "Normalization(mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }
}
