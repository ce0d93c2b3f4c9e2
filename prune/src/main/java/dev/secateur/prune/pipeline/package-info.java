/**
 * The compression pipeline as one library call: {@link dev.secateur.prune.pipeline.CompressionPipeline}
 * runs pre-check, pruning under a schedule to a {@link dev.secateur.prune.pipeline.Target},
 * fine-tuning, int8 and compaction with guard rails (accuracy budget with rollback, no emptied
 * layer, options checked first) and reports progress to a
 * {@link dev.secateur.prune.pipeline.PipelineListener}.
 */
package dev.secateur.prune.pipeline;
