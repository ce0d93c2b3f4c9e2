package dev.secateur.prune.schedule;

import dev.secateur.nn.Model;

import java.util.function.LongConsumer;

/** Retrains a (masked) model for a number of epochs; masks must stay fixed (optimizers honour them). */
@FunctionalInterface
public interface FineTuner {
    /**
     * @param afterStep called after every optimizer step with the running step count (schedules
     *                  that prune during training hook in here); may be a no-op
     */
    void fineTune(Model model, int epochs, LongConsumer afterStep);

    /** Steps one epoch takes (for schedules that count steps); 0 when unknown. */
    default long stepsPerEpoch() { return 0; }
}
