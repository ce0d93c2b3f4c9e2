/**
 * What can be pruned and how much each unit matters. {@link dev.secateur.prune.scoring.PrunableLayer}
 * finds a model's dense and convolution weights and gives their plain-array view
 * {@link dev.secateur.prune.scoring.LayerWeights}; a {@link dev.secateur.prune.scoring.Granularity}
 * (weight, filter, channel, block, N:M) defines the units, laid out over the weight indices by
 * {@link dev.secateur.prune.scoring.UnitLayout}; {@link dev.secateur.prune.scoring.ContributionScorer}
 * scores every unit by a {@link dev.secateur.prune.scoring.Criterion} with the
 * {@code tensor.ops.Magnitude} kernels.
 */
package dev.secateur.prune.scoring;
