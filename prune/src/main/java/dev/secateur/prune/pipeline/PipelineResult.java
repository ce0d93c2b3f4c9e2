package dev.secateur.prune.pipeline;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.OriginalModel;
import dev.secateur.prune.schedule.PruningOutcome;

import java.util.List;

/**
 * What a {@link CompressionPipeline} run produced.
 *
 * @param model          the compressed model (the input itself, changed in place)
 * @param history        its history, the new steps appended
 * @param int8           whether its weights are int8
 * @param outcome        how the pruning schedule ended
 * @param preCheck       the "already compressed?" analysis of the input
 * @param original       the dense model the history starts from
 * @param density        the kept fraction the target asked for
 * @param accuracyStart  test accuracy of the input
 * @param accuracyPruned after pruning (before int8)
 * @param accuracy       of the returned model
 * @param compactionDiff max |Δoutput| between the compacted and the masked model (NaN: not compacted)
 * @param notes          remarks worth showing (coinciding criteria, ...)
 */
public record PipelineResult(Model model, CompressionHistory history, boolean int8, PruningOutcome outcome, PreCheck preCheck,
                             OriginalModel original, double density, double accuracyStart, double accuracyPruned, double accuracy,
                             double compactionDiff, List<String> notes) {

    /** Exit code 0 when the target was reached (or already met), 3 when a guard rail stopped the run. */
    public int exitCode() {
        return outcome.succeeded() ? 0 : 3;
    }

    /** Whether the model differs from the input and is worth saving (a rolled-back run that kept no step is not). */
    public boolean changed() {
        return !outcome.steps().isEmpty() || outcome.status() == PruningOutcome.Status.REACHED_TARGET;
    }
}
