package dev.secateur.prune.schedule;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.CompressionStep;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.scoring.PrunableLayer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The seed's loop: pre-check (already compressed? then do nothing), then repeat
 * "prune a step → fine-tune with the mask fixed → test" until the target density, stopping
 * early when test accuracy falls more than the budget below the dense model's. A step that
 * breaks the budget is rolled back, so the returned model is the last one within budget.
 *
 * <p>Densities shrink geometrically from the current density d₀ to the target d_T
 * (d_k = d₀·(d_T/d₀)^(k/S)): each step removes the same fraction of what is left, which keeps
 * late steps gentle at high compression. {@code steps = 1} is one-shot pruning (plus the
 * optional fine-tuning). With {@code rewind}, surviving weights are reset after each pruning
 * step to their values when the schedule started (lottery-ticket rewinding) before fine-tuning.
 *
 * @param steps          number of pruning steps S >= 1
 * @param fineTuneEpochs epochs of fine-tuning after each step (0 = none)
 * @param accuracyBudget allowed drop below the dense accuracy, in percentage points (NaN = no limit)
 * @param rewind         lottery-ticket rewind of surviving weights after each step
 */
public record IterativePruning(int steps, int fineTuneEpochs, double accuracyBudget, boolean rewind) implements PruningSchedule {

    public IterativePruning {
        if (steps < 1) throw new IllegalArgumentException("iterative pruning needs >= 1 step, got " + steps);
        if (fineTuneEpochs < 0) throw new IllegalArgumentException("fine-tune epochs must be >= 0, got " + fineTuneEpochs);
        if (accuracyBudget < 0) throw new IllegalArgumentException("accuracy budget must be >= 0 percentage points, got " + accuracyBudget);
    }

    @Override public String spec() {
        return steps == 1 && !rewind ? "oneshot" : (rewind ? "lottery:" : "iterative:") + steps;
    }

    /** One-shot pruning followed by {@code fineTuneEpochs} of fine-tuning. */
    public static IterativePruning oneShot(int fineTuneEpochs) {
        return new IterativePruning(1, fineTuneEpochs, Double.NaN, false);
    }

    /** Per-layer targets and maxima move along the same geometric path as the model-wide one. */
    private java.util.Map<String, Double> layerTargetsAt(int k, java.util.Map<String, Double> targets, java.util.Map<String, Double> layerStart) {
        java.util.Map<String, Double> out = new java.util.HashMap<>();
        for (var e : targets.entrySet()) {
            double s0 = layerStart.getOrDefault(e.getKey(), 1.0);
            double d = e.getValue();
            double dk;
            if (k == steps || s0 <= d) dk = d;
            else if (d == 0) dk = s0 * (1 - (double) k / steps); // a geometric path never reaches 0
            else dk = s0 * Math.pow(d / s0, (double) k / steps);
            out.put(e.getKey(), dk);
        }
        return out;
    }

    /** Kept-fraction slack when deciding "already at the target" (rounding of unit counts). */
    static final double DENSITY_SLACK = 1e-4;

    /**
     * Runs the schedule on {@code model} in place and appends its steps to {@code history}.
     *
     * @param log receives one progress line per step
     */
    public PruningOutcome run(Model model, PruningPlan plan, CompressionHistory history, FineTuner tuner,
                              Evaluator evaluator, Consumer<String> log) {
        return run(model, plan, history, tuner, evaluator, log, new ModelPruner());
    }

    /** As above, with a given pruner (e.g. one with a gradient source for Taylor scores). */
    @Override public PruningOutcome run(Model model, PruningPlan plan, CompressionHistory history, FineTuner tuner,
                              Evaluator evaluator, Consumer<String> log, ModelPruner pruner) {
        double start = ModelPruner.density(model);
        double target = plan.density();
        double accNow = evaluator.accuracy(model);
        double dense = Double.isFinite(history.denseAccuracy()) ? history.denseAccuracy() : accNow;
        if (start <= target + DENSITY_SLACK) {
            String msg = String.format("already compressed: density %.4f (%.1fx) already meets the target %.4f (%.1fx); nothing done",
                    start, 1 / start, target, 1 / target);
            log.accept(msg);
            return new PruningOutcome(PruningOutcome.Status.ALREADY_COMPRESSED, List.of(), start, start, dense, accNow, msg);
        }
        if (start < 1.0 - DENSITY_SLACK) {
            log.accept(String.format("continuing from the recorded state: density %.4f (%.1fx) -> target %.4f", start, 1 / start, target));
        }
        ModelSnapshot rewindPoint = rewind ? ModelSnapshot.of(model) : null;
        java.util.Map<String, Double> layerStart = new java.util.HashMap<>();
        for (PrunableLayer l : PrunableLayer.findAll(model)) layerStart.put(l.name(), l.weight().nonZeros() / (double) Math.max(1, l.size()));
        List<CompressionStep> done = new ArrayList<>();
        String scheduleName = spec();
        if (rewind) log.accept("lottery-ticket rewind: after each pruning step the surviving weights go back to their values at the start");
        for (int k = 1; k <= steps; k++) {
            double dk = k == steps ? target : start * Math.pow(target / start, (double) k / steps);
            ModelSnapshot before = ModelSnapshot.of(model);
            pruner.apply(model, plan.withDensity(dk).withPerLayer(layerTargetsAt(k, plan.perLayer(), layerStart)).withMaxPerLayer(layerTargetsAt(k, plan.maxPerLayer(), layerStart)));
            String emptied = EmptyLayers.find(model);
            if (emptied != null) {
                before.restore();
                String msg = String.format("step %d/%d would empty layer %s (no weight left); rolled back to density %.4f and stopped",
                        k, steps, emptied, ModelPruner.density(model));
                log.accept(msg);
                return new PruningOutcome(PruningOutcome.Status.LAYER_EMPTIED, done, start, ModelPruner.density(model), dense, accNow, msg);
            }
            if (rewindPoint != null) rewindPoint.rewindKeepingMasks();
            if (fineTuneEpochs > 0) tuner.fineTune(model, fineTuneEpochs, s -> { });
            double acc = evaluator.accuracy(model);
            double d = ModelPruner.density(model);
            CompressionStep step = new CompressionStep("prune", plan.criterion().cliName(), plan.granularity().toString(),
                    plan.scope().toString(), scheduleName + " step " + k + "/" + steps, dk, d, accNow, acc);
            log.accept(String.format("step %d/%d: density %.4f (%.1fx), accuracy %.2f%% -> %.2f%% (dense %.2f%%)%s",
                    k, steps, d, 1 / d, 100 * accNow, 100 * acc, 100 * dense, rewind ? ", surviving weights rewound before fine-tuning" : ""));
            if (Double.isFinite(accuracyBudget) && (dense - acc) * 100 > accuracyBudget + 1e-9) {
                before.restore();
                double back = ModelPruner.density(model);
                String msg = String.format("accuracy budget broken at step %d/%d: %.2f%% is %.2f pp below dense %.2f%% (budget %.2f pp); "
                                + "rolled back to density %.4f (%.1fx), accuracy %.2f%%",
                        k, steps, 100 * acc, 100 * (dense - acc), 100 * dense, accuracyBudget, back, 1 / back, 100 * accNow);
                log.accept(msg);
                return new PruningOutcome(PruningOutcome.Status.BUDGET_BROKEN, done, start, back, dense, accNow, msg);
            }
            history.add(step);
            done.add(step);
            accNow = acc;
        }
        double fin = ModelPruner.density(model);
        String msg = String.format("reached density %.4f (%.1fx) in %d step(s), accuracy %.2f%% (dense %.2f%%, drop %.2f pp)",
                fin, 1 / fin, steps, 100 * accNow, 100 * dense, 100 * (dense - accNow));
        PruningOutcome.Status status = PruningOutcome.Status.REACHED_TARGET;
        if (fin > target + DENSITY_SLACK) {
            status = PruningOutcome.Status.TARGET_UNREACHABLE;
            msg = String.format("target density %.4f (%.1fx) NOT reached: density caps or exclusions stopped at %.4f (%.1fx); accuracy %.2f%% (dense %.2f%%)",
                    target, 1 / target, fin, 1 / fin, 100 * accNow, 100 * dense);
        }
        log.accept(msg);
        return new PruningOutcome(status, done, start, fin, dense, accNow, msg);
    }
}
