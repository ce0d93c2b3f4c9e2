/**
 * Secateur prune: the compression pipeline of the seed.
 *
 * <ul>
 *   <li>Masks on plain arrays: {@link dev.secateur.prune.ContributionScorer} scores units
 *       ({@link dev.secateur.prune.Criterion} × {@link dev.secateur.prune.Granularity}) with the
 *       {@code tensor.ops.Magnitude} kernels; {@link dev.secateur.prune.MagnitudePruner} (per
 *       layer), {@link dev.secateur.prune.GlobalPruner} (one threshold, density caps, exclusions)
 *       and {@link dev.secateur.prune.NmPruner} (N:M) turn scores into exact 0/1 masks.</li>
 *   <li>Models: {@link dev.secateur.prune.ModelPruner} applies a {@link dev.secateur.prune.PruningPlan}
 *       to a model's parameters (masks live on the nn Parameters);
 *       {@link dev.secateur.prune.IterativePruning} (the seed's loop) and
 *       {@link dev.secateur.prune.GradualPruning} (AGP) are the schedules; the
 *       {@link dev.secateur.prune.CompressionHistory} records every step.</li>
 *   <li>Structure: {@link dev.secateur.prune.ChannelGraph} ties channel spaces through
 *       BatchNorm, Flatten and residual adds; {@link dev.secateur.prune.StructuredCompactor}
 *       removes dead channels; {@link dev.secateur.prune.CompactionCheck} proves agreement.</li>
 *   <li>Quantization: {@link dev.secateur.prune.Int8Quantizer} (per-channel symmetric int8),
 *       {@link dev.secateur.prune.ModelQuantizer}, {@link dev.secateur.prune.ActivationCalibrator}.</li>
 *   <li>Files and reports: {@link dev.secateur.prune.CompressedModelFile} (sparse int8
 *       safetensors), {@link dev.secateur.prune.CompressionReport}; sensitivity curves and the
 *       budget planner ({@link dev.secateur.prune.SensitivityAnalysis},
 *       {@link dev.secateur.prune.SensitivityPlanner}).</li>
 * </ul>
 */
package dev.secateur.prune;
