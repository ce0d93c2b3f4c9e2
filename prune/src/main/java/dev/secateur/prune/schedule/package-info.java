/**
 * Pruning schedules and the training they call. {@link dev.secateur.prune.schedule.IterativePruning}
 * (prune a step, fine-tune, test, until the target density or the accuracy budget; optional
 * rewind through {@link dev.secateur.prune.schedule.ModelSnapshot}) and {@link dev.secateur.prune.schedule.GradualPruning}
 * (AGP) return a {@link dev.secateur.prune.schedule.PruningOutcome} and record their steps in the
 * compression history. They see training only through {@link dev.secateur.prune.schedule.FineTuner}
 * and {@link dev.secateur.prune.schedule.Evaluator}; the data set adapters are
 * {@link dev.secateur.prune.schedule.DatasetFineTuner}, {@link dev.secateur.prune.schedule.DatasetEvaluator},
 * {@link dev.secateur.prune.schedule.EvaluationData} (which data set a model was made for) and
 * {@link dev.secateur.prune.schedule.GradientAccumulator} (gradients for the Taylor criterion).
 */
package dev.secateur.prune.schedule;
