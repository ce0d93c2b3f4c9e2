package dev.secateur.prune.compact;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Layers;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Physically removes pruned filters/neurons and input channels after structured pruning,
 * giving a smaller dense model that computes the same function (see {@link ChannelGraph} for
 * which channels can go). Filter pruning with
 * {@link dev.secateur.prune.mask.ModelPruner} zeroes a removed filter's bias
 * and the following BatchNorm's γ and β for it, so the removed channel is exactly zero in the
 * masked model (a removed filter would otherwise still emit relu(BN(bias)), a constant that is
 * not zero); that is what makes the compacted model agree with the masked one. Masks are kept
 * (restricted to the surviving weights), so fine-tuning can continue.
 */
public final class StructuredCompactor {

    /** A compacted copy of {@code model}; the original is not changed. */
    public Model compact(Model model) {
        ChannelGraph graph = ChannelGraph.of(model);
        Map<Integer, boolean[]> keep = graph.keepSets();
        List<Layer> layers = rebuild(model.layers(), graph, keep);
        return new Model(model.architecture(), model.inputShape(), layers);
    }

    private List<Layer> rebuild(List<Layer> layers, ChannelGraph g, Map<Integer, boolean[]> keep) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            switch (l) {
                case Conv2d c -> out.add(conv(c, g.node(c), g, keep));
                case Dense d -> out.add(dense(d, g.node(d), g, keep));
                case BatchNorm bn -> out.add(batchNorm(bn, keep.get(g.groupOf(bn))));
                case ResidualBlock r -> out.add(new ResidualBlock(r.name(), rebuild(r.mainPath(), g, keep), rebuild(r.shortcutPath(), g, keep)));
                default -> out.add(Layers.fromSpec(l.spec()));
            }
        }
        return out;
    }

    private static boolean[] inputKeep(ChannelGraph.Node n, ChannelGraph g, Map<Integer, boolean[]> keep, int inputs) {
        if (n.inGroup < 0) {
            boolean[] all = new boolean[inputs];
            java.util.Arrays.fill(all, true);
            return all;
        }
        return keep.get(g.find(n.inGroup));
    }

    private Conv2d conv(Conv2d c, ChannelGraph.Node n, ChannelGraph g, Map<Integer, boolean[]> keep) {
        boolean[] outKeep = keep.get(g.find(n.outGroup));
        boolean[] inKeep = inputKeep(n, g, keep, c.inChannels());
        Conv2d r = new Conv2d(c.name(), count(inKeep), count(outKeep), c.kernelHeight(), c.kernelWidth(), c.stride(), c.padding());
        int taps = c.kernelHeight() * c.kernelWidth();
        copySelected(c.weight(), r.weight(), outKeep, inKeep, taps);
        copyRows(c.bias(), r.bias(), outKeep);
        return r;
    }

    private Dense dense(Dense d, ChannelGraph.Node n, ChannelGraph g, Map<Integer, boolean[]> keep) {
        boolean[] outKeep = keep.get(g.find(n.outGroup));
        int inChannels = d.inFeatures() / n.inSpatial;
        boolean[] inKeep = inputKeep(n, g, keep, inChannels);
        Dense r = new Dense(d.name(), count(inKeep) * n.inSpatial, count(outKeep));
        copySelected(d.weight(), r.weight(), outKeep, inKeep, n.inSpatial);
        copyRows(d.bias(), r.bias(), outKeep);
        return r;
    }

    private static BatchNorm batchNorm(BatchNorm bn, boolean[] k) {
        BatchNorm r = new BatchNorm(bn.name(), count(k), bn.eps(), bn.spec().doubleAttr("momentum"));
        copyRows(bn.gamma(), r.gamma(), k);
        copyRows(bn.beta(), r.beta(), k);
        copyRows(bn.runningMean(), r.runningMean(), k);
        copyRows(bn.runningVar(), r.runningVar(), k);
        return r;
    }

    /** Copies rows {@code outKeep} × input channels {@code inKeep} (each {@code span} wide), masks included. */
    private static void copySelected(Parameter src, Parameter dst, boolean[] outKeep, boolean[] inKeep, int span) {
        float[] s = src.value().data(), d = dst.value().data();
        float[] sm = src.maskArray();
        float[] dm = sm == null ? null : new float[d.length];
        int srcRow = inKeep.length * span;
        int k = 0;
        for (int o = 0; o < outKeep.length; o++) {
            if (!outKeep[o]) continue;
            for (int c = 0; c < inKeep.length; c++) {
                if (!inKeep[c]) continue;
                int from = o * srcRow + c * span;
                System.arraycopy(s, from, d, k, span);
                if (dm != null) System.arraycopy(sm, from, dm, k, span);
                k += span;
            }
        }
        setMaskIfAnyPruned(dst, dm);
    }

    private static void copyRows(Parameter src, Parameter dst, boolean[] keep) {
        float[] s = src.value().data(), d = dst.value().data();
        float[] sm = src.maskArray();
        float[] dm = sm == null ? null : new float[d.length];
        int k = 0;
        for (int i = 0; i < keep.length; i++) {
            if (!keep[i]) continue;
            d[k] = s[i];
            if (dm != null) dm[k] = sm[i];
            k++;
        }
        setMaskIfAnyPruned(dst, dm);
    }

    /** Compaction often removes every pruned entry; an all-ones mask is then dropped. */
    private static void setMaskIfAnyPruned(Parameter p, float[] mask) {
        if (mask == null) return;
        for (float m : mask) {
            if (m == 0f) {
                p.setMask(Tensor.wrap(mask, p.value().shape().toArray()));
                return;
            }
        }
    }

    private static int count(boolean[] k) {
        int n = 0;
        for (boolean b : k) if (b) n++;
        return n;
    }
}
