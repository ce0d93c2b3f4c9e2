package dev.secateur.prune.scoring;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.ResidualBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * A dense or convolution layer of a model whose weight can be pruned: its weight and bias
 * {@link Parameter}s. The mask lives on the weight parameter, so the optimizers keep pruned
 * weights at zero during fine-tuning.
 *
 * @param layer  the layer (a {@link Dense} or {@link Conv2d})
 * @param weight its weight, [out, in] or [F, C, kh, kw]
 * @param bias   its bias, [out]
 */
public record PrunableLayer(Layer layer, Parameter weight, Parameter bias) {

    /**
     * Every dense and conv layer of {@code model} in forward order, residual blocks included (the
     * same weights {@code nn.compressed.CompressedModelFile} stores with an encoding).
     */
    public static List<PrunableLayer> findAll(Model model) {
        List<PrunableLayer> out = new ArrayList<>();
        collect(model.layers(), out);
        return out;
    }

    private static void collect(List<Layer> layers, List<PrunableLayer> out) {
        for (Layer l : layers) {
            switch (l) {
                case Dense d -> out.add(new PrunableLayer(d, d.weight(), d.bias()));
                case Conv2d c -> out.add(new PrunableLayer(c, c.weight(), c.bias()));
                case ResidualBlock r -> {
                    collect(r.mainPath(), out);
                    collect(r.shortcutPath(), out);
                }
                default -> { }
            }
        }
    }

    /** The layer name. */
    public String name() { return layer.name(); }

    /** The weight count. */
    public int size() { return weight.size(); }

    /**
     * The plain-array view the pruners work on (weights, bias, gradients and current mask are
     * shared, not copied).
     */
    public LayerWeights view() {
        if (weight.value().offset() != 0 || weight.value().data().length != weight.size()) {
            throw new IllegalArgumentException("weight of layer '" + name() + "' is not a whole array");
        }
        return new LayerWeights(name(), weight.value().shape(), weight.value().data(),
                bias == null ? null : bias.value().data(), weight.grad().data(), weight.maskArray());
    }

    /** Kept weights (mask = 1, or all without a mask). */
    public int kept() { return weight.keptCount(); }

    /**
     * Installs {@code mask} on the weight (zeroing pruned weights). When {@code maskBias}, the bias
     * of every output filter whose weights are all pruned is masked too, so a removed filter
     * outputs exactly 0 before any following BatchNorm and structured compaction is exact.
     */
    public void install(float[] mask, boolean maskBias) {
        weight.setMask(dev.secateur.tensor.Tensor.wrap(mask, weight.value().shape().toArray()));
        if (!maskBias || bias == null) return;
        int out = weight.value().dim(0);
        int row = out == 0 ? 0 : mask.length / out;
        float[] bm = bias.maskArray() == null ? ones(out) : bias.maskArray().clone();
        boolean any = false;
        for (int f = 0; f < out; f++) {
            boolean dead = row > 0;
            for (int i = f * row; i < (f + 1) * row && dead; i++) dead = mask[i] == 0f;
            if (dead) {
                bm[f] = 0f;
                any = true;
            }
        }
        if (any || bias.hasMask()) bias.setMask(dev.secateur.tensor.Tensor.wrap(bm, out));
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
