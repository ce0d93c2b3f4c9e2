package dev.secateur.nn.torch;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.TensorInfo;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.ResidualBlock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pairs the layers of a Secateur model with the modules of a PyTorch {@code state_dict}.
 *
 * <p>A state-dict key is a module name, a dot and a tensor name: {@code features.0.weight}
 * belongs to module {@code features.0}. Secateur names its tensors the same way after its layer
 * names ({@code conv1.weight}, {@code block1.bn1.running_var}); the tensor names and layouts are
 * PyTorch's: dense {@code weight [out, in]} and {@code bias [out]} ({@code nn.Linear}), conv
 * {@code weight [out, in, kh, kw]} and {@code bias [out]} ({@code nn.Conv2d}), batchnorm
 * {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}
 * ({@code nn.BatchNorm1d/2d}). Each layer that holds tensors gets its module, in this order:
 * <ol>
 *   <li>the name given explicitly (a {@code "torch"} entry of the architecture description);</li>
 *   <li>the module of the same name, when the state dict has one;</li>
 *   <li>otherwise by position, separately for each kind: the remaining dense layers take the
 *       remaining modules with a 2-D weight, conv layers those with a 4-D weight, batchnorm
 *       layers those with running statistics, each list in forward order on the Secateur side
 *       and in natural name order on the PyTorch side (numbers compared as numbers, so
 *       {@code 0 < 3 < 10}; {@code nn.Sequential} indices and names such as
 *       {@code conv1 < conv2} or {@code layer1.0.conv1 < layer1.0.downsample.0} come out in
 *       forward order).</li>
 * </ol>
 * A PyTorch {@code bias=False} layer (no {@code bias} tensor) loads with a zero bias;
 * {@code num_batches_tracked} is ignored. Anything else left over, or missing, is an error.
 */
public final class TorchNames {
    private TorchNames() {}

    /** What a module holds: how its tensors tell what layer it is. */
    enum Kind { DENSE, CONV, BATCHNORM, OTHER }

    /** Tensors PyTorch keeps that carry nothing Secateur uses. */
    static final String IGNORED_SUFFIX = "num_batches_tracked";

    /**
     * The module name for every Secateur layer with tensors, in forward order (layer name to
     * module name), resolved against the state dict's tensors as described above.
     */
    static Map<String, String> resolve(Model model, Collection<TensorInfo> stateDict, Map<String, String> explicit, String src) {
        Map<String, Map<String, TensorInfo>> modules = modules(stateDict);
        List<Layer> layers = tensorLayers(model);
        Set<String> layerNames = new java.util.HashSet<>();
        for (Layer l : layers) layerNames.add(l.name());
        for (String named : explicit.keySet()) {
            if (!layerNames.contains(named)) {
                throw new ModelFormatException(src, -1, "a PyTorch module name is given for \"" + named
                        + "\", which is not a dense, conv2d or batchnorm layer of " + model.architecture());
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> taken = new java.util.HashSet<>();
        for (Layer l : layers) {
            String m = explicit.get(l.name());
            if (m == null && modules.containsKey(l.name()) && !explicit.containsValue(l.name())) m = l.name();
            if (m != null) {
                if (!taken.add(m)) throw new ModelFormatException(src, -1, "PyTorch module \"" + m + "\" is given to two layers");
                out.put(l.name(), m);
            }
        }
        for (Kind kind : List.of(Kind.DENSE, Kind.CONV, Kind.BATCHNORM)) {
            List<Layer> open = layers.stream().filter(l -> kindOf(l) == kind && !out.containsKey(l.name())).toList();
            if (open.isEmpty()) continue;
            List<String> free = modules.entrySet().stream()
                    .filter(e -> !taken.contains(e.getKey()) && kindOf(e.getValue()) == kind)
                    .map(Map.Entry::getKey).sorted(NATURAL).toList();
            if (free.size() != open.size()) {
                throw new ModelFormatException(src, -1, "cannot pair " + kind.name().toLowerCase() + " layers by position: the architecture has "
                        + open.size() + " without a module of the same name (" + names(open) + "), the state dict " + free.size()
                        + " such modules " + free + "; name them with \"torch\" in the architecture description");
            }
            for (int i = 0; i < open.size(); i++) {
                out.put(open.get(i).name(), free.get(i));
                taken.add(free.get(i));
            }
        }
        // Keep forward order in the result.
        Map<String, String> ordered = new LinkedHashMap<>();
        for (Layer l : layers) ordered.put(l.name(), out.get(l.name()));
        return ordered;
    }

    /** The layers that hold parameters or buffers, in forward order, residual paths expanded (main, then shortcut). */
    static List<Layer> tensorLayers(Model model) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : model.layers()) collect(l, out);
        return out;
    }

    private static void collect(Layer l, List<Layer> out) {
        if (l instanceof ResidualBlock r) {
            for (Layer c : r.mainPath()) collect(c, out);
            for (Layer c : r.shortcutPath()) collect(c, out);
        } else if (!l.parameters().isEmpty() || !l.buffers().isEmpty()) {
            out.add(l);
        }
    }

    /** State-dict tensors grouped by module name (key up to its last dot), ignored tensors left out. */
    static Map<String, Map<String, TensorInfo>> modules(Collection<TensorInfo> stateDict) {
        Map<String, Map<String, TensorInfo>> m = new TreeMap<>();
        for (TensorInfo t : stateDict) {
            String key = t.name();
            int dot = key.lastIndexOf('.');
            String module = dot < 0 ? "" : key.substring(0, dot), tensor = key.substring(dot + 1);
            if (tensor.equals(IGNORED_SUFFIX)) continue;
            m.computeIfAbsent(module, k -> new TreeMap<>()).put(tensor, t);
        }
        return m;
    }

    static Kind kindOf(Layer l) {
        if (l instanceof Dense) return Kind.DENSE;
        if (l instanceof Conv2d) return Kind.CONV;
        if (l instanceof BatchNorm) return Kind.BATCHNORM;
        return Kind.OTHER;
    }

    static Kind kindOf(Map<String, TensorInfo> module) {
        if (module.containsKey("running_mean") || module.containsKey("running_var")) return Kind.BATCHNORM;
        TensorInfo w = module.get("weight");
        if (w == null) return Kind.OTHER;
        return switch (w.shape().length) {
            case 2 -> Kind.DENSE;
            case 4 -> Kind.CONV;
            default -> Kind.OTHER;
        };
    }

    private static String names(List<Layer> layers) {
        return String.join(", ", layers.stream().map(Layer::name).toList());
    }

    /** Dot-separated names compared part by part, all-digit parts as numbers. */
    static final Comparator<String> NATURAL = (a, b) -> {
        String[] x = a.split("\\.", -1), y = b.split("\\.", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = comparePart(x[i], y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    };

    private static int comparePart(String a, String b) {
        boolean na = !a.isEmpty() && a.length() < 10 && a.chars().allMatch(Character::isDigit);
        boolean nb = !b.isEmpty() && b.length() < 10 && b.chars().allMatch(Character::isDigit);
        if (na && nb) return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        return a.compareTo(b);
    }
}
