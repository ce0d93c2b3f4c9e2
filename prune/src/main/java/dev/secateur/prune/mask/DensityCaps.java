package dev.secateur.prune.mask;

/**
 * Per-layer bounds on the kept fraction of units under global pruning. Whatever the caps say,
 * a layer with at least one unit always keeps at least one, so global pruning can never empty
 * a layer.
 *
 * @param minDensity the layer keeps at least ceil(minDensity × units) units
 * @param maxDensity the layer keeps at most floor(maxDensity × units) units (forces pruning of
 *                   layers that the global threshold would spare)
 */
public record DensityCaps(double minDensity, double maxDensity) {
    /** No bounds beyond "keep at least one unit". */
    public static final DensityCaps NONE = new DensityCaps(0.0, 1.0);

    public DensityCaps {
        if (!(minDensity >= 0 && minDensity <= 1 && maxDensity >= 0 && maxDensity <= 1 && minDensity <= maxDensity)) {
            throw new IllegalArgumentException("density caps need 0 <= min <= max <= 1, got min " + minDensity + ", max " + maxDensity);
        }
    }

    /** Only a lower bound. */
    public static DensityCaps atLeast(double minDensity) {
        return new DensityCaps(minDensity, 1.0);
    }

    /** Fewest units a layer of {@code units} may keep. */
    int minKeep(int units) {
        if (units == 0) return 0;
        return Math.max(1, (int) Math.ceil(minDensity * units - 1e-9));
    }

    /** Most units a layer of {@code units} may keep (never below {@link #minKeep}). */
    int maxKeep(int units) {
        return Math.max(minKeep(units), (int) Math.floor(maxDensity * units + 1e-9));
    }
}
