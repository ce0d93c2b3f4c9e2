package dev.secateur.prune.compact;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.layers.AvgPool2d;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Dropout;
import dev.secateur.nn.layers.Flatten;
import dev.secateur.nn.layers.MaxPool2d;
import dev.secateur.nn.layers.ReLU;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one concept behind structured pruning (as in Torch-Pruning): which channel index spaces
 * are shared. Every dense/conv layer <em>produces</em> a channel space; ReLU, pooling and
 * dropout pass it through; BatchNorm acts on it; Flatten spreads channel c over features
 * [c·HW, (c+1)·HW); a residual Add <em>ties</em> the spaces of its two inputs into one group,
 * so all their producers must keep the same channels. A channel of a group can be removed when
 * it is zero everywhere (every producer's filter and bias are zero and every BatchNorm on the
 * group maps 0 to 0) or unused (every consumer's input weights for it are zero). The model's
 * input and output spaces are never reduced.
 */
public final class ChannelGraph {
    /** A dense/conv layer: the group it reads and the group it writes. */
    static final class Node {
        final Layer layer;
        int inGroup;        // -1 = model input
        int inSpatial = 1;  // input features per input channel (H·W after a Flatten)
        int outGroup;
        BatchNorm bnAfter;  // the BatchNorm directly after this layer on its path, if any

        Node(Layer layer) { this.layer = layer; }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Map<Layer, Node> byLayer = new IdentityHashMap<>();
    private final Map<BatchNorm, Integer> bnGroup = new IdentityHashMap<>();
    private final List<Integer> parent = new ArrayList<>();
    private final List<Integer> groupChannels = new ArrayList<>();
    private int outputGroup = -1;

    private ChannelGraph() {}

    /** Analyses {@code model}; layer types it cannot see through are an IllegalArgumentException. */
    public static ChannelGraph of(Model model) {
        ChannelGraph g = new ChannelGraph();
        State end = g.walk(model.layers(), new State(-1, model.inputShape(), 1, null));
        g.outputGroup = end.group;
        return g;
    }

    private record State(int group, Shape shape, int spatial, Node lastProducer) {}

    private State walk(List<Layer> layers, State s) {
        for (Layer l : layers) {
            Shape out = l.outputShape(s.shape);
            switch (l) {
                case Conv2d c -> s = produce(c, s, out, c.outChannels());
                case Dense d -> s = produce(d, s, out, d.outFeatures());
                case BatchNorm bn -> {
                    if (s.group < 0) throw new IllegalArgumentException("batchnorm " + bn.name() + " on the model input cannot be compacted");
                    bnGroup.put(bn, s.group);
                    if (s.lastProducer != null && s.lastProducer.bnAfter == null) s.lastProducer.bnAfter = bn;
                    s = new State(s.group, out, s.spatial, null);
                }
                case Flatten f -> s = new State(s.group, out, s.shape.rank() >= 3 ? s.shape.size() / s.shape.dim(0) : 1, null);
                case ReLU r -> s = new State(s.group, out, s.spatial, s.lastProducer);
                case MaxPool2d p -> s = new State(s.group, out, s.spatial, null);
                case AvgPool2d p -> s = new State(s.group, out, s.spatial, null);
                case Dropout d -> s = new State(s.group, out, s.spatial, s.lastProducer);
                case ResidualBlock r -> {
                    State main = walk(r.mainPath(), s);
                    State sc = r.shortcutPath().isEmpty() ? s : walk(r.shortcutPath(), s);
                    int g = union(main.group, sc.group, r.name());
                    s = new State(g, out, 1, null);
                }
                default -> throw new IllegalArgumentException("structured compaction cannot see through layer " + l.name()
                        + " of type " + l.spec().type());
            }
        }
        return s;
    }

    private State produce(Layer l, State s, Shape out, int channels) {
        Node n = new Node(l);
        n.inGroup = s.group < 0 ? -1 : find(s.group);
        n.inSpatial = s.spatial;
        n.outGroup = newGroup(channels);
        nodes.add(n);
        byLayer.put(l, n);
        return new State(n.outGroup, out, 1, n);
    }

    private int newGroup(int channels) {
        parent.add(parent.size());
        groupChannels.add(channels);
        return parent.size() - 1;
    }

    int find(int g) {
        while (parent.get(g) != g) g = parent.get(g);
        return g;
    }

    private int union(int a, int b, String where) {
        if (a < 0 || b < 0) {
            if (a == b) return a;
            throw new IllegalArgumentException("residual block " + where + " adds the model input to a computed tensor; its channels cannot be compacted");
        }
        int ra = find(a), rb = find(b);
        if (!groupChannels.get(ra).equals(groupChannels.get(rb))) {
            throw new IllegalArgumentException("residual block " + where + " adds " + groupChannels.get(ra) + " to " + groupChannels.get(rb) + " channels");
        }
        if (ra != rb) parent.set(rb, ra);
        return ra;
    }

    List<Node> nodes() { return nodes; }

    Node node(Layer l) { return byLayer.get(l); }

    /**
     * The channel group {@code layer} writes (its root: layers with the same group are tied and
     * must keep the same channels), or -1 when {@code layer} is not a dense/conv layer of the model.
     */
    public int outputGroup(Layer layer) {
        Node n = byLayer.get(layer);
        return n == null ? -1 : find(n.outGroup);
    }

    /** The BatchNorm right after {@code layer} on its path (its per-channel affine map), or null. */
    public BatchNorm batchNormAfter(Layer layer) {
        Node n = byLayer.get(layer);
        return n == null ? null : n.bnAfter;
    }

    /** Group of a BatchNorm. */
    int groupOf(BatchNorm bn) { return find(bnGroup.get(bn)); }

    Map<BatchNorm, Integer> batchNorms() { return bnGroup; }

    int channels(int group) { return groupChannels.get(find(group)); }

    boolean isOutput(int group) { return outputGroup >= 0 && find(group) == find(outputGroup); }

    /** Channels kept per group root: a channel goes only when it is zero everywhere or unused. */
    Map<Integer, boolean[]> keepSets() {
        Map<Integer, boolean[]> keep = new java.util.HashMap<>();
        for (int g = 0; g < parent.size(); g++) {
            if (find(g) != g) continue;
            int c = groupChannels.get(g);
            boolean[] k = new boolean[c];
            for (int ch = 0; ch < c; ch++) k[ch] = isOutput(g) || !(zeroEverywhere(g, ch) || unused(g, ch));
            keep.put(g, k);
        }
        return keep;
    }

    private boolean zeroEverywhere(int g, int ch) {
        for (Node n : nodes) {
            if (find(n.outGroup) != g) continue;
            float[] w = weight(n.layer), b = bias(n.layer);
            int row = w.length / groupChannels.get(g);
            for (int i = ch * row; i < (ch + 1) * row; i++) if (w[i] != 0f) return false;
            if (b[ch] != 0f) return false;
        }
        for (Map.Entry<BatchNorm, Integer> e : bnGroup.entrySet()) {
            if (find(e.getValue()) != g) continue;
            BatchNorm bn = e.getKey();
            float gamma = bn.gamma().value().data()[ch], beta = bn.beta().value().data()[ch], mean = bn.runningMean().value().data()[ch];
            if (!(beta == 0f && (gamma == 0f || mean == 0f))) return false;
        }
        return true;
    }

    private boolean unused(int g, int ch) {
        boolean anyConsumer = false;
        for (Node n : nodes) {
            if (n.inGroup < 0 || find(n.inGroup) != g) continue;
            anyConsumer = true;
            float[] w = weight(n.layer);
            int out = outputs(n.layer);
            int rowLen = w.length / out;
            int span = rowLen / groupChannels.get(g); // taps (conv) or H·W features (dense after flatten)
            for (int r = 0; r < out; r++) {
                for (int i = r * rowLen + ch * span; i < r * rowLen + (ch + 1) * span; i++) if (w[i] != 0f) return false;
            }
        }
        return anyConsumer;
    }

    static float[] weight(Layer l) {
        return l instanceof Conv2d c ? c.weight().value().data() : ((Dense) l).weight().value().data();
    }

    static float[] bias(Layer l) {
        return l instanceof Conv2d c ? c.bias().value().data() : ((Dense) l).bias().value().data();
    }

    static int outputs(Layer l) {
        return l instanceof Conv2d c ? c.outChannels() : ((Dense) l).outFeatures();
    }
}
