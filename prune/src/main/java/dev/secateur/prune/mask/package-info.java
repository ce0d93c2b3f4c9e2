/**
 * Scores to exact 0/1 masks. Per layer {@link dev.secateur.prune.mask.MagnitudePruner}, one
 * global threshold {@link dev.secateur.prune.mask.GlobalPruner} (bounded per layer by
 * {@link dev.secateur.prune.mask.DensityCaps}), N:M {@link dev.secateur.prune.mask.NmPruner};
 * all prune in one deterministic order (lowest score first, ties by position) and never regrow a
 * masked weight. {@link dev.secateur.prune.mask.ModelPruner} applies a
 * {@link dev.secateur.prune.mask.PruningPlan} (criterion, granularity,
 * {@link dev.secateur.prune.mask.Scope}, density, per-layer targets, exclusions) to a model and
 * installs the {@link dev.secateur.prune.mask.LayerMask}s on its parameters; filters tied by a
 * residual add are pruned together.
 */
package dev.secateur.prune.mask;
