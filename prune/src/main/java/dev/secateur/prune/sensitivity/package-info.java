/**
 * Per-layer sensitivity. {@link dev.secateur.prune.sensitivity.SensitivityAnalysis} prunes one
 * layer at a time to each sparsity and measures accuracy, giving a
 * {@link dev.secateur.prune.sensitivity.SensitivityCurve} per layer;
 * {@link dev.secateur.prune.sensitivity.SensitivityPlanner} turns the curves into per-layer
 * density targets for a parameter or FLOP budget.
 */
package dev.secateur.prune.sensitivity;
