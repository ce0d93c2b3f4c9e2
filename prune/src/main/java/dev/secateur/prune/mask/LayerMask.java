package dev.secateur.prune.mask;

/**
 * The outcome of pruning one layer: a 0/1 mask over its weights plus unit counts.
 *
 * @param layer       the layer name
 * @param mask        0/1 per weight (1 = keep)
 * @param units       number of pruning units in the layer (weights, filters, channels, blocks)
 * @param prunedUnits units whose weights are all masked out
 */
public record LayerMask(String layer, float[] mask, int units, int prunedUnits) {

    /** Weights kept (mask = 1). */
    public int nonZeros() {
        int n = 0;
        for (float m : mask) if (m != 0f) n++;
        return n;
    }

    /** Kept fraction of the weights (1 for an empty layer). */
    public double density() {
        return mask.length == 0 ? 1.0 : (double) nonZeros() / mask.length;
    }

    /** Pruned fraction of the weights. */
    public double sparsity() { return 1.0 - density(); }

    /** Multiplies {@code weights} in place by the mask (pruned weights become exactly 0). */
    public void applyTo(float[] weights) {
        if (weights.length != mask.length) {
            throw new IllegalArgumentException("layer '" + layer + "': " + weights.length + " weights for a mask of " + mask.length);
        }
        for (int i = 0; i < mask.length; i++) if (mask[i] == 0f) weights[i] = 0f;
    }
}
