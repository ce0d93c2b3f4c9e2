/**
 * Secateur prune: the compression pipeline of the seed, one sub-package per job.
 *
 * <ul>
 *   <li>{@link dev.secateur.prune.scoring}: what can be pruned and how much each unit matters:
 *       {@code PrunableLayer} and its plain-array view {@code LayerWeights}, {@code Granularity}
 *       (weight, filter, channel, block, N:M) and {@code UnitLayout}, {@code Criterion} and
 *       {@code ContributionScorer} (on the {@code tensor.ops.Magnitude} kernels).</li>
 *   <li>{@link dev.secateur.prune.mask}: scores to exact 0/1 masks: {@code MagnitudePruner}
 *       (per layer), {@code GlobalPruner} (one threshold, {@code DensityCaps}, exclusions),
 *       {@code NmPruner} (N:M), tied filters across residual adds; {@code ModelPruner} applies a
 *       {@code PruningPlan} to a model (masks live on the nn Parameters).</li>
 *   <li>{@link dev.secateur.prune.schedule}: {@code PruningSchedule}, implemented by
 *       {@code IterativePruning} (the seed's loop, lottery rewind) and {@code GradualPruning} (AGP), and the training they call through {@code FineTuner} /
 *       {@code Evaluator} and their data set adapters.</li>
 *   <li>{@link dev.secateur.prune.compact}: {@code ChannelGraph} ties channel spaces through
 *       BatchNorm, Flatten and residual adds; {@code StructuredCompactor} removes dead channels;
 *       {@code CompactionCheck} proves agreement.</li>
 *   <li>{@link dev.secateur.prune.quant}: {@code ModelQuantizer} (per-channel symmetric int8),
 *       {@code QuantizationError}, {@code ActivationCalibrator}.</li>
 *   <li>{@link dev.secateur.prune.report}: {@code CompressionReport} (size, speed, accuracy),
 *       {@code LayerFootprint}, {@code LatencyProbe}.</li>
 *   <li>{@link dev.secateur.prune.sensitivity}: per-layer sensitivity curves and the budget
 *       planner.</li>
 *   <li>{@link dev.secateur.prune.pipeline}: all of the above as one call,
 *       {@code CompressionPipeline} — targets, schedules, guard rails, progress callbacks.</li>
 * </ul>
 *
 * The file the tools write, its compression history and the int8 codec are in nn
 * ({@code dev.secateur.nn.compressed}), so that nn alone loads every compressed model.
 */
package dev.secateur.prune;
