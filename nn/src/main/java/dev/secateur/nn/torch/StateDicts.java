package dev.secateur.nn.torch;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.io.TensorInfo;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.zoo.Models;
import dev.secateur.tensor.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PyTorch weights in and out: a {@code state_dict} saved as safetensors (Python
 * {@code safetensors.torch.save_file(model.state_dict(), path)}) plus an architecture loads as a
 * Secateur {@link Model}; a model saves back to a state dict that {@code model.load_state_dict}
 * accepts.
 *
 * <p>The architecture is a zoo name ({@link Models#names()}; the input shape, Fashion-MNIST
 * {@code [1, 28, 28]} or CIFAR-10 {@code [3, 32, 32]}, is the one whose shapes the tensors fit)
 * or the path of a JSON layer list ({@link ArchitectureDescription}). Modules are paired with
 * layers as {@link TorchNames} describes. Every tensor the architecture needs must be present
 * with its exact shape, and every tensor of the state dict must be used (apart from
 * {@code num_batches_tracked}); otherwise one error line names the tensor, the expected and the
 * found shape. F32, F16, BF16 and F64 tensors are read (converted to float32); values must be
 * finite.
 *
 * <p>Export writes every parameter and BatchNorm statistic as a dense F32 tensor (pruned
 * weights keep their zeros, masks are not written), {@code num_batches_tracked} = 0 as an I64
 * scalar for each batchnorm (PyTorch's strict loading asks for it) and {@code __metadata__}
 * {@code {"format": "pt"}} like {@code safetensors.torch}.
 */
public final class StateDicts {
    private StateDicts() {}

    /**
     * A loaded model and how its state dict named things: {@code torchNames} is the PyTorch module
     * each tensor-holding layer was read from, {@code biasFree} the layers that had no bias tensor.
     * Pass both to {@link #save(Model, Path, Map, Set)} to write the same keys back.
     */
    public record Imported(Model model, Map<String, String> torchNames, Set<String> biasFree) {}

    /** Loads a state dict with the architecture given as a zoo name or a JSON description path. */
    public static Model load(Path stateDict, String architecture) throws IOException {
        return read(stateDict, architecture).model();
    }

    /** Like {@link #load}, also returning the names the state dict used (see {@link Imported}). */
    public static Imported read(Path stateDict, String architecture) throws IOException {
        SafetensorsFile f = SafetensorsFile.read(stateDict);
        // What the layers may allocate: every element as a float, twice over for biases a
        // bias-free PyTorch layer leaves out (never more floats than its weight).
        long available = 0;
        for (TensorInfo t : f.tensors()) available += 8 * t.elementCount();
        if (Models.names().contains(architecture)) {
            ModelFormatException first = null;
            for (Shape input : List.of(Models.FASHION_MNIST, Models.CIFAR10)) {
                try {
                    return fill(f, Models.byName(architecture, input, 0), Map.of());
                } catch (ModelFormatException e) {
                    if (first == null) first = e;
                }
            }
            throw first;
        }
        Path json = Path.of(architecture);
        if (!Files.exists(json)) {
            throw new ModelFormatException(architecture, -1, "architecture is neither a zoo model (" + String.join(", ", Models.names())
                    + ") nor an existing JSON description file");
        }
        ArchitectureDescription.Built built = ArchitectureDescription.read(json, available);
        return fill(f, built.model(), built.torchNames());
    }

    /**
     * Copies a state dict's tensors into {@code model} (its layers already built);
     * {@code torchNames} maps layer names to module names where they differ and position would
     * not pair them (see {@link TorchNames}).
     */
    public static Imported fill(SafetensorsFile f, Model model, Map<String, String> torchNames) {
        String src = f.source();
        Map<String, String> modules = TorchNames.resolve(model, f.tensors(), torchNames, src);
        Set<String> used = new HashSet<>(), biasFree = new java.util.TreeSet<>();
        for (Layer l : TorchNames.tensorLayers(model)) {
            String module = modules.get(l.name());
            for (Parameter p : concat(l.parameters(), l.buffers())) {
                String suffix = p.name().substring(l.name().length() + 1);
                String key = module.isEmpty() ? suffix : module + "." + suffix;
                if (!f.contains(key)) {
                    if (suffix.equals("bias") && !(l instanceof BatchNorm)) {
                        p.value().fill(0f); // a PyTorch layer built with bias=False
                        biasFree.add(l.name());
                        continue;
                    }
                    throw new ModelFormatException(src, -1, "missing tensor \"" + key + "\" for " + p.name() + ": expected "
                            + p.value().shape());
                }
                TensorInfo t = f.info(key);
                if (!Arrays.equals(t.shape(), p.value().shape().toArray())) {
                    throw new ModelFormatException(src, f.fileOffset(t), "tensor \"" + key + "\" for " + p.name() + " has shape "
                            + Arrays.toString(t.shape()) + ", expected " + p.value().shape());
                }
                float[] v = floats(f, t);
                System.arraycopy(v, 0, p.value().data(), p.value().offset(), v.length);
                p.clearMask();
                used.add(key);
            }
        }
        for (TensorInfo t : f.tensors()) {
            if (used.contains(t.name()) || t.name().endsWith("." + TorchNames.IGNORED_SUFFIX)) continue;
            throw new ModelFormatException(src, f.fileOffset(t), "extra tensor \"" + t.name() + "\" " + t.dtype() + " "
                    + Arrays.toString(t.shape()) + ": no layer of the architecture " + model.architecture() + " takes it");
        }
        ModelFile.requireFinite(model, src);
        return new Imported(model, modules, Set.copyOf(biasFree));
    }

    /** Saves a state dict with Secateur's tensor names. */
    public static void save(Model model, Path file) throws IOException {
        save(model, file, Map.of(), Set.of());
    }

    /**
     * Saves a state dict; a layer listed in {@code torchNames} has its tensors written under that
     * module name instead of its own, and a layer in {@code biasFree} whose bias is all zeros is
     * written without one (as PyTorch's {@code bias=False} expects). The names an import
     * returned ({@link Imported}) give back the keys the original state dict had.
     */
    public static void save(Model model, Path file, Map<String, String> torchNames, Set<String> biasFree) throws IOException {
        writer(model, torchNames, biasFree).write(file);
    }

    /** The bytes {@link #save(Model, Path, Map, Set)} writes. */
    public static byte[] toBytes(Model model, Map<String, String> torchNames, Set<String> biasFree) {
        return writer(model, torchNames, biasFree).toBytes();
    }

    private static SafetensorsWriter writer(Model model, Map<String, String> torchNames, Set<String> biasFree) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (Layer l : TorchNames.tensorLayers(model)) {
            String module = torchNames.getOrDefault(l.name(), l.name());
            String prefix = module.isEmpty() ? "" : module + ".";
            for (Parameter p : concat(l.parameters(), l.buffers())) {
                String suffix = p.name().substring(l.name().length() + 1);
                if (suffix.equals("bias") && biasFree.contains(l.name()) && p.nonZeros() == 0) continue;
                String key = prefix + suffix;
                if (w.contains(key)) throw new IllegalArgumentException("two tensors would be saved as \"" + key + "\"");
                w.put(key, p.value());
            }
            if (l instanceof BatchNorm) w.putI64(prefix + TorchNames.IGNORED_SUFFIX, new int[0], new long[] {0});
        }
        return w.metadata(Map.of("format", "pt"));
    }

    private static float[] floats(SafetensorsFile f, TensorInfo t) {
        return switch (t.dtype()) {
            case F32 -> f.f32(t.name());
            case F16 -> f.f16(t.name());
            case BF16 -> {
                ByteBuffer b = ByteBuffer.wrap(f.rawBytes(t.name())).order(ByteOrder.LITTLE_ENDIAN);
                float[] out = new float[(int) t.elementCount()];
                for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
                yield out;
            }
            case F64 -> {
                ByteBuffer b = ByteBuffer.wrap(f.rawBytes(t.name())).order(ByteOrder.LITTLE_ENDIAN);
                float[] out = new float[(int) t.elementCount()];
                for (int i = 0; i < out.length; i++) out[i] = (float) b.getDouble();
                yield out;
            }
            default -> throw new ModelFormatException(f.source(), f.fileOffset(t), "tensor \"" + t.name() + "\" has dtype "
                    + t.dtype() + "; weights must be F32, F16, BF16 or F64");
        };
    }

    private static List<Parameter> concat(List<Parameter> a, List<Parameter> b) {
        List<Parameter> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
