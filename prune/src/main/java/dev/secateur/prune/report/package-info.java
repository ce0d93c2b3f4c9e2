/**
 * Measurements of a compressed model. {@link dev.secateur.prune.report.CompressionReport} puts
 * size (parameters, non-zeros, file bytes), speed (FLOPs, latency) and accuracy side by side,
 * with one {@link dev.secateur.prune.report.LayerFootprint} per dense/conv layer;
 * {@link dev.secateur.prune.report.LatencyProbe} gives a rough median predict latency.
 */
package dev.secateur.prune.report;
