package dev.secateur.prune.mask;

import java.util.Locale;

/** Where the pruning threshold is drawn: within each layer, or once across all layers. */
public enum Scope {
    LAYER, GLOBAL;

    public static Scope parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "layer", "local", "per-layer" -> LAYER;
            case "global" -> GLOBAL;
            default -> throw new IllegalArgumentException("unknown scope '" + s + "' (expected layer or global)");
        };
    }

    @Override public String toString() { return name().toLowerCase(Locale.ROOT); }
}
