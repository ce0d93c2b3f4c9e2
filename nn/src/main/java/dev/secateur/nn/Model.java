package dev.secateur.nn;

import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A sequential network: an input sample shape and an ordered list of layers (a residual block
 * is one layer). Forward runs the layers in order, backward in reverse. Not thread-safe: a model
 * owns per-layer buffers; for concurrent inference use {@code dev.secateur.nn.Predictor}.
 */
public final class Model {
    private final String architecture;
    private final Shape inputShape;
    private final List<Layer> layers;
    private final List<Parameter> parameters;
    private final List<Parameter> buffers;

    /**
     * @param architecture a short name for the network (e.g. {@code lenet5}); recorded in files
     * @param inputShape one sample's shape, e.g. {@code [1, 28, 28]}
     */
    public Model(String architecture, Shape inputShape, List<Layer> layers) {
        this.architecture = architecture;
        this.inputShape = inputShape;
        this.layers = List.copyOf(layers);
        List<Parameter> ps = new ArrayList<>(), bs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Layer l : this.layers) {
            if (!names.add(l.name())) throw new IllegalArgumentException("duplicate layer name '" + l.name() + "' in model " + architecture);
            ps.addAll(l.parameters());
            bs.addAll(l.buffers());
        }
        Set<String> pnames = new HashSet<>();
        for (Parameter p : ps) if (!pnames.add(p.name())) throw new IllegalArgumentException("duplicate parameter name '" + p.name() + "'");
        for (Parameter p : bs) if (!pnames.add(p.name())) throw new IllegalArgumentException("duplicate buffer name '" + p.name() + "'");
        this.parameters = List.copyOf(ps);
        this.buffers = List.copyOf(bs);
        outputShape(); // validates that the layers chain
    }

    public String architecture() { return architecture; }
    public Shape inputShape() { return inputShape; }
    public List<Layer> layers() { return layers; }

    /** All trainable parameters in layer order. */
    public List<Parameter> parameters() { return parameters; }

    /** Non-trainable saved state (BatchNorm running statistics), in layer order. */
    public List<Parameter> buffers() { return buffers; }

    /** Parameters and buffers by name. */
    public Map<String, Parameter> namedTensors() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (Parameter p : parameters) m.put(p.name(), p);
        for (Parameter p : buffers) m.put(p.name(), p);
        return m;
    }

    public Parameter parameter(String name) {
        for (Parameter p : parameters) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException("model " + architecture + " has no parameter '" + name + "'");
    }

    /** Per-sample output shape (e.g. {@code [10]}). */
    public Shape outputShape() {
        Shape s = inputShape;
        for (Layer l : layers) s = l.outputShape(s);
        return s;
    }

    /** Re-initializes every parameter from {@code seed} (deterministic). */
    public Model initialize(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Layer l : layers) l.initialize(rng.split());
        return this;
    }

    /** Sets the thread pool every layer uses. */
    public Model useWorkers(Workers workers) {
        for (Layer l : layers) l.useWorkers(workers);
        return this;
    }

    /** Runs the batch through every layer; the result is the last layer's buffer. */
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        Tensor t = x;
        for (Layer l : layers) t = l.forward(t, training);
        return t;
    }

    /** Back-propagates dLoss/dOutput of the last training forward; fills every parameter gradient. */
    public Tensor backward(Tensor gradOut) {
        Tensor g = gradOut;
        for (int i = layers.size() - 1; i >= 0; i--) g = layers.get(i).backward(g);
        return g;
    }

    /**
     * Back-propagates like {@link #backward} but stops at the first layer with parameters: the
     * gradient with respect to its input (and the layers before it, which have no parameters) is
     * never used in training.
     */
    public void backwardParameters(Tensor gradOut) {
        int first = 0;
        while (first < layers.size() && layers.get(first).parameters().isEmpty()) first++;
        if (first == layers.size()) return;
        Tensor g = gradOut;
        for (int i = layers.size() - 1; i > first; i--) g = layers.get(i).backward(g);
        layers.get(first).backwardParameters(g);
    }

    /** Inference forward (eval mode); returns the logits buffer. */
    public Tensor predict(Tensor x) { return forward(x, false); }

    /** Predicted class per sample (argmax of the logits). */
    public int[] predictClasses(Tensor x) {
        Tensor y = predict(x);
        int n = y.dim(0), c = y.size() / Math.max(n, 1);
        int[] out = new int[n];
        float[] d = y.data();
        for (int i = 0; i < n; i++) out[i] = argmax(d, y.offset() + i * c, c);
        return out;
    }

    static int argmax(float[] d, int off, int len) {
        int best = 0;
        for (int j = 1; j < len; j++) if (d[off + j] > d[off + best]) best = j;
        return best;
    }

    /** Applies every parameter's mask (after loading weights or changing masks). */
    public void applyMasks() { for (Parameter p : parameters) p.applyMask(); }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) n += p.size();
        return n;
    }

    public long nonZeroCount() {
        long n = 0;
        for (Parameter p : parameters) n += p.nonZeros();
        return n;
    }

    /**
     * An independent deep copy: the same architecture rebuilt from its specs, with copies of
     * every parameter, buffer and mask (no shared buffers, so the copy can run on another thread).
     */
    public Model copy() {
        List<Layer> rebuilt = new ArrayList<>();
        for (Layer l : layers) rebuilt.add(dev.secateur.nn.layers.Layers.fromSpec(l.spec()));
        Model m = new Model(architecture, inputShape, rebuilt);
        Map<String, Parameter> dst = m.namedTensors();
        for (Parameter p : namedTensors().values()) {
            Parameter q = dst.get(p.name());
            q.value().copyFrom(p.value());
            if (p.hasMask()) q.setMask(p.mask());
        }
        return m;
    }

    /** Architecture spec (input shape + layer specs) as a JSON-like tree. */
    public Map<String, Object> specTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", architecture);
        List<Object> in = new ArrayList<>();
        for (int d : inputShape.toArray()) in.add(d);
        m.put("input", in);
        List<Object> ls = new ArrayList<>();
        for (Layer l : layers) ls.add(l.spec().toTree());
        m.put("layers", ls);
        return m;
    }

    /** A text table: layer, type, output shape, parameters, non-zeros, MACs per sample. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-14s %-12s %-16s %10s %10s %12s%n", "layer", "type", "output", "params", "nonzero", "MACs"));
        Shape s = inputShape;
        long tp = 0, tn = 0, tm = 0;
        for (Layer l : layers) {
            long macs = l.macs(s);
            s = l.outputShape(s);
            long p = 0, nz = 0;
            for (Parameter q : l.parameters()) { p += q.size(); nz += q.nonZeros(); }
            tp += p; tn += nz; tm += macs;
            sb.append(String.format("%-14s %-12s %-16s %10d %10d %12d%n", l.name(), l.spec().type(), s, p, nz, macs));
        }
        sb.append(String.format("%-14s %-12s %-16s %10d %10d %12d%n", "total", architecture, inputShape + "->" + s, tp, tn, tm));
        return sb.toString();
    }

    private void checkInput(Tensor x) {
        if (x.rank() != inputShape.rank() + 1) {
            throw new IllegalArgumentException("model " + architecture + " expects batches of " + inputShape + " samples, got " + x.shape());
        }
        for (int i = 0; i < inputShape.rank(); i++) {
            if (x.dim(i + 1) != inputShape.dim(i)) {
                throw new IllegalArgumentException("model " + architecture + " expects batches of " + inputShape + " samples, got " + x.shape());
            }
        }
    }
}
