package dev.secateur.prune.schedule;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * How a model travels from its current density to a plan's target: one-shot, the seed's
 * iterative loop, lottery-ticket rewinding, or gradual pruning during training. Every schedule
 * runs on the model in place, appends its steps to the history, honours an accuracy budget by
 * rolling back to the last step within it, and reports how it ended.
 */
public interface PruningSchedule {

    /** The most steps of the iterative loop (each fine-tunes and evaluates). */
    int MAX_STEPS = 100;
    /** The most pruning events of gradual pruning. */
    int MAX_EVENTS = 10_000;

    /**
     * Runs the schedule.
     *
     * @param tuner     retrains with the masks fixed
     * @param evaluator test accuracy
     * @param log       one line per step or event
     * @param pruner    applies a plan (one with a gradient source for Taylor scores)
     */
    PruningOutcome run(Model model, PruningPlan plan, CompressionHistory history, FineTuner tuner, Evaluator evaluator,
                       Consumer<String> log, ModelPruner pruner);

    /** The schedule in the grammar of {@link #parse}. */
    String spec();

    /** Whether the fine-tuner is called once for the whole run (gradual pruning) rather than per step. */
    default boolean trainsOnce() { return false; }

    /**
     * The settings a schedule spec does not carry.
     *
     * @param fineTuneEpochs epochs of fine-tuning per step (gradual pruning: in total)
     * @param accuracyBudget allowed drop below the dense accuracy in percentage points; NaN = none
     * @param agpRamp        gradual pruning: fraction of the training over which the sparsity ramps
     */
    record Settings(int fineTuneEpochs, double accuracyBudget, double agpRamp) {
        public Settings {
            if (fineTuneEpochs < 0) throw new IllegalArgumentException("fine-tune epochs must be >= 0, got " + fineTuneEpochs);
            if (accuracyBudget < 0) throw new IllegalArgumentException("accuracy budget must be >= 0 percentage points, got " + accuracyBudget);
            if (!(agpRamp > 0 && agpRamp <= 1)) throw new IllegalArgumentException("agp ramp must be in (0, 1], got " + agpRamp);
        }
    }

    /**
     * The one grammar of schedules: {@code oneshot}, {@code iterative[:STEPS]} (8 by default),
     * {@code lottery[:STEPS]} (iterative with lottery-ticket rewinding), {@code agp[:EVENTS]}
     * (20 by default). STEPS is 1..{@value #MAX_STEPS}, EVENTS 1..{@value #MAX_EVENTS}.
     */
    static PruningSchedule parse(String spec, Settings s) {
        String k = spec.trim().toLowerCase(Locale.ROOT);
        String name = k.contains(":") ? k.substring(0, k.indexOf(':')) : k;
        String arg = k.contains(":") ? k.substring(k.indexOf(':') + 1) : null;
        return switch (name) {
            case "oneshot", "one-shot" -> {
                if (arg != null) throw new IllegalArgumentException("schedule oneshot takes no count, got '" + spec + "'");
                yield new IterativePruning(1, s.fineTuneEpochs(), s.accuracyBudget(), false);
            }
            case "iterative" -> new IterativePruning(count(arg, 8, MAX_STEPS, spec), s.fineTuneEpochs(), s.accuracyBudget(), false);
            case "lottery" -> new IterativePruning(count(arg, 8, MAX_STEPS, spec), s.fineTuneEpochs(), s.accuracyBudget(), true);
            case "agp" -> new GradualPruning(Math.max(1, s.fineTuneEpochs()), count(arg, 20, MAX_EVENTS, spec), s.agpRamp(), s.accuracyBudget());
            default -> throw new IllegalArgumentException("unknown schedule '" + spec
                    + "' (expected oneshot, iterative[:STEPS], lottery[:STEPS] or agp[:EVENTS])");
        };
    }

    private static int count(String arg, int dflt, int max, String spec) {
        if (arg == null) return dflt;
        try {
            int v = Integer.parseInt(arg);
            if (v >= 1 && v <= max) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("schedule '" + spec + "': the count must be an integer in [1, " + max + "]");
    }
}
