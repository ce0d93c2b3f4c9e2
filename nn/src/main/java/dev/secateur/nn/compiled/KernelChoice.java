package dev.secateur.nn.compiled;

import java.util.Map;

/**
 * The kernel a compiled layer uses at one batch size, and what it measured.
 *
 * @param layer       the layer name (after BatchNorm folding it is the conv/dense layer's name)
 * @param batch       the calibrated batch size (samples per call)
 * @param kernel      the chosen kernel ({@link Kernels})
 * @param nanos       median time of one call of the layer with the chosen kernel; 0 when not timed
 *                    (a single candidate, see {@link CompileOptions#withEveryLayerTimed})
 * @param denseNanos  median time of the same call with the dense kernel (0 when not timed)
 * @param density     kept fraction of the layer's weight (non-zeros / size)
 * @param rows        weight rows (outputs)
 * @param cols        weight columns (inputs, {@code inC·kh·kw} for a convolution)
 * @param candidates  median time of every measured candidate (only the chosen and dense ones when cached)
 * @param cached      true when taken from a stored choice instead of measured now
 */
public record KernelChoice(String layer, int batch, String kernel, long nanos, long denseNanos, double density,
                           int rows, int cols, Map<String, Long> candidates, boolean cached) {
    public KernelChoice {
        candidates = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(candidates));
    }

    /** Dense time over chosen time. */
    public double speedup() { return nanos <= 0 ? 1.0 : (double) denseNanos / nanos; }

    /** The compute bound of a sparse kernel: 1 / density (infinite for an all-zero weight). */
    public double bound() { return density <= 0 ? Double.POSITIVE_INFINITY : 1.0 / density; }
}
