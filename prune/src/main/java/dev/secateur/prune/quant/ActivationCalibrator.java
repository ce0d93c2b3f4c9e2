package dev.secateur.prune.quant;

import dev.secateur.nn.compressed.Int8Quantizer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Collects activation samples per layer and turns them into int8 ranges. {@link Method#MIN_MAX}
 * keeps the exact extremes; {@link Method#PERCENTILE} clips outliers at a percentile of a
 * uniform reservoir sample (at most {@code reservoirSize} values per layer, seeded, so the
 * result is deterministic for a fixed order of observations).
 */
public final class ActivationCalibrator {
    /** How a range is derived from the observed values. */
    public enum Method { MIN_MAX, PERCENTILE }

    private final Method method;
    private final double percentile;
    private final int reservoirSize;
    private final Map<String, LayerStats> stats = new LinkedHashMap<>();

    /**
     * @param percentile for {@link Method#PERCENTILE}: the upper percentile in (50, 100], e.g.
     *                   99.99; the lower bound uses 100 − percentile
     */
    public ActivationCalibrator(Method method, double percentile, int reservoirSize) {
        if (method == Method.PERCENTILE && !(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
        }
        if (reservoirSize < 1) throw new IllegalArgumentException("reservoir size must be >= 1, got " + reservoirSize);
        this.method = method;
        this.percentile = percentile;
        this.reservoirSize = reservoirSize;
    }

    /** Exact min/max calibration. */
    public static ActivationCalibrator minMax() {
        return new ActivationCalibrator(Method.MIN_MAX, 100, 1);
    }

    /** Records {@code values[offset, offset + length)} as activations of {@code layer}. */
    public void observe(String layer, float[] values, int offset, int length) {
        if (offset < 0 || length < 0 || (long) offset + length > values.length) {
            throw new IllegalArgumentException("window [" + offset + ", " + ((long) offset + length) + ") outside " + values.length + " values");
        }
        LayerStats s = stats.computeIfAbsent(layer, k -> new LayerStats(reservoirSize, k.hashCode()));
        for (int i = offset; i < offset + length; i++) s.add(values[i], method == Method.PERCENTILE);
    }

    /** The ranges of every observed layer, in first-observed order. */
    public Map<String, ActivationRange> ranges() {
        Map<String, ActivationRange> out = new LinkedHashMap<>();
        for (Map.Entry<String, LayerStats> e : stats.entrySet()) out.put(e.getKey(), e.getValue().range(e.getKey()));
        return out;
    }

    private final class LayerStats {
        final float[] reservoir;
        final SplittableRandom random;
        long seen;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;

        LayerStats(int capacity, long seed) {
            reservoir = new float[method == Method.PERCENTILE ? capacity : 0];
            random = new SplittableRandom(seed);
        }

        void add(float v, boolean sample) {
            if (!Float.isFinite(v)) throw new IllegalArgumentException("non-finite activation " + v);
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (sample) {
                if (seen < reservoir.length) {
                    reservoir[(int) seen] = v;
                } else {
                    long j = random.nextLong(seen + 1);
                    if (j < reservoir.length) reservoir[(int) j] = v;
                }
            }
            seen++;
        }

        ActivationRange range(String layer) {
            if (seen == 0) return new ActivationRange(layer, 0f, 0f, 0f, 0);
            float lo = min, hi = max;
            if (method == Method.PERCENTILE) {
                int n = (int) Math.min(seen, reservoir.length);
                float[] sorted = Arrays.copyOf(reservoir, n);
                Arrays.sort(sorted);
                hi = sorted[(int) Math.min(n - 1, Math.ceil(percentile / 100.0 * n) - 1)];
                lo = sorted[(int) Math.max(0, Math.floor((100.0 - percentile) / 100.0 * n))];
            }
            float scale = Math.max(Math.abs(lo), Math.abs(hi)) / Int8Quantizer.QMAX;
            return new ActivationRange(layer, lo, hi, scale, seen);
        }
    }
}
