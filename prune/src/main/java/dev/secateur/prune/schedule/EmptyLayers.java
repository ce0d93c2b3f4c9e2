package dev.secateur.prune.schedule;

import dev.secateur.nn.Model;
import dev.secateur.prune.scoring.PrunableLayer;

/** Finds a prunable layer with no weight left: such a model outputs constants past that layer. */
public final class EmptyLayers {
    private EmptyLayers() {}

    /** The name of the first layer whose weights are all zero, or null. */
    public static String find(Model model) {
        for (PrunableLayer l : PrunableLayer.findAll(model)) {
            if (l.size() > 0 && l.weight().nonZeros() == 0) return l.name();
        }
        return null;
    }
}
