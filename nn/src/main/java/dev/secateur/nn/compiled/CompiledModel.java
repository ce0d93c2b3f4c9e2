package dev.secateur.nn.compiled;

import dev.secateur.nn.Model;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;
import dev.secateur.tensor.sparse.FormatCost;
import dev.secateur.tensor.sparse.FormatPolicy;
import dev.secateur.tensor.sparse.SparseFormats;
import dev.secateur.tensor.tune.KernelTuner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An inference-only form of a (pruned, possibly int8-quantized) {@link Model} that runs each
 * dense and convolution layer with the kernel measured fastest for that layer.
 *
 * <pre>{@code
 * CompiledModel cm = CompiledModel.compile(model);   // tuned for single samples and batches
 * float[] logits = cm.predict(image);                 // one [C, H, W] sample
 * int[] classes = cm.classify(batch);                 // [N, C, H, W]
 * }</pre>
 *
 * <p>Compiling: dropout is removed, every BatchNorm that follows a dense/conv layer is folded
 * into it, a ReLU that follows a dense/conv layer or a residual add is fused into that step's
 * epilogue. For every dense/conv layer and every calibrated batch size (by default 1 and 64; a
 * call runs with the choices of the calibrated size nearest its own), the candidate kernels are
 * those the shared format policy lets through ({@link KernelFactory}: a layer whose weight is
 * dense has only the dense kernel, plus the direct convolution for a convolution), timed by the
 * shared {@link KernelTuner} on the layer's real shape and weights and on the activations that
 * random inputs give, once their kernels are JIT-compiled; a kernel replaces dense only when it is
 * faster by more than the measured noise. Equal layers compiled again in the same JVM get the
 * same kernels. {@link #choices()} reports them; {@link #choicesJson()} can be stored in a model
 * file under {@link #KERNEL_CHOICE_KEY} so a later compile
 * ({@link CompileOptions#withCachedChoices}) skips the measuring.
 *
 * <p>Running: immutable and thread-safe. Each calling thread gets its own workspace (activation
 * buffers, im2col patches) on first use; after a warm-up call with the largest batch, a call
 * allocates nothing but its result (with a one-thread pool; a multi-thread pool hands tasks to
 * its workers through small lambdas). Results equal the uncompiled model's up to float rounding
 * (summation order differs between kernels).
 */
public final class CompiledModel {
    /** Model-file metadata key of the stored kernel choices. */
    public static final String KERNEL_CHOICE_KEY = "secateur.kernel_choice";
    /**
     * How far a logit predicted in a batch may lie from the same sample's logit predicted alone,
     * relative to the largest logit magnitude of that sample (at least 1): batch 1 and larger
     * batches run different kernels (GEMV against GEMM, other sparse formats), which sum in
     * different orders, so the two are not bitwise equal. Predictions of the same batch size are
     * bitwise repeatable.
     */
    public static final double BATCH_TOLERANCE = 1e-5;
    private static final int MIN_CHUNK = 64;

    private final String architecture;
    private final Shape inputShape, outputShape;
    private final List<Op> ops;
    /** The steps as an array: the per-call loop indexes it (a list iterator can cost an allocation per call). */
    private final Op[] steps;
    private final int[] perSample;
    private final int output;
    private final int[] batchSizes;
    private final int chunk;
    private final Workers workers;
    private final List<KernelChoice> choices;
    private final ThreadLocal<Workspace> workspaces;

    private CompiledModel(Model model, Planner.Plan plan, int[] batchSizes, Workers workers, List<KernelChoice> choices) {
        this.architecture = model.architecture();
        this.inputShape = model.inputShape();
        this.outputShape = model.outputShape();
        this.ops = plan.ops();
        this.steps = ops.toArray(new Op[0]);
        this.perSample = plan.perSample();
        this.output = plan.output();
        this.batchSizes = batchSizes;
        this.chunk = Math.max(MIN_CHUNK, batchSizes[batchSizes.length - 1]);
        this.workers = workers;
        this.choices = List.copyOf(choices);
        this.workspaces = ThreadLocal.withInitial(() -> new Workspace(perSample, workers.threads()));
    }

    /** Compiles with {@link CompileOptions#defaults()} (batch sizes 1 and 64, shared pool). */
    public static CompiledModel compile(Model model) {
        return compile(model, CompileOptions.defaults());
    }

    /** Compiles {@code model}; later changes to the model do not affect the result. */
    public static CompiledModel compile(Model model, CompileOptions options) {
        if (model == null) throw new IllegalArgumentException("model is null");
        int[] sizes = options.batchSizes();
        Workers workers = options.workers();
        ChoiceCache cache = ChoiceCache.parse(options.cachedChoices(), workers.threads());
        Planner.Plan plan = Planner.plan(model, sizes.length);
        long budget = options.calibrationBudget().toNanos();
        List<KernelChoice> choices = new ArrayList<>();
        for (int slot = 0; slot < sizes.length; slot++) {
            choices.addAll(calibrate(model, plan, slot, sizes[slot], workers, budget, options, cache));
        }
        return new CompiledModel(model, plan, sizes, workers, choices);
    }

    /**
     * Runs the plan once on random inputs of {@code batch} samples, choosing each linear step's
     * kernel for that slot when the step is reached (so it is timed on realistic activations).
     */
    private static List<KernelChoice> calibrate(Model model, Planner.Plan plan, int slot, int batch, Workers workers, long budget,
                                                CompileOptions options, ChoiceCache cache) {
        Workspace ws = new Workspace(plan.perSample(), workers.threads());
        ws.ensure(batch);
        float[] input = new float[model.inputShape().size() * batch];
        SplittableRandom rnd = new SplittableRandom(0x5ECA7E + batch);
        for (int i = 0; i < input.length; i++) input[i] = (float) rnd.nextDouble(-1, 1);
        ws.bindInput(input, 0);
        List<KernelChoice> out = new ArrayList<>();
        for (Op op : plan.ops()) {
            if (op instanceof LinearOp lin) out.add(choose(lin, ws, slot, batch, workers, budget, options, cache));
            op.run(ws, batch, slot, workers);
        }
        return out;
    }

    private static KernelChoice choose(LinearOp op, Workspace ws, int slot, int batch, Workers workers, long budget,
                                       CompileOptions options, ChoiceCache cache) {
        KernelFactory f = op.factory;
        long columns = op.columns(batch);
        ChoiceCache.Entry cached = cache.get(op.layer, batch);
        // A choice stored untimed (a single candidate) does not serve a compile that wants every layer's time.
        if (cached != null && !(cached.nanos() == 0 && options.everyLayerTimed()) && f.applies(cached.kernel(), columns)
                && (cached.kernel().equals(Kernels.DENSE) || options.allowedKernels() == null || options.allowedKernels().contains(cached.kernel()))) {
            op.kernels[slot] = f.build(cached.kernel(), columns);
            Map<String, Long> c = new LinkedHashMap<>();
            c.put(Kernels.DENSE, cached.denseNanos());
            c.put(cached.kernel(), cached.nanos());
            return new KernelChoice(op.layer, batch, cached.kernel(), cached.nanos(), cached.denseNanos(), f.density(),
                    op.weightRows(), op.weightCols(), c, true);
        }
        List<LinearKernel> kernels = f.candidates(options.allowedKernels(), columns);
        if (kernels.size() == 1 && !options.everyLayerTimed()) {
            LinearKernel only = kernels.get(0);
            op.kernels[slot] = only;
            return new KernelChoice(op.layer, batch, only.name(), 0, 0, f.density(), op.weightRows(), op.weightCols(),
                    Map.of(only.name(), 0L), false);
        }
        List<KernelTuner.Candidate> calls = new ArrayList<>();
        int proxyBatch = (int) Math.min(Integer.MAX_VALUE, columns);
        for (LinearKernel k : kernels) {
            // The compacted layer runs the dense kernel; a dense direct convolution warms its own code
            // (a matrix proxy would warm the GEMM, not the convolution); the sparse direct convolution has no proxy.
            String format = k.name().equals(Kernels.COMPACT) ? Kernels.DENSE : k.name();
            boolean matrix = !k.convolves() && SparseFormats.names().contains(format);
            // A layer fed sample-major input runs another entry of the dense and panel CSR kernels: warm that one.
            boolean sampleMajor = op instanceof DenseOp d && d.sampleMajorInput() && k.readsSampleMajor();
            calls.add(new KernelTuner.Candidate(k.name(), () -> {
                op.kernels[slot] = k;
                op.run(ws, batch, slot, workers);
            }, matrix ? FormatPolicy.warmKey(format, proxyBatch, sampleMajor) : k.warmKey(),
                    matrix ? FormatPolicy.proxy(SparseFormats.named(format), f.pattern(), proxyBatch, workers, sampleMajor) : k.warmProxy(),
                    k.multiplyAdds() * columns, expectedNanos(op, k, columns)));
        }
        String key = "layer:" + op.weightRows() + "x" + op.weightCols() + ":" + columns + ":" + workers.threads() + ":" + f.fingerprint();
        KernelTuner.Result r = KernelTuner.tune(key, calls, budget, options.jitWarmup().toNanos());
        Map<String, Long> times = new LinkedHashMap<>();
        for (int i = 0; i < kernels.size(); i++) times.put(kernels.get(i).name(), r.medianNanos()[i]);
        LinearKernel best = kernels.get(r.chosen());
        op.kernels[slot] = best;
        return new KernelChoice(op.layer, batch, best.name(), r.chosenNanos(), r.baselineNanos(), f.density(), op.weightRows(),
                op.weightCols(), times, false);
    }

    /**
     * The kernel's estimated time per call, as a bound on what its compiled code may take (0: none).
     * Only a dense layer's product is estimated: a convolution's im2col kernels also gather their
     * patches, which the matrix estimate leaves out, and a timing taken as too slow for compiled
     * code is warmed and timed again up to the warm-up limit (docs/bench/sparse.md).
     */
    private static long expectedNanos(LinearOp op, LinearKernel k, long columns) {
        return op instanceof DenseOp && k.matrix() != null ? FormatCost.expectedNanos(k.matrix(), columns) : 0;
    }

    public String architecture() { return architecture; }

    /** One sample's input shape, e.g. {@code [1, 28, 28]}. */
    public Shape inputShape() { return inputShape; }

    /** One sample's output shape (logits), e.g. {@code [10]}. */
    public Shape outputShape() { return outputShape; }

    /** The calibrated batch sizes, ascending. */
    public int[] batchSizes() { return batchSizes.clone(); }

    /** The pool the kernels run on. */
    public Workers workers() { return workers; }

    /** The kernel of every dense/conv layer at every calibrated batch size (batch-major, layer order). */
    public List<KernelChoice> choices() { return choices; }

    /** The choices as the JSON stored under {@link #KERNEL_CHOICE_KEY}. */
    public String choicesJson() { return ChoiceCache.write(choices, workers.threads()); }

    /** {@code {KERNEL_CHOICE_KEY: choicesJson()}}, ready to pass as extra metadata to a model file writer. */
    public Map<String, String> choicesMetadata() { return Map.of(KERNEL_CHOICE_KEY, choicesJson()); }

    /** Logits of one sample ({@link #inputShape()} values, row-major). */
    public float[] predict(float[] sample) {
        if (sample == null || sample.length != inputShape.size()) {
            throw new IllegalArgumentException("model " + architecture + " expects one sample of " + inputShape + " = " + inputShape.size()
                    + " values, got " + (sample == null ? "null" : sample.length));
        }
        float[] out = new float[outputShape.size()];
        predict(sample, 0, 1, out, 0);
        return out;
    }

    /** Logits {@code [N, outputs]} of a batch {@code [N, inputShape...]}. */
    public Tensor predict(Tensor batch) {
        int n = checkBatch(batch);
        float[] out = new float[n * outputShape.size()];
        predict(batch.data(), batch.offset(), n, out, 0);
        return Tensor.wrap(out, n, outputShape.size());
    }

    /** Predicted class (argmax of the logits) of every sample of a batch. */
    public int[] classify(Tensor batch) {
        Tensor y = predict(batch);
        int n = y.dim(0), c = outputShape.size();
        int[] cls = new int[n];
        float[] d = y.data();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) if (d[i * c + j] > d[i * c + best]) best = j;
            cls[i] = best;
        }
        return cls;
    }

    /**
     * The allocation-free form: logits of {@code n} samples read from {@code x[xOff..]} written to
     * {@code out[outOff..]} ({@code n·outputs} floats).
     */
    public void predict(float[] x, int xOff, int n, float[] out, int outOff) {
        int in = inputShape.size(), o = outputShape.size();
        if (n < 0) throw new IllegalArgumentException("sample count must be >= 0, got " + n);
        if (x == null || xOff < 0 || (long) xOff + (long) n * in > x.length) {
            throw new IllegalArgumentException("input needs " + n + " samples of " + in + " floats from offset " + xOff + ", array has "
                    + (x == null ? "null" : x.length));
        }
        if (out == null || outOff < 0 || (long) outOff + (long) n * o > out.length) {
            throw new IllegalArgumentException("output needs " + n + "x" + o + " floats from offset " + outOff + ", array has "
                    + (out == null ? "null" : out.length));
        }
        Workspace ws = workspaces.get();
        for (int done = 0; done < n; done += chunk) {
            int m = Math.min(chunk, n - done);
            ws.ensure(m);
            ws.bindInput(x, xOff + done * in);
            int slot = slot(m);
            for (Op op : steps) op.run(ws, m, slot, workers);
            System.arraycopy(ws.bufs[output], ws.offs[output], out, outOff + done * o, m * o);
        }
        ws.bindInput(null, 0); // do not keep the caller's array alive
    }

    /** The slot of the calibrated batch size nearest {@code n} in ratio (1 and 64: up to 8 samples use 1). */
    private int slot(int n) {
        int s = 0;
        for (int i = 1; i < batchSizes.length; i++) {
            if (Math.abs(Math.log((double) n / batchSizes[i])) < Math.abs(Math.log((double) n / batchSizes[s]))) s = i;
        }
        return s;
    }

    private int checkBatch(Tensor x) {
        if (x == null || x.rank() != inputShape.rank() + 1) {
            throw new IllegalArgumentException("model " + architecture + " expects batches of " + inputShape + " samples, got "
                    + (x == null ? "null" : x.shape()));
        }
        for (int i = 0; i < inputShape.rank(); i++) {
            if (x.dim(i + 1) != inputShape.dim(i)) {
                throw new IllegalArgumentException("model " + architecture + " expects batches of " + inputShape + " samples, got " + x.shape());
            }
        }
        return x.dim(0);
    }

    /** The steps, in order (for profiling from this package). */
    List<Op> ops() { return ops; }

    /** The calibrated slot a call with {@code n} samples runs with. */
    int slotFor(int n) { return slot(n); }

    /** Floats per sample of every activation buffer. */
    int[] perSample() { return perSample.clone(); }

    /** A table of the plan: one line per step (kernel choices in {@link #choices()}). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Op op : ops) sb.append(op.describe()).append('\n');
        return sb.toString();
    }

    @Override public String toString() {
        return "CompiledModel(" + architecture + ", " + ops.size() + " steps, batch sizes " + Arrays.toString(batchSizes) + ")";
    }
}
