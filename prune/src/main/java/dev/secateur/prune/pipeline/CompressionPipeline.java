package dev.secateur.prune.pipeline;

import dev.secateur.datasets.Batch;
import dev.secateur.datasets.Batcher;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.compressed.CompressionStep;
import dev.secateur.nn.compressed.OriginalModel;
import dev.secateur.nn.optim.Adam;
import dev.secateur.nn.optim.Optimizer;
import dev.secateur.nn.optim.Sgd;
import dev.secateur.prune.compact.CompactionCheck;
import dev.secateur.prune.compact.StructuredCompactor;
import dev.secateur.prune.mask.DensityCaps;
import dev.secateur.prune.mask.ModelPruner;
import dev.secateur.prune.mask.PruningPlan;
import dev.secateur.prune.mask.Scope;
import dev.secateur.prune.quant.ModelQuantizer;
import dev.secateur.prune.report.CompressionReport;
import dev.secateur.prune.report.LayerFootprint;
import dev.secateur.prune.schedule.DatasetEvaluator;
import dev.secateur.prune.schedule.Evaluator;
import dev.secateur.prune.schedule.GradientAccumulator;
import dev.secateur.prune.schedule.IterativePruning;
import dev.secateur.prune.schedule.PruningOutcome;
import dev.secateur.prune.schedule.PruningSchedule;
import dev.secateur.prune.schedule.WindowFineTuner;
import dev.secateur.prune.scoring.Criterion;
import dev.secateur.prune.scoring.Granularity;
import dev.secateur.prune.scoring.PrunableLayer;
import dev.secateur.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The seed's loop as one call: pre-check ("already compressed?"), score, mask, prune, evaluate,
 * fine-tune (optionally distilled from the input model), repeat to a {@link Target} under a
 * {@link PruningSchedule}, quantize to int8, compact, and say how it went. Guard rails: an
 * accuracy budget (1 pp by default) with rollback to the last step within it, no layer is ever
 * emptied, and every option is checked before any work.
 *
 * <pre>{@code
 * CompressionPipeline p = CompressionPipeline.builder().target(new Target.Compression(12)).schedule("agp").build();
 * PipelineResult r = p.run(loaded.model(), loaded.history(), loaded.int8(), FashionMnist.load(), PipelineListener.SILENT);
 * }</pre>
 */
public final class CompressionPipeline {
    /** Distillation temperature and default weight of the teacher term. */
    public static final double DISTILL_TEMPERATURE = 4, DISTILL_ALPHA = 0.7;

    private final Criterion criterion;
    private final Granularity granularity;
    private final Scope scope;
    private final Target target;
    private final Map<String, Double> layerDensities;
    private final Map<String, Double> maxDensities;
    private final Set<String> exclude;
    private final double minDensity;
    private final String scheduleSpec;
    private final double fineTuneEpochs;
    private final double accuracyBudget;
    private final double agpRamp;
    private final double lr;
    private final int batch;
    private final String optimizer;
    private final double momentum;
    private final double weightDecay;
    private final boolean distill;
    private final double distillWeight;
    private final boolean int8;
    private final boolean compact;
    private final long seed;
    private final PruningSchedule schedule;

    private CompressionPipeline(Builder b) {
        criterion = b.criterion;
        granularity = b.granularity;
        scope = b.scope;
        layerDensities = Map.copyOf(b.layerDensities);
        maxDensities = Map.copyOf(b.maxDensities);
        exclude = Set.copyOf(b.exclude);
        minDensity = b.minDensity;
        scheduleSpec = b.schedule;
        fineTuneEpochs = b.fineTuneEpochs;
        accuracyBudget = b.accuracyBudget;
        agpRamp = b.agpRamp;
        lr = b.lr;
        batch = b.batch;
        optimizer = b.optimizer;
        momentum = b.momentum;
        weightDecay = b.weightDecay;
        distill = b.distill;
        distillWeight = b.distillWeight;
        int8 = b.int8;
        compact = b.compact;
        seed = b.seed;
        if (b.target == null) {
            if (!(granularity instanceof Granularity.NOfM) && layerDensities.isEmpty()) {
                throw new IllegalArgumentException("give a target: --compression, --sparsity, --flops-reduction, --size-bytes or --plan");
            }
            target = new Target.PerLayerOnly();
        } else {
            if (granularity instanceof Granularity.NOfM) {
                throw new IllegalArgumentException("granularity " + granularity + " fixes the sparsity; give no other target");
            }
            target = b.target;
        }
        for (var e : layerDensities.entrySet()) {
            if (!(e.getValue() > 0 && e.getValue() <= 1)) {
                throw new IllegalArgumentException("density of layer " + e.getKey() + " must be in (0, 1] (0 would empty it), got " + e.getValue());
            }
        }
        if (!(minDensity >= 0 && minDensity <= 1)) throw new IllegalArgumentException("--min-density must be in [0, 1], got " + minDensity);
        for (var e : maxDensities.entrySet()) {
            double max = e.getValue();
            if (!(max > 0 && max <= 1)) {
                throw new IllegalArgumentException("--max-density of layer " + e.getKey() + " must be in (0, 1] (0 would empty it), got " + max);
            }
            if (max < minDensity) {
                throw new IllegalArgumentException("--max-density " + e.getKey() + "=" + max + " is below --min-density " + minDensity);
            }
            Double own = layerDensities.get(e.getKey());
            if (own != null && own > max) {
                throw new IllegalArgumentException("layer " + e.getKey() + " has target density " + own + " above its --max-density " + max);
            }
        }
        if (granularity instanceof Granularity.NOfM && !maxDensities.isEmpty()) {
            throw new IllegalArgumentException("granularity " + granularity + " fixes every layer's density; --max-density does not apply");
        }
        if (!(fineTuneEpochs >= 0 && fineTuneEpochs <= 1000)) throw new IllegalArgumentException("--finetune-epochs must be in [0, 1000], got " + fineTuneEpochs);
        if (!(Double.isNaN(accuracyBudget) || accuracyBudget >= 0 && accuracyBudget <= 100)) {
            throw new IllegalArgumentException("--accuracy-budget must be in [0, 100] percentage points or 'none', got " + accuracyBudget);
        }
        if (!(distillWeight >= 0 && distillWeight <= 1)) throw new IllegalArgumentException("--distill-weight must be in [0, 1], got " + distillWeight);
        if (!(lr > 0 && lr <= 10)) throw new IllegalArgumentException("--lr must be in (0, 10], got " + lr);
        if (batch < 1 || batch > 65536) throw new IllegalArgumentException("--batch must be in [1, 65536], got " + batch);
        if (!optimizer.equals("adam") && !optimizer.equals("sgd")) throw new IllegalArgumentException("unknown --optimizer '" + optimizer + "' (adam, sgd)");
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0 && weightDecay < 1)) throw new IllegalArgumentException("--weight-decay must be in [0, 1), got " + weightDecay);
        schedule = PruningSchedule.parse(scheduleSpec, new PruningSchedule.Settings((int) Math.ceil(fineTuneEpochs - 1e-9), accuracyBudget,
                agpRamp));
        if (schedule.trainsOnce() && !(fineTuneEpochs >= 1 && fineTuneEpochs == Math.rint(fineTuneEpochs))) {
            throw new IllegalArgumentException("--schedule " + scheduleSpec + " needs whole --finetune-epochs >= 1, got " + fineTuneEpochs);
        }
        if (compact && !granularity.isStructured()) throw new IllegalArgumentException("--compact needs filter or channel granularity, got " + granularity);
        if (criterion.needsGradients() && distill) throw new IllegalArgumentException("distillation with the " + criterion + " criterion is not offered");
    }

    public static Builder builder() { return new Builder(); }

    public PruningSchedule schedule() { return schedule; }

    public Target target() { return target; }

    /** Remarks on the options themselves (e.g. two criteria that coincide here). */
    public List<String> notes() {
        return criterionNotes(criterion, granularity);
    }

    /** A note when {@code c} gives exactly the masks of another criterion at {@code g} (one weight per unit). */
    public static List<String> criterionNotes(Criterion c, Granularity g) {
        List<String> notes = new ArrayList<>();
        if (g instanceof Granularity.Unstructured || g instanceof Granularity.NOfM) {
            if (c == Criterion.L2) {
                notes.add("note: at " + g + " granularity each unit is one weight, so l2 (sqrt(w^2) = |w|) gives exactly the masks of l1");
            } else if (c == Criterion.MAX_PLUS_BIAS) {
                notes.add("note: at " + g + " granularity each unit is one weight, so max-bias (seed-max) gives exactly the masks of "
                        + "l1-bias (seed): the sum and the maximum of one weight are the same");
            }
        }
        return notes;
    }

    /**
     * Checks what can be checked against the model before any data is read: layer names in
     * per-layer targets and exclusions, and that the model has something to prune.
     */
    public void checkModel(Model model) {
        List<PrunableLayer> layers = PrunableLayer.findAll(model);
        if (layers.isEmpty()) throw new IllegalArgumentException("model " + model.architecture() + " has no dense or conv layer to prune");
        Set<String> names = new HashSet<>();
        for (PrunableLayer l : layers) names.add(l.name());
        for (String n : layerDensities.keySet()) {
            if (!names.contains(n)) throw new IllegalArgumentException("per-layer density for '" + n + "': no such prunable layer (layers: " + names(layers) + ")");
        }
        for (String n : maxDensities.keySet()) {
            if (!names.contains(n)) throw new IllegalArgumentException("--max-density for '" + n + "': no such prunable layer (layers: " + names(layers) + ")");
        }
        for (String n : exclude) {
            if (!names.contains(n)) throw new IllegalArgumentException("--exclude '" + n + "': no such prunable layer (layers: " + names(layers) + ")");
        }
        if (granularity instanceof Granularity.Block bl) {
            boolean fits = layers.stream().anyMatch(l -> bl.rows() <= l.view().outputs() && bl.cols() <= l.view().inputs() * l.view().taps());
            if (!fits) throw new IllegalArgumentException("granularity " + bl + " is larger than every layer's weight matrix (" + shapes(layers) + ")");
        }
    }

    /** Checks that {@code data} is the kind of data {@code model} was made for (image shape, class count). */
    public static void checkData(Model model, TrainTest data) {
        if (!model.inputShape().equals(data.test().imageShape())) {
            throw new IllegalArgumentException("model " + model.architecture() + " takes " + model.inputShape() + " but the data images are " + data.test().imageShape());
        }
        int outputs = model.outputShape().size();
        if (outputs != data.test().numClasses()) {
            throw new IllegalArgumentException("model " + model.architecture() + " has " + outputs + " outputs but the data has " + data.test().numClasses() + " classes");
        }
    }

    /** The dense model's figures, recorded in a history that starts from it. */
    public static OriginalModel describeOriginal(Model model, double accuracy) {
        List<LayerFootprint> f = CompressionReport.footprints(model);
        return new OriginalModel(model.architecture(), model.parameterCount(), f.stream().mapToLong(LayerFootprint::weights).sum(),
                f.stream().mapToLong(LayerFootprint::flopsDense).sum(), CompressedModelFile.denseBytes(model), accuracy);
    }

    /**
     * Runs the pipeline on {@code model} in place.
     *
     * @param inputInt8 the model's weights are int8 already (they stay int8)
     */
    public PipelineResult run(Model model, CompressionHistory history, boolean inputInt8, TrainTest data, PipelineListener listener) {
        return run(model, history, inputInt8, null, data, listener);
    }

    /**
     * As above, for a model that will be saved with the {@code training} metadata of its file
     * (counted by a file-size target).
     */
    public PipelineResult run(Model model, CompressionHistory history, boolean inputInt8, String training, TrainTest data,
                              PipelineListener listener) {
        Objects.requireNonNull(listener, "listener");
        checkModel(model);
        checkData(model, data);
        ModelPruner.masksFromZeros(model);
        List<String> notes = notes();
        notes.forEach(listener::log);

        listener.phase("evaluate the input model");
        DatasetEvaluator evaluator = new DatasetEvaluator(data.test()).withProgress(listener::progress);
        double accStart = evaluator.accuracy(model);
        if (history.original() == null && history.isEmpty() && ModelPruner.density(model) >= 1.0 - 1e-9 && !inputInt8) {
            history.recordOriginal(describeOriginal(model, accStart));
        }
        OriginalModel original = history.original() != null ? history.original() : describeOriginal(model, history.denseAccuracy());

        PruningPlan plan = new PruningPlan(criterion, granularity, scope, 1.0, layerDensities, DensityCaps.atLeast(minDensity), maxDensities, exclude, seed);
        double density = TargetResolver.density(target, model, plan, history, original, int8 || inputInt8,
                historyGrowth() + (training == null ? 0 : dev.secateur.nn.io.Json.write(training).length() + 16));
        plan = plan.withDensity(density);
        listener.phase("pre-check: already compressed?");
        PreCheck pre = PreCheck.of(model.architecture(), model, history, inputInt8, density);
        pre.lines().forEach(listener::log);
        listener.log(String.format(Locale.ROOT, "target: %s -> density %.4f (%.1fx), %s %s %s, schedule %s", target.describe(), density,
                1 / Math.max(density, 1e-12), criterion, granularity, scope, schedule.spec()));
        if (!pre.meetsTarget()) {
            String emptied = TargetResolver.layerEmptiedBy(model, plan);
            if (emptied != null) {
                throw new IllegalArgumentException("this target would empty layer " + emptied + " (" + granularity + " granularity, " + scope
                        + " scope): lower the target, raise --min-density, give it its own density with --layer-density " + emptied
                        + "=D, or --exclude " + emptied);
            }
        }

        listener.phase("prune (" + schedule.spec() + ")");
        Model teacher = distill ? model.copy() : null;
        double epochs = Math.max(fineTuneEpochs, 1e-3);
        WindowFineTuner tuner = new WindowFineTuner(data.train(), schedule.trainsOnce() ? 1 : epochs, batch, lr, seed, listener::progress);
        tuner.useOptimizer(optimizerFactory());
        if (teacher != null) tuner.distillFrom(teacher, DISTILL_TEMPERATURE, distillWeight);
        ModelPruner pruner = new ModelPruner(criterion.needsGradients() ? new GradientAccumulator(data.train(), batch, 16) : null);
        Evaluator firstKnown = new Evaluator() { // the schedule evaluates the unchanged model first: that was just measured
            private boolean first = true;
            @Override public double accuracy(Model m) {
                if (first) {
                    first = false;
                    return accStart;
                }
                return evaluator.accuracy(m);
            }
        };
        PruningOutcome outcome = schedule.run(model, plan, history, tuner, firstKnown, listener::log, pruner);
        double accPruned = outcome.finalAccuracy(), acc = accPruned;
        boolean quantized = inputInt8;
        double diff = Double.NaN;
        PipelineResult partial = new PipelineResult(model, history, inputInt8, outcome, pre, original, density, accStart, accPruned, acc, diff, notes);
        if (!partial.changed()) return partial;

        if (int8 || inputInt8) {
            listener.phase("quantize: int8 weights, symmetric per output channel");
            new ModelQuantizer().quantize(model);
            acc = evaluator.accuracy(model);
            if (!inputInt8) history.add(new CompressionStep("quantize", "", "int8-per-channel", "", "", Double.NaN, ModelPruner.density(model), accPruned, acc));
            listener.log(String.format(Locale.ROOT, "int8: accuracy %.2f%% -> %.2f%%", 100 * accPruned, 100 * acc));
            quantized = true;
        }
        Model result = model;
        if (compact) {
            listener.phase("compact: remove pruned filters and channels");
            Model small = new StructuredCompactor().compact(model);
            diff = CompactionCheck.verify(model, small, firstTestImages(data, 64), CompactionCheck.TOLERANCE);
            double accSmall = evaluator.accuracy(small);
            listener.log(String.format(Locale.ROOT, "compacted: %,d -> %,d parameters, max |dy| vs masked model %.2e, accuracy %.2f%%",
                    model.parameterCount(), small.parameterCount(), diff, 100 * accSmall));
            history.add(new CompressionStep("compact", "", granularity.toString(), "", "", Double.NaN, ModelPruner.density(small), acc, accSmall));
            result = small;
            acc = accSmall;
        }
        return new PipelineResult(result, history, quantized, outcome, pre, original, density, accStart, accPruned, acc, diff, notes);
    }

    /**
     * Load, run, save: the whole pipeline on a file. Nothing is written when the input already
     * met the target or a guard rail rolled every step back.
     */
    public PipelineResult run(Path input, TrainTest data, Path output, PipelineListener listener) throws IOException {
        CompressedModelFile.Loaded in = CompressedModelFile.load(input);
        PipelineResult r = run(in.model(), in.history(), in.int8(), in.training(), data, listener);
        if (r.changed()) CompressedModelFile.save(r.model(), r.history(), r.int8(), in.training(), in.normalization(), output);
        return r;
    }

    /** Bytes the history grows by in a run: one entry per pruning step, int8 and compaction, each about the size of a full step. */
    private long historyGrowth() {
        int steps = (schedule instanceof IterativePruning ip ? ip.steps() : 1) + 2;
        CompressionStep typical = new CompressionStep("prune", criterion.cliName(), granularity.toString(), scope.toString(),
                schedule.spec() + " step 100/100", 0.123456789, 0.123456789, 0.123456789, 0.123456789);
        return (long) steps * (dev.secateur.nn.io.Json.write(typical.toTree()).length() + 8);
    }

    private Supplier<Optimizer> optimizerFactory() {
        double rate = lr, mom = momentum, wd = weightDecay;
        return optimizer.equals("sgd") ? () -> new Sgd(rate, mom, wd, false) : () -> new Adam(rate);
    }

    private static Tensor firstTestImages(TrainTest tt, int n) {
        for (Batch b : Batcher.sequential(tt.test(), n).epoch(0)) return b.images().copy();
        throw new IllegalArgumentException("empty test set");
    }

    private static String names(List<PrunableLayer> layers) {
        return String.join(", ", layers.stream().map(PrunableLayer::name).toList());
    }

    private static String shapes(List<PrunableLayer> layers) {
        Map<String, String> m = new LinkedHashMap<>();
        for (PrunableLayer l : layers) m.put(l.name(), l.view().outputs() + "x" + l.view().inputs() * l.view().taps());
        return m.toString();
    }

    /** The options, with the command line's defaults. */
    public static final class Builder {
        private Criterion criterion = Criterion.L1;
        private Granularity granularity = Granularity.UNSTRUCTURED;
        private Scope scope = Scope.LAYER;
        private Target target;
        private Map<String, Double> layerDensities = Map.of();
        private Map<String, Double> maxDensities = Map.of();
        private Set<String> exclude = Set.of();
        private double minDensity = 0.01;
        private String schedule = "oneshot";
        private double fineTuneEpochs = 1;
        private double accuracyBudget = 1.0;
        private double agpRamp = 0.75;
        private double lr = 5e-4;
        private int batch = 64;
        private String optimizer = "adam";
        private double momentum = 0.9;
        private double weightDecay = 5e-4;
        private boolean distill;
        private double distillWeight = DISTILL_ALPHA;
        private boolean int8;
        private boolean compact;
        private long seed = 1;

        private Builder() {}

        public Builder criterion(Criterion c) { criterion = Objects.requireNonNull(c); return this; }
        public Builder granularity(Granularity g) { granularity = Objects.requireNonNull(g); return this; }
        public Builder scope(Scope s) { scope = Objects.requireNonNull(s); return this; }
        /** What to reach; null when the per-layer densities (or N:M) say it all. */
        public Builder target(Target t) { target = t; return this; }
        /** Per-layer target densities (both scopes), e.g. from a sensitivity plan. */
        public Builder layerDensities(Map<String, Double> d) { layerDensities = d == null ? Map.of() : d; return this; }
        /** Per-layer maximum densities (both scopes): a named layer keeps at most that fraction of its weights. */
        public Builder maxDensities(Map<String, Double> d) { maxDensities = d == null ? Map.of() : d; return this; }
        public Builder exclude(Set<String> names) { exclude = names == null ? Set.of() : names; return this; }
        /** Every layer keeps at least this fraction (both scopes). */
        public Builder minDensity(double d) { minDensity = d; return this; }
        /** {@code oneshot}, {@code iterative[:STEPS]}, {@code lottery[:STEPS]}, {@code agp[:EVENTS]}. */
        public Builder schedule(String spec) { schedule = Objects.requireNonNull(spec); return this; }
        /** Per step (agp: in total, whole); fractions pass over part of the training set. 0 = no fine-tuning. */
        public Builder fineTuneEpochs(double e) { fineTuneEpochs = e; return this; }
        /** Percentage points below the dense accuracy; NaN lifts the budget. */
        public Builder accuracyBudget(double pp) { accuracyBudget = pp; return this; }
        public Builder agpRamp(double f) { agpRamp = f; return this; }
        public Builder learningRate(double r) { lr = r; return this; }
        public Builder batch(int b) { batch = b; return this; }
        /** {@code adam} or {@code sgd} (with momentum and weight decay). */
        public Builder optimizer(String name, double momentum, double weightDecay) {
            this.optimizer = Objects.requireNonNull(name);
            this.momentum = momentum;
            this.weightDecay = weightDecay;
            return this;
        }
        /** Fine-tune against the input model's soft outputs (knowledge distillation). */
        public Builder distill(boolean on) { distill = on; return this; }
        /** Weight of the teacher term in the distillation loss, in [0, 1] (0.7 by default). */
        public Builder distillWeight(double alpha) { distillWeight = alpha; return this; }
        public Builder int8(boolean on) { int8 = on; return this; }
        /** Physically remove pruned filters/channels after pruning. */
        public Builder compact(boolean on) { compact = on; return this; }
        public Builder seed(long s) { seed = s; return this; }

        /** Validates every option; throws {@link IllegalArgumentException} naming the first bad one. */
        public CompressionPipeline build() { return new CompressionPipeline(this); }
    }
}
