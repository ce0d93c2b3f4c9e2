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
 * }</pre>
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
    private final ConcurrentLinkedQueue<Model> idle = new ConcurrentLinkedQueue<>();

    private Predictor(Model template) {
        this.template = template;
        idle.add(newCopy());
    }

    /** A private copy whose kernels run on the calling thread (concurrency comes from the callers). */
    private Model newCopy() {
        return template.copy().useWorkers(Workers.single());
    }

    /** A predictor over a private copy of {@code model} (later changes to it are not seen). */
    public static Predictor of(Model model) {
        return new Predictor(model.copy());
    }

    /** Loads a model file. */
    public static Predictor load(Path file) throws IOException {
        return new Predictor(ModelFile.load(file));
    }

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

    /** Predicted class (argmax of the logits) per sample. */
    public int[] classify(Tensor batch) {
        Tensor y = predict(batch);
        int n = y.dim(0), c = y.dim(1);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = Model.argmax(y.data(), i * c, c);
        return out;
    }
}
