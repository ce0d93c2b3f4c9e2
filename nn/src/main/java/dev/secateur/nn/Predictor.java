package dev.secateur.nn;

import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Thread-safe inference for embedding in an application:
 * <pre>{@code
 * Predictor p = Predictor.load(Path.of("models/lenet5.safetensors"));
 * int[] classes = p.classify(images);          // images: [N, 1, 28, 28], normalized
 * int[] same = p.classifyRaw(pixels01, n);      // raw pixels / 255, normalized by the file's InputNormalization
 * }</pre>
 *
 * <p>{@link #predict} and {@link #classify} take inputs exactly as the model computes on them
 * (normalized). {@link #predictRaw} and {@link #classifyRaw} take raw pixels scaled to [0, 1]
 * and apply the {@link InputNormalization} stored in the model file (an imported ONNX model's
 * Sub/Div, for example); they refuse a model whose file records none rather than guess.
 *
 * <p>Design: a {@link Model} keeps per-layer activation buffers, so one instance must not run
 * two batches at once. The predictor keeps a lock-free pool of private copies of the model: a call
 * takes a copy from the pool (or makes a new one when all are busy), runs the batch in eval mode
 * single-threaded on the calling thread, copies the logits out and returns the copy. The number of copies grows to
 * the peak number of concurrent callers; each copy holds its own weights, which is cheap for the
 * small models of this project. Results do not depend on which copy runs a batch.
 */
public final class Predictor {
    private final Model template;
    private final InputNormalization normalization;
    private final ConcurrentLinkedQueue<Model> idle = new ConcurrentLinkedQueue<>();

    private Predictor(Model template, InputNormalization normalization) {
        this.template = template;
        this.normalization = normalization;
        idle.add(newCopy());
    }

    /** A private copy whose kernels run on the calling thread (concurrency comes from the callers). */
    private Model newCopy() {
        return template.copy().useWorkers(Workers.single());
    }

    /** A predictor over a private copy of {@code model} (later changes to it are not seen). */
    public static Predictor of(Model model) {
        return new Predictor(model.copy(), null);
    }

    /** As {@link #of(Model)}, with the normalization {@link #predictRaw} applies (may be null). */
    public static Predictor of(Model model, InputNormalization normalization) {
        return new Predictor(model.copy(), normalization);
    }

    /** Loads any model file (plain, pruned or int8), with its input normalization if it records one. */
    public static Predictor load(Path file) throws IOException {
        dev.secateur.nn.compressed.CompressedModelFile.Loaded l = dev.secateur.nn.compressed.CompressedModelFile.load(file);
        return new Predictor(l.model(), l.normalization());
    }

    /** The input normalization the model file records, or null. */
    public InputNormalization normalization() { return normalization; }

    /** One sample's input shape, e.g. {@code [1, 28, 28]}. */
    public Shape inputShape() { return template.inputShape(); }

    /** Number of outputs (classes) per sample. */
    public int outputs() { return template.outputShape().size(); }

    public String architecture() { return template.architecture(); }

    /** Logits {@code [N, classes]} for a batch {@code [N, ...inputShape]} (a new tensor). */
    public Tensor predict(Tensor batch) {
        Model m = idle.poll();
        if (m == null) m = newCopy();
        try {
            return m.predict(batch).copy();
        } finally {
            idle.offer(m);
        }
    }

    /** Logits for {@code n} samples stored contiguously in {@code inputs} (row-major). */
    public float[] predict(float[] inputs, int n) {
        int[] dims = new int[inputShape().rank() + 1];
        dims[0] = n;
        for (int i = 0; i < inputShape().rank(); i++) dims[i + 1] = inputShape().dim(i);
        return predict(Tensor.wrap(inputs, dims)).toArray();
    }

    /**
     * Logits for {@code n} samples of raw pixels scaled to [0, 1] (pixel / 255), stored
     * contiguously; the stored {@link InputNormalization} is applied first.
     *
     * @throws IllegalStateException when the model file records no input normalization
     */
    public float[] predictRaw(float[] raw, int n) {
        if (normalization == null) {
            throw new IllegalStateException("model " + architecture() + " records no input normalization: normalize the inputs"
                    + " as it was trained and call predict");
        }
        return predict(normalization.apply(raw, n, inputShape()), n);
    }

    /** Predicted class per sample for raw [0, 1] pixels (see {@link #predictRaw}). */
    public int[] classifyRaw(float[] raw, int n) {
        float[] y = predictRaw(raw, n);
        int c = outputs();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = Model.argmax(y, i * c, c);
        return out;
    }

    /** Predicted class (argmax of the logits) per sample. */
    public int[] classify(Tensor batch) {
        Tensor y = predict(batch);
        int n = y.dim(0), c = y.dim(1);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = Model.argmax(y.data(), i * c, c);
        return out;
    }
}
