package dev.secateur.prune.mask;

import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;

import java.util.Map;
import java.util.Set;

/**
 * What one pruning step does to a model.
 *
 * @param criterion   unit score
 * @param granularity unit shape
 * @param scope       per-layer or global threshold
 * @param density     target kept fraction of all prunable weights of the model, excluded layers
 *                    included (so {@code 1/12} means "12× fewer weights" overall)
 * @param perLayer    per-layer target densities, in both scopes: the named layers are pruned to
 *                    them, the others share the rest of the model-wide target (may be empty)
 * @param caps        density caps: the floor holds in both scopes, the ceiling under global scope
 * @param maxPerLayer per-layer maximum densities, in both scopes: a named layer keeps at most
 *                    that fraction of its weights, the others make up the model-wide target
 *                    (may be empty)
 * @param excluded    layers never pruned
 * @param seed        seed of the random criterion
 */
public record PruningPlan(Criterion criterion, Granularity granularity, Scope scope, double density,
                          Map<String, Double> perLayer, DensityCaps caps, Map<String, Double> maxPerLayer, Set<String> excluded, long seed) {

    public PruningPlan {
        if (criterion == null || granularity == null || scope == null) throw new IllegalArgumentException("criterion, granularity and scope are required");
        if (!(density >= 0 && density <= 1)) throw new IllegalArgumentException("target density must be in [0, 1], got " + density);
        perLayer = Map.copyOf(perLayer == null ? Map.of() : perLayer);
        for (var e : perLayer.entrySet()) {
            if (!(e.getValue() >= 0 && e.getValue() <= 1)) throw new IllegalArgumentException("density of layer " + e.getKey() + " must be in [0, 1], got " + e.getValue());
        }
        caps = caps == null ? DensityCaps.NONE : caps;
        maxPerLayer = Map.copyOf(maxPerLayer == null ? Map.of() : maxPerLayer);
        for (var e : maxPerLayer.entrySet()) {
            if (!(e.getValue() >= 0 && e.getValue() <= 1)) throw new IllegalArgumentException("maximum density of layer " + e.getKey() + " must be in [0, 1], got " + e.getValue());
        }
        excluded = Set.copyOf(excluded == null ? Set.of() : excluded);
    }

    /** A plan without per-layer maximum densities. */
    public PruningPlan(Criterion criterion, Granularity granularity, Scope scope, double density,
                       Map<String, Double> perLayer, DensityCaps caps, Set<String> excluded, long seed) {
        this(criterion, granularity, scope, density, perLayer, caps, Map.of(), excluded, seed);
    }

    /** A plan with no per-layer targets, no caps and no exclusions. */
    public static PruningPlan uniform(Criterion c, Granularity g, Scope s, double density) {
        return new PruningPlan(c, g, s, density, Map.of(), DensityCaps.NONE, Set.of(), 0L);
    }

    /** The same plan at another density. */
    public PruningPlan withDensity(double d) {
        return new PruningPlan(criterion, granularity, scope, d, perLayer, caps, maxPerLayer, excluded, seed);
    }

    /** The same plan with other per-layer targets. */
    public PruningPlan withPerLayer(Map<String, Double> targets) {
        return new PruningPlan(criterion, granularity, scope, density, targets, caps, maxPerLayer, excluded, seed);
    }

    /** The same plan with other per-layer maximum densities. */
    public PruningPlan withMaxPerLayer(Map<String, Double> maxima) {
        return new PruningPlan(criterion, granularity, scope, density, perLayer, caps, maxima, excluded, seed);
    }

    /** The same plan with another criterion. */
    public PruningPlan withCriterion(Criterion c) {
        return new PruningPlan(c, granularity, scope, density, perLayer, caps, maxPerLayer, excluded, seed);
    }

    /** The same plan with other excluded layers. */
    public PruningPlan withExcluded(Set<String> names) {
        return new PruningPlan(criterion, granularity, scope, density, perLayer, caps, maxPerLayer, names, seed);
    }
}
