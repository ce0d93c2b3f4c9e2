package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.nn.Parameter;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import dev.secateur.tensor.Workers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A residual block {@code y = main(x) + shortcut(x)}: two chains of layers whose outputs are
 * added (the "Add" of a ResNet). An empty shortcut is the identity. A ReLU after the add is a
 * separate layer in the model. Backward sends the output gradient down both paths and adds the
 * two input gradients. Child layer names should be qualified by the block (e.g. {@code b1.conv1}).
 */
public final class ResidualBlock implements Layer {
    private final String name;
    private final List<Layer> main, shortcut;
    private Tensor output, gradIn;

    public ResidualBlock(String name, List<Layer> main, List<Layer> shortcut) {
        if (main.isEmpty()) throw new IllegalArgumentException("residual block " + name + " needs at least one layer on its main path");
        this.name = name;
        this.main = List.copyOf(main);
        this.shortcut = List.copyOf(shortcut);
    }

    public List<Layer> mainPath() { return main; }
    public List<Layer> shortcutPath() { return shortcut; }

    @Override public String name() { return name; }

    @Override public Tensor forward(Tensor x, boolean training) {
        Tensor m = x;
        for (Layer l : main) m = l.forward(m, training);
        Tensor s = x;
        for (Layer l : shortcut) s = l.forward(s, training);
        if (m.size() != s.size()) {
            throw new IllegalArgumentException("residual block " + name + ": main path gives " + m.shape() + " but shortcut gives " + s.shape());
        }
        output = Buffers.ensure(output, m.shape());
        float[] a = m.data(), b = s.data(), y = output.data();
        for (int i = 0, ao = m.offset(), bo = s.offset(); i < y.length; i++) y[i] = a[ao + i] + b[bo + i];
        return output;
    }

    @Override public Tensor backward(Tensor g) {
        Tensor gm = g;
        for (int i = main.size() - 1; i >= 0; i--) gm = main.get(i).backward(gm);
        Tensor gs = g;
        for (int i = shortcut.size() - 1; i >= 0; i--) gs = shortcut.get(i).backward(gs);
        gradIn = Buffers.ensure(gradIn, gm.shape());
        float[] a = gm.data(), b = gs.data(), d = gradIn.data();
        for (int i = 0, ao = gm.offset(), bo = gs.offset(); i < d.length; i++) d[i] = a[ao + i] + b[bo + i];
        return gradIn;
    }

    @Override public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Layer l : main) ps.addAll(l.parameters());
        for (Layer l : shortcut) ps.addAll(l.parameters());
        return ps;
    }

    @Override public List<Parameter> buffers() {
        List<Parameter> ps = new ArrayList<>();
        for (Layer l : main) ps.addAll(l.buffers());
        for (Layer l : shortcut) ps.addAll(l.buffers());
        return ps;
    }

    @Override public void initialize(SplittableRandom rng) {
        for (Layer l : main) l.initialize(rng.split());
        for (Layer l : shortcut) l.initialize(rng.split());
    }

    @Override public void useWorkers(Workers w) {
        for (Layer l : main) l.useWorkers(w);
        for (Layer l : shortcut) l.useWorkers(w);
    }

    @Override public Shape outputShape(Shape in) {
        Shape m = in;
        for (Layer l : main) m = l.outputShape(m);
        Shape s = in;
        for (Layer l : shortcut) s = l.outputShape(s);
        if (!m.equals(s)) throw new IllegalArgumentException("residual block " + name + ": main path gives " + m + " but shortcut gives " + s);
        return m;
    }

    @Override public long macs(Shape in) {
        long total = 0;
        Shape s = in;
        for (Layer l : main) { total += l.macs(s); s = l.outputShape(s); }
        s = in;
        for (Layer l : shortcut) { total += l.macs(s); s = l.outputShape(s); }
        return total;
    }

    @Override public LayerSpec spec() {
        List<LayerSpec> m = new ArrayList<>(), s = new ArrayList<>();
        for (Layer l : main) m.add(l.spec());
        for (Layer l : shortcut) s.add(l.spec());
        Map<String, List<LayerSpec>> children = new java.util.LinkedHashMap<>();
        children.put("main", m);
        children.put("shortcut", s);
        return new LayerSpec("residual", name, Map.of(), children);
    }
}
