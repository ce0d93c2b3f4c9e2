package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;

import java.util.ArrayList;
import java.util.List;

/**
 * Inference rewrite: every BatchNorm directly after a Dense or Conv2d (also inside residual
 * blocks) is folded into that layer, giving a shorter model with the same eval-mode outputs
 * (up to float rounding). BatchNorms with no foldable predecessor are kept.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {}

    public static Model fold(Model model) {
        return new Model(model.architecture(), model.inputShape(), foldAll(model.layers()));
    }

    static List<Layer> foldAll(List<Layer> layers) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            if (l instanceof ResidualBlock r) {
                out.add(new ResidualBlock(r.name(), foldAll(r.mainPath()), foldAll(r.shortcutPath())));
            } else if (l instanceof BatchNorm bn && !out.isEmpty()
                    && (out.getLast() instanceof Dense || out.getLast() instanceof Conv2d)) {
                out.set(out.size() - 1, bn.foldInto(out.getLast()));
            } else {
                out.add(l);
            }
        }
        return out;
    }
}
