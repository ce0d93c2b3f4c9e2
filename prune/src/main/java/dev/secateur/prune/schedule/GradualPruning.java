package dev.secateur.prune.schedule;

import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.CompressionStep;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.scoring.PrunableLayer;

import java.util.List;
import java.util.function.Consumer;

/**
 * Gradual pruning during training (Zhu &amp; Gupta 2017, "automated gradual pruning"): over
 * {@code epochs} of fine-tuning, the sparsity rises at {@code events} evenly spaced optimizer
 * steps along the cubic s_t = s_f + (s_i − s_f)·(1 − t/(n·Δt))³, from the current sparsity s_i
 * to the target s_f; pruning ends after {@code rampFraction} of the training steps so the rest
 * recovers accuracy with the final mask.
 *
 * @param epochs       training epochs in total (>= 1)
 * @param events       pruning events n (>= 1)
 * @param rampFraction fraction of the training steps over which the sparsity ramps, in (0, 1]
 * @param accuracyBudget allowed drop below the dense accuracy in percentage points (NaN = no
 *                       limit); a run that ends beyond it is rolled back to the model it
 *                       started from (the last state within the budget)
 */
public record GradualPruning(int epochs, int events, double rampFraction, double accuracyBudget) implements PruningSchedule {

    public GradualPruning {
        if (epochs < 1) throw new IllegalArgumentException("gradual pruning needs >= 1 training epoch, got " + epochs);
        if (events < 1) throw new IllegalArgumentException("gradual pruning needs >= 1 pruning event, got " + events);
        if (!(rampFraction > 0 && rampFraction <= 1)) throw new IllegalArgumentException("ramp fraction must be in (0, 1], got " + rampFraction);
        if (accuracyBudget < 0) throw new IllegalArgumentException("accuracy budget must be >= 0 percentage points, got " + accuracyBudget);
    }

    /** Without an accuracy budget. */
    public GradualPruning(int epochs, int events, double rampFraction) {
        this(epochs, events, rampFraction, Double.NaN);
    }

    @Override public String spec() { return "agp:" + events; }

    @Override public boolean trainsOnce() { return true; }

    /** Sparsity at event k of n (k = 0 .. n), from s_i to s_f along the cubic. */
    public static double sparsityAt(int k, int n, double initial, double target) {
        double frac = 1.0 - (double) k / n;
        return target + (initial - target) * frac * frac * frac;
    }

    /** The plan at event k: the model-wide target, every per-layer target and maximum on their own cubic. */
    private PruningPlan at(PruningPlan plan, int k, double si, double sf, java.util.Map<String, Double> layerStart) {
        return plan.withDensity(1 - sparsityAt(k, events, si, sf)).withPerLayer(layersAt(k, plan.perLayer(), layerStart))
                .withMaxPerLayer(layersAt(k, plan.maxPerLayer(), layerStart));
    }

    private java.util.Map<String, Double> layersAt(int k, java.util.Map<String, Double> targets, java.util.Map<String, Double> layerStart) {
        java.util.Map<String, Double> layers = new java.util.HashMap<>();
        for (var e : targets.entrySet()) {
            double s0 = 1 - layerStart.getOrDefault(e.getKey(), 1.0);
            layers.put(e.getKey(), 1 - sparsityAt(k, events, Math.min(s0, 1 - e.getValue()), 1 - e.getValue()));
        }
        return layers;
    }

    public PruningOutcome run(Model model, PruningPlan plan, CompressionHistory history, FineTuner tuner,
                              Evaluator evaluator, Consumer<String> log) {
        return run(model, plan, history, tuner, evaluator, log, new ModelPruner());
    }

    /** As above, with a given pruner (e.g. one with a gradient source for Taylor scores). */
    @Override public PruningOutcome run(Model model, PruningPlan plan, CompressionHistory history, FineTuner tuner,
                              Evaluator evaluator, Consumer<String> log, ModelPruner pruner) {
        double start = ModelPruner.density(model);
        double accNow = evaluator.accuracy(model);
        double dense = Double.isFinite(history.denseAccuracy()) ? history.denseAccuracy() : accNow;
        if (start <= plan.density() + IterativePruning.DENSITY_SLACK) {
            String msg = String.format("already compressed: density %.4f (%.1fx) already meets the target %.4f; nothing done",
                    start, 1 / start, plan.density());
            log.accept(msg);
            return new PruningOutcome(PruningOutcome.Status.ALREADY_COMPRESSED, List.of(), start, start, dense, accNow, msg);
        }
        long perEpoch = tuner.stepsPerEpoch();
        if (perEpoch <= 0) throw new IllegalArgumentException("gradual pruning needs a fine-tuner that knows its steps per epoch");
        long total = perEpoch * epochs;
        long every = Math.max(1, (long) Math.floor(total * rampFraction / events));
        double si = 1 - start, sf = 1 - plan.density();
        java.util.Map<String, Double> layerStart = new java.util.HashMap<>();
        for (PrunableLayer l : PrunableLayer.findAll(model)) layerStart.put(l.name(), l.weight().nonZeros() / (double) Math.max(1, l.size()));
        ModelSnapshot startPoint = ModelSnapshot.of(model);
        // Event 0 happens before the first step so training starts on the first mask.
        pruner.apply(model, at(plan, 1, si, sf, layerStart));
        int[] done = {1};
        tuner.fineTune(model, epochs, step -> {
            if (step % every == 0 && done[0] < events) {
                done[0]++;
                pruner.apply(model, at(plan, done[0], si, sf, layerStart));
                if (done[0] == events || done[0] % Math.max(1, events / 5) == 0) {
                    log.accept(String.format("agp: event %d/%d at step %d/%d, density %.4f", done[0], events, step, total, ModelPruner.density(model)));
                }
            }
        });
        while (done[0] < events) { // fewer steps than events: finish the ramp
            done[0]++;
            pruner.apply(model, at(plan, done[0], si, sf, layerStart));
        }
        String emptied = EmptyLayers.find(model);
        if (emptied != null) {
            startPoint.restore();
            String msg = String.format("agp emptied layer %s (no weight left); rolled back to the starting model (density %.4f) and stopped", emptied, start);
            log.accept(msg);
            return new PruningOutcome(PruningOutcome.Status.LAYER_EMPTIED, List.of(), start, start, dense, accNow, msg);
        }
        double acc = evaluator.accuracy(model);
        double fin = ModelPruner.density(model);
        if (Double.isFinite(accuracyBudget) && (dense - acc) * 100 > accuracyBudget + 1e-9) {
            startPoint.restore();
            String msg = String.format("accuracy budget broken: agp ended at density %.4f (%.1fx) with %.2f%%, %.2f pp below dense %.2f%% (budget %.2f pp); "
                    + "rolled back to the starting model (density %.4f, accuracy %.2f%%)", fin, 1 / fin, 100 * acc, 100 * (dense - acc), 100 * dense,
                    accuracyBudget, start, 100 * accNow);
            log.accept(msg);
            return new PruningOutcome(PruningOutcome.Status.BUDGET_BROKEN, List.of(), start, start, dense, accNow, msg);
        }
        CompressionStep step = new CompressionStep("prune", plan.criterion().cliName(), plan.granularity().toString(), plan.scope().toString(),
                "agp:" + events + " over " + epochs + " epochs", plan.density(), fin, accNow, acc);
        history.add(step);
        String msg = String.format("agp reached density %.4f (%.1fx), accuracy %.2f%% (dense %.2f%%, drop %.2f pp)",
                fin, 1 / fin, 100 * acc, 100 * dense, 100 * (dense - acc));
        PruningOutcome.Status status = PruningOutcome.Status.REACHED_TARGET;
        if (fin > plan.density() + IterativePruning.DENSITY_SLACK) {
            status = PruningOutcome.Status.TARGET_UNREACHABLE;
            msg = String.format("target density %.4f NOT reached: density caps or exclusions stopped at %.4f (%.1fx); accuracy %.2f%%",
                    plan.density(), fin, 1 / fin, 100 * acc);
        }
        log.accept(msg);
        return new PruningOutcome(status, List.of(step), start, fin, dense, acc, msg);
    }
}
