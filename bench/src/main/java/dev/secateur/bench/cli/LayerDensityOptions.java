package dev.secateur.bench.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** Per-layer density targets and caps, shared by the commands that prune ({@code prune}, {@code demo}); both scopes honour them. */
final class LayerDensityOptions {
    @Option(names = "--layer-density", split = ",", description = "per-layer target densities NAME=D,... (the other layers share the rest "
            + "of the target)")
    Map<String, Double> layerDensity = Map.of();
    @Option(names = "--max-density", split = ",", description = "per-layer maximum densities NAME=D,...: the layer keeps at most D of its "
            + "weights however the target is shared; the other layers make up the rest")
    Map<String, Double> maxDensity = Map.of();
}
