package dev.secateur.nn;

import dev.secateur.nn.io.Json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model expects its input to be, relative to raw pixels scaled to [0, 1]:
 * {@code input = (raw - mean[c]) / std[c]} per channel (one entry applies to every channel).
 * Stored in the model file's metadata under {@value #METADATA_KEY} as JSON
 * {@code {"mean": [...], "std": [...]}} so that the preprocessing travels with the weights;
 * {@link Predictor#predictRaw} applies it.
 */
public record InputNormalization(float[] mean, float[] std) {
    public static final String METADATA_KEY = "secateur.input_normalization";

    public InputNormalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("input normalization needs mean and std of the same non-zero length, got "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c]) || !Float.isFinite(std[c]) || std[c] == 0f) {
                throw new IllegalArgumentException("input normalization channel " + c + ": need finite mean and non-zero finite std, got "
                        + mean[c] + ", " + std[c]);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Number of channels described (1 = the same for all channels). */
    public int channels() { return mean.length; }

    /**
     * Normalizes {@code n} samples of shape {@code sample} ({@code [C, ...]}) given as raw
     * [0, 1] values into a new array.
     */
    public float[] apply(float[] raw, int n, dev.secateur.tensor.Shape sample) {
        int per = sample.size();
        int c = sample.rank() > 1 ? sample.dim(0) : 1;
        if (mean.length != 1 && mean.length != c) {
            throw new IllegalArgumentException("input normalization has " + mean.length + " channels, the input " + sample + " has " + c);
        }
        if ((long) n * per != raw.length) {
            throw new IllegalArgumentException(raw.length + " raw values are not " + n + " samples of " + sample);
        }
        int plane = per / c;
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int ch = mean.length == 1 ? 0 : (i % per) / plane;
            out[i] = (raw[i] - mean[ch]) / std[ch];
        }
        return out;
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", list(mean));
        m.put("std", list(std));
        return Json.write(m);
    }

    /** Reads the metadata entry; null when {@code json} is null. */
    public static InputNormalization fromJson(String json) {
        if (json == null) return null;
        Map<String, Object> m = Json.parseObject(json);
        return new InputNormalization(floats(m.get("mean"), "mean"), floats(m.get("std"), "std"));
    }

    private static List<Object> list(float[] v) {
        List<Object> l = new ArrayList<>();
        for (float f : v) l.add((double) f);
        return l;
    }

    private static float[] floats(Object o, String key) {
        if (!(o instanceof List<?> l) || l.isEmpty() || l.size() > 4096) {
            throw new IllegalArgumentException("input normalization \"" + key + "\" must be a list of 1..4096 numbers");
        }
        float[] v = new float[l.size()];
        for (int i = 0; i < v.length; i++) {
            if (!(l.get(i) instanceof Number x)) throw new IllegalArgumentException("input normalization \"" + key + "\" holds " + l.get(i));
            v[i] = x.floatValue();
        }
        return v;
    }

    @Override public boolean equals(Object o) {
        return o instanceof InputNormalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std); }

    @Override public String toString() { return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std); }
}
