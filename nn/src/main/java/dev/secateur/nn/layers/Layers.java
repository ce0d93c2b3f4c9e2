package dev.secateur.nn.layers;

import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;

import java.util.ArrayList;
import java.util.List;

/** Rebuilds layers from their {@link LayerSpec} (the inverse of {@link Layer#spec()}). */
public final class Layers {
    private Layers() {}

    public static Layer fromSpec(LayerSpec s) {
        return switch (s.type()) {
            case "dense" -> new Dense(s.name(), s.intAttr("in"), s.intAttr("out"));
            case "conv2d" -> new Conv2d(s.name(), s.intAttr("in_channels"), s.intAttr("out_channels"), s.intAttr("kernel_h"),
                    s.intAttr("kernel_w"), s.intAttr("stride"), s.intAttr("padding"));
            case "relu" -> new ReLU(s.name());
            case "flatten" -> new Flatten(s.name());
            case "maxpool2d" -> new MaxPool2d(s.name(), s.intAttr("kernel"), s.intAttr("stride"));
            case "avgpool2d" -> new AvgPool2d(s.name(), s.intAttr("kernel"), s.intAttr("stride"));
            case "dropout" -> new Dropout(s.name(), s.doubleAttr("p"));
            case "batchnorm" -> new BatchNorm(s.name(), s.intAttr("channels"), s.doubleAttr("eps"), s.doubleAttr("momentum"));
            case "residual" -> new ResidualBlock(s.name(), all(s.child("main")), all(s.child("shortcut")));
            default -> throw new IllegalArgumentException("unknown layer type '" + s.type() + "' (layer " + s.name() + ")");
        };
    }

    private static List<Layer> all(List<LayerSpec> specs) {
        List<Layer> out = new ArrayList<>();
        for (LayerSpec s : specs) out.add(fromSpec(s));
        return out;
    }
}
