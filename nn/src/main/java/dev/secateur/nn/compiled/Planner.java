package dev.secateur.nn.compiled;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.nn.Model;
import dev.secateur.nn.layers.AvgPool2d;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.BatchNormFolding;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Dropout;
import dev.secateur.nn.layers.Flatten;
import dev.secateur.nn.layers.MaxPool2d;
import dev.secateur.nn.layers.ReLU;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.ops.ConvGeometry;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a model into a flat list of {@link Op}s over numbered activation buffers: dropout
 * removed, BatchNorm folded into the preceding dense/conv layer, a ReLU right after a dense/conv
 * layer (or a residual block) fused into it, a 2×2 stride-2 max pooling after a convolution (and
 * its ReLU) fused into the convolution step. Buffers are reused as soon as no later step reads
 * them (reference counts), so a deep model needs only a few. Tracks the activation layout:
 * dense layers write feature-major, everything else sample-major; a dense layer reads either, a
 * transpose step returns to sample-major.
 */
final class Planner {
    /** The plan: steps, buffer sizes per sample, the buffer holding the output. */
    record Plan(List<Op> ops, int[] perSample, int output) {}

    /**
     * Whether a dense layer reads a sample-major input directly (the default); the system property
     * {@code secateur.dense.sampleMajorInput=false} plans a transpose step instead (to compare the two).
     */
    private static final boolean SAMPLE_MAJOR_DENSE_INPUT = !"false".equals(System.getProperty("secateur.dense.sampleMajorInput"));

    private final int slots, groupFloats;
    private final List<Op> ops = new ArrayList<>();
    private final List<Integer> perSample = new ArrayList<>();
    private final List<Integer> refs = new ArrayList<>();
    private final List<Integer> free = new ArrayList<>();

    private Planner(int slots, int groupFloats) {
        this.slots = slots;
        this.groupFloats = groupFloats;
    }

    static Plan plan(Model model, int slots) {
        return plan(model, slots, ConvOp.GROUP_FLOATS);
    }

    /** {@code groupFloats}: patch floats a grouped convolution product may use (0: one image per product). */
    static Plan plan(Model model, int slots, int groupFloats) {
        Model folded = BatchNormFolding.fold(new Model(model.architecture(), model.inputShape(), withoutDropout(model.layers())));
        Planner p = new Planner(slots, groupFloats);
        p.perSample.add(model.inputShape().size());
        p.refs.add(1);
        Value v = p.chain(folded.layers(), new Value(0, model.inputShape(), false));
        v = p.sampleMajor(v);
        int[] sizes = new int[p.perSample.size()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = p.perSample.get(i);
        return new Plan(List.copyOf(p.ops), sizes, v.id);
    }

    private static List<Layer> withoutDropout(List<Layer> layers) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            if (l instanceof Dropout) continue;
            if (l instanceof ResidualBlock r) {
                out.add(new ResidualBlock(r.name(), withoutDropout(r.mainPath()), withoutDropout(r.shortcutPath())));
            } else {
                out.add(l);
            }
        }
        return out;
    }

    /** An activation: its buffer, per-sample shape and layout. */
    private record Value(int id, Shape shape, boolean featureMajor) {}

    private Value chain(List<Layer> layers, Value v) {
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            boolean reluNext = i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU;
            boolean fuses = l instanceof Dense || l instanceof Conv2d || l instanceof ResidualBlock;
            int next = i + (fuses && reluNext ? 2 : 1);
            boolean poolNext = l instanceof Conv2d && next < layers.size() && isMaxPool2x2(layers.get(next));
            v = layer(l, v, fuses && reluNext, poolNext);
            i = next - (poolNext ? 0 : 1);
        }
        return v;
    }

    /** A 2×2 stride-2 max pooling: a convolution followed by one applies it in its epilogue. */
    private static boolean isMaxPool2x2(Layer l) {
        if (!(l instanceof MaxPool2d)) return false;
        LayerSpec s = l.spec();
        return s.intAttr("kernel") == 2 && s.intAttr("stride") == 2;
    }

    private Value layer(Layer l, Value v, boolean relu) {
        return layer(l, v, relu, false);
    }

    private Value layer(Layer l, Value v, boolean relu, boolean pool) {
        Shape outShape = l.outputShape(v.shape);
        if (l instanceof Flatten) return new Value(v.id, outShape, v.featureMajor);
        if (l instanceof Dense d) {
            if (!SAMPLE_MAJOR_DENSE_INPUT) v = featureMajor(v);
            boolean sampleMajorInput = !v.featureMajor; // read as it is: no transpose step
            int out = fresh(d.outFeatures());
            float[] w = d.weight().value().toArray();
            KernelFactory f = new KernelFactory(w, d.outFeatures(), d.inFeatures(), d.bias().value().toArray(), relu);
            ops.add(new DenseOp(v.id, out, d.name(), f, slots, d.inFeatures(), d.outFeatures(), sampleMajorInput));
            release(v.id);
            return new Value(out, outShape, true);
        }
        if (l instanceof Conv2d c) {
            v = sampleMajor(v);
            ConvGeometry g = new ConvGeometry(c.inChannels(), v.shape.dim(1), v.shape.dim(2), c.outChannels(), c.kernelHeight(),
                    c.kernelWidth(), c.stride(), c.padding());
            KernelFactory f = new KernelFactory(c.weight().value().toArray(), g.outC(), g.colRows(), c.bias().value().toArray(), relu, g);
            if (pool) {
                int mid = fresh(g.outputSize()), out = fresh(g.outC() * (g.outH() / 2) * (g.outW() / 2));
                ops.add(new ConvOp(v.id, out, mid, c.name(), f, slots, g, groupFloats));
                release(mid);
                release(v.id);
                return new Value(out, Shape.of(g.outC(), g.outH() / 2, g.outW() / 2), false);
            }
            int out = fresh(g.outputSize());
            ops.add(new ConvOp(v.id, out, c.name(), f, slots, g, groupFloats));
            release(v.id);
            return new Value(out, outShape, false);
        }
        if (l instanceof ReLU) {
            int out = fresh(outShape.size());
            ops.add(new ReluOp(v.id, out, outShape.size()));
            release(v.id);
            return new Value(out, outShape, v.featureMajor);
        }
        if (l instanceof MaxPool2d || l instanceof AvgPool2d) {
            v = sampleMajor(v);
            LayerSpec s = l.spec();
            int k = s.intAttr("kernel"), stride = s.intAttr("stride");
            int kh = k == 0 ? v.shape.dim(1) : k, kw = k == 0 ? v.shape.dim(2) : k;
            int out = fresh(outShape.size());
            ops.add(new PoolOp(v.id, out, l instanceof MaxPool2d, v.shape.dim(0), v.shape.dim(1), v.shape.dim(2), kh, kw, stride));
            release(v.id);
            return new Value(out, outShape, false);
        }
        if (l instanceof BatchNorm bn) return affine(bn, v, outShape);
        if (l instanceof ResidualBlock r) return residual(r, v, outShape, relu);
        throw new IllegalArgumentException("cannot compile layer '" + l.name() + "' of type " + l.spec().type()
                + " (supported: dense, conv2d, relu, maxpool2d, avgpool2d, flatten, dropout, batchnorm, residual)");
    }

    private Value affine(BatchNorm bn, Value v, Shape outShape) {
        int c = bn.channels();
        float[] g = bn.gamma().value().toArray(), b = bn.beta().value().toArray();
        float[] rm = bn.runningMean().value().toArray(), rv = bn.runningVar().value().toArray();
        float[] scale = new float[c], shift = new float[c];
        for (int i = 0; i < c; i++) {
            scale[i] = (float) (g[i] / Math.sqrt(rv[i] + bn.eps()));
            shift[i] = b[i] - rm[i] * scale[i];
        }
        int spatial = outShape.size() / c;
        int out = fresh(outShape.size());
        ops.add(new AffineOp(v.id, out, scale, shift, spatial, v.featureMajor));
        release(v.id);
        return new Value(out, outShape, v.featureMajor);
    }

    private Value residual(ResidualBlock r, Value v, Shape outShape, boolean relu) {
        v = sampleMajor(v);
        retain(v.id); // read by both paths
        Value m = sampleMajor(chain(r.mainPath(), v));
        Value s = sampleMajor(chain(r.shortcutPath(), v));
        int out = fresh(outShape.size());
        ops.add(new AddOp(m.id, s.id, out, outShape.size(), relu));
        release(m.id);
        release(s.id);
        return new Value(out, outShape, false);
    }

    private Value featureMajor(Value v) {
        if (v.featureMajor) return v;
        int out = fresh(v.shape.size());
        ops.add(new TransposeOp(v.id, out, v.shape.size(), true));
        release(v.id);
        return new Value(out, v.shape, true);
    }

    private Value sampleMajor(Value v) {
        if (!v.featureMajor) return v;
        int out = fresh(v.shape.size());
        ops.add(new TransposeOp(v.id, out, v.shape.size(), false));
        release(v.id);
        return new Value(out, v.shape, false);
    }

    /** A buffer nobody reads any more (or a new one), sized for {@code size} floats per sample. */
    private int fresh(int size) {
        int id;
        if (free.isEmpty()) {
            id = perSample.size();
            perSample.add(size);
            refs.add(1);
        } else {
            id = free.removeLast();
            perSample.set(id, Math.max(perSample.get(id), size));
            refs.set(id, 1);
        }
        return id;
    }

    private void retain(int id) { refs.set(id, refs.get(id) + 1); }

    private void release(int id) {
        if (id == 0) return; // the caller's input is never reused
        int r = refs.get(id) - 1;
        refs.set(id, r);
        if (r == 0) free.add(id);
    }
}
