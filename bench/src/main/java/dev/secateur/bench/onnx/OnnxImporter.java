package dev.secateur.bench.onnx;

import dev.secateur.bench.onnx.proto.Onnx.AttributeProto;
import dev.secateur.bench.onnx.proto.Onnx.NodeProto;
import dev.secateur.bench.onnx.proto.Onnx.TensorProto;
import dev.secateur.bench.onnx.proto.Onnx.TensorShapeProto;
import dev.secateur.bench.onnx.proto.Onnx.ValueInfoProto;
import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.layers.AvgPool2d;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Flatten;
import dev.secateur.nn.layers.MaxPool2d;
import dev.secateur.nn.layers.ReLU;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts an ONNX classifier (opset 11 and newer) into a Secateur {@link Model}.
 *
 * <p>The graph is walked from its input: a chain of supported operators becomes a chain of
 * layers, and a value read by two branches that meet again in an {@code Add} becomes a
 * {@link ResidualBlock}. Sub/Div/Mul/Add by constants before the first layer become the model's
 * {@link InputNormalization}; a Softmax or LogSoftmax producing the graph output is dropped
 * (Secateur models output logits). Anything else fails with one {@link ModelFormatException}
 * naming the node, its operator and {@link #SUPPORTED}; no partial model is ever returned.
 */
public final class OnnxImporter {
    public static final List<String> SUPPORTED = List.of("Gemm", "MatMul(+Add)", "Conv", "Relu", "MaxPool", "AveragePool",
            "GlobalAveragePool", "BatchNormalization", "Add (residual)", "Flatten", "Reshape (to 2-D)",
            "Softmax/LogSoftmax (at the output)", "Identity", "Dropout", "Constant", "Sub/Div/Mul/Add by a constant (at the input)");

    /** The converted model, its input normalization (or null) and what the conversion dropped. */
    public record Imported(Model model, InputNormalization normalization, List<String> notes) {}

    private final OnnxFile.Parsed parsed;
    private final OnnxGraph graph;
    private final OnnxTensors tensors;
    private final String src;
    private final Map<String, Integer> counters = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** Deepest nesting of residual blocks accepted (each level is one recursion of the walk). */
    static final int MAX_NESTING = 64;
    private int depth, layerCount;
    // Input normalization as x * scale + shift per channel, collected before the first layer.
    private float[] scale, shift;

    /** Reshapes recognized as {@code x.view(x.size(0), -1)} with a dynamic batch ({@link #batchFlatten}). */
    private final java.util.Set<NodeProto> batchFlattens = new java.util.HashSet<>();

    private OnnxImporter(OnnxFile.Parsed parsed) {
        this.parsed = parsed;
        this.src = parsed.source();
        this.tensors = new OnnxTensors(src, parsed.directory());
        this.graph = new OnnxGraph(parsed.model().getGraph(), src, tensors);
    }

    public static Imported read(Path file) throws IOException {
        return convert(OnnxFile.read(file));
    }

    public static Imported convert(OnnxFile.Parsed parsed) {
        return new OnnxImporter(parsed).run();
    }

    private Imported run() {
        Shape sample = inputShape(graph.input());
        scale = new float[] {1f};
        shift = new float[] {0f};
        List<Layer> layers = new ArrayList<>();
        End end = walk(graph.input().getName(), sample, layers, "", true);
        if (end.join != null) throw graph.bad(end.join, "this Add joins values that do not fork from one value (only residual blocks are supported)");
        String name = architectureName();
        Model model;
        try {
            model = new Model(name, sample, layers);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(src, -1, "shapes do not agree: " + e.getMessage(), e);
        }
        if (layers.isEmpty()) throw new ModelFormatException(src, -1, "the graph holds no layer this importer can run");
        checkDeclaredOutput(model.outputShape());
        ModelFile.requireFinite(model, src);
        return new Imported(model, normalization(), List.copyOf(notes));
    }

    private String architectureName() {
        String g = parsed.model().getGraph().getName();
        String n = g;
        if (g.isEmpty() || g.equals("main_graph") || g.equals("torch_jit") || g.equals("torch-jit-export")) {
            // Exporters' generic graph names say nothing; the file name usually does.
            Path f = Path.of(src).getFileName();
            n = f == null ? "onnx" : f.toString().replaceFirst("(?i)\\.onnx$", "");
        }
        return n.length() > 64 ? n.substring(0, 64) : n;
    }

    /** Where a walk stopped: the last value and the Add that joins it with another branch (or null at the graph output). */
    private record End(String value, Shape shape, NodeProto join) {}

    /**
     * Converts the chain starting at {@code value} into {@code out}, until the graph output or an
     * Add of two data values (the end of a residual branch).
     */
    private End walk(String value, Shape shape, List<Layer> out, String prefix, boolean top) {
        String cur = value;
        while (true) {
            List<NodeProto> cons = graph.consumers(cur);
            boolean isOutput = cur.equals(graph.output().getName());
            if (isOutput) {
                if (!cons.isEmpty()) throw graph.bad(cons.get(0), "reads the graph output \"" + cur + "\"; the output must be the last value");
                return new End(cur, shape, null);
            }
            if (cons.isEmpty()) throw new ModelFormatException(src, -1, "value \"" + cur + "\" is computed but never used and is not the graph output");
            NodeProto flatten = batchFlatten(cur, cons);
            if (flatten != null) cons = List.of(flatten);
            if (cons.size() == 1) {
                NodeProto n = cons.get(0);
                if (isJoin(n)) return new End(cur, shape, n);
                Step s = convert(n, cur, shape, out, prefix, top && out.isEmpty());
                cur = s.value;
                shape = s.shape;
                continue;
            }
            if (cons.size() != 2 || cons.get(0) == cons.get(1)) {
                throw graph.bad(cons.get(0), "value \"" + cur + "\" feeds " + cons.size() + " inputs; only the two branches of a residual block may share a value");
            }
            if (++depth > MAX_NESTING) throw graph.bad(cons.get(0), "residual blocks nested more than " + MAX_NESTING + " deep");
            String block = prefix + next("block");
            List<Layer> a = new ArrayList<>(), b = new ArrayList<>();
            End ea = branch(cons.get(0), cur, shape, a, block + ".");
            End eb = branch(cons.get(1), cur, shape, b, block + ".");
            if (ea.join == null || ea.join != eb.join) {
                throw graph.bad(cons.get(0), "the branches starting at \"" + cur + "\" do not meet in one Add (only residual blocks are supported)");
            }
            if (a.isEmpty() && b.isEmpty()) throw graph.bad(ea.join, "adds a value to itself");
            List<Layer> main = a.isEmpty() ? b : a, shortcut = a.isEmpty() ? a : b;
            if (!a.isEmpty() && !b.isEmpty() && b.size() > a.size()) { main = b; shortcut = a; }
            if (++layerCount > ModelFile.MAX_LAYERS) throw graph.bad(ea.join, "more than " + ModelFile.MAX_LAYERS + " layers");
            try {
                ResidualBlock r = new ResidualBlock(block, main, shortcut);
                shape = r.outputShape(shape);
                out.add(r);
            } catch (IllegalArgumentException e) {
                throw graph.bad(ea.join, "shapes do not agree: " + e.getMessage());
            }
            depth--;
            cur = ea.join.getOutput(0);
        }
    }

    private End branch(NodeProto first, String value, Shape shape, List<Layer> out, String prefix) {
        if (isJoin(first)) return new End(value, shape, first);
        Step s = convert(first, value, shape, out, prefix, false);
        return walk(s.value, s.shape, out, prefix, false);
    }

    private boolean isJoin(NodeProto n) {
        return n.getOpType().equals("Add") && n.getDomain().isEmpty() && n.getInputCount() == 2
                && !graph.isConstant(n.getInput(0)) && !graph.isConstant(n.getInput(1));
    }

    private record Step(String value, Shape shape) {}

    /** Converts one node (MatMul + Add: two) reading {@code in}; returns the value and shape after it. */
    private Step convert(NodeProto n, String in, Shape shape, List<Layer> out, String prefix, boolean atInput) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) throw unsupported(n);
        if (n.getInputCount() == 0 || !n.getInput(0).equals(in) && !commutes(n)) {
            throw graph.bad(n, "reads \"" + in + "\" in a position other than its first input");
        }
        String y = n.getOutputCount() > 0 ? n.getOutput(0) : "";
        for (int i = 1; i < n.getOutputCount(); i++) {
            if (!n.getOutput(i).isEmpty() && !graph.consumers(n.getOutput(i)).isEmpty()) {
                throw graph.bad(n, "its output " + i + " (\"" + n.getOutput(i) + "\") is used; only the first output is supported");
            }
        }
        Layer layer;
        try {
            layer = switch (n.getOpType()) {
                case "Conv" -> conv(n, shape, prefix);
                case "Gemm" -> gemm(n, shape, prefix);
                case "MatMul" -> matmul(n, shape, prefix);
                case "Relu" -> new ReLU(prefix + next("relu"));
                case "MaxPool", "AveragePool" -> pool(n, shape, prefix);
                case "GlobalAveragePool" -> {
                    requireRank(n, shape, 3);
                    yield AvgPool2d.global(prefix + next("avgpool"));
                }
                case "BatchNormalization" -> batchNorm(n, shape, prefix);
                case "Flatten" -> flatten(n, shape, prefix);
                case "Reshape" -> reshape(n, shape, prefix);
                case "Identity", "Dropout" -> null;
                case "Softmax", "LogSoftmax" -> {
                    if (!y.equals(graph.output().getName())) throw graph.bad(n, "is supported only where it produces the graph output");
                    notes.add(n.getOpType() + " node " + graph.name(n) + " at the output dropped: the model outputs logits (argmax unchanged)");
                    yield null;
                }
                case "Sub", "Div", "Mul", "Add" -> {
                    if (!atInput) throw graph.bad(n, n.getOpType() + " by a constant is supported only before the first layer (as the input normalization)");
                    normalize(n, in, shape);
                    yield null;
                }
                default -> throw unsupported(n);
            };
            if (layer != null) {
                if (++layerCount > ModelFile.MAX_LAYERS) throw graph.bad(n, "more than " + ModelFile.MAX_LAYERS + " layers");
                shape = layer.outputShape(shape);
                out.add(layer);
            }
        } catch (ModelFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw graph.bad(n, "shapes do not agree: " + e.getMessage());
        }
        if (layer instanceof Dense d && n.getOpType().equals("MatMul")) {
            List<NodeProto> next = graph.consumers(y);
            if (next.size() == 1 && next.get(0).getOpType().equals("Add") && !isJoin(next.get(0))) {
                NodeProto add = next.get(0);
                String bias = add.getInput(0).equals(y) ? add.getInput(1) : add.getInput(0);
                float[] b = tensors.floats(graph.constant(add, bias));
                if (b.length != d.outFeatures()) throw graph.bad(add, "bias of " + b.length + " values for " + d.outFeatures() + " outputs");
                System.arraycopy(b, 0, d.bias().value().data(), 0, b.length);
                return new Step(add.getOutput(0), shape);
            }
        }
        return new Step(y, shape);
    }

    private static boolean commutes(NodeProto n) {
        return (n.getOpType().equals("Mul") || n.getOpType().equals("Add")) && n.getInputCount() == 2;
    }

    private Layer conv(NodeProto n, Shape shape, String prefix) {
        requireRank(n, shape, 3);
        Map<String, AttributeProto> a = attrs(n);
        if (intAttr(a, "group", 1) != 1) throw graph.bad(n, "group = " + intAttr(a, "group", 1) + " (grouped and depthwise convolutions are not supported)");
        long[] dil = ints(a, "dilations", new long[] {1, 1});
        if (dil.length != 2 || dil[0] != 1 || dil[1] != 1) throw graph.bad(n, "dilations " + Arrays.toString(dil) + " are not supported (only 1)");
        TensorProto wt = graph.constant(n, input(n, 1));
        int[] wd = tensors.dims(wt);
        if (wd.length != 4) throw graph.bad(n, "weight " + Arrays.toString(wd) + " is not 4-D (only 2-D convolutions are supported)");
        int outC = wd[0], inC = wd[1], kh = wd[2], kw = wd[3];
        if (inC != shape.dim(0)) throw graph.bad(n, "shapes do not agree: weight " + Arrays.toString(wd) + " for an input of " + shape);
        long[] ks = ints(a, "kernel_shape", new long[] {kh, kw});
        if (ks.length != 2 || ks[0] != kh || ks[1] != kw) throw graph.bad(n, "kernel_shape " + Arrays.toString(ks) + " disagrees with the weight " + Arrays.toString(wd));
        int stride = squareStride(n, a);
        int pad = padding(n, a, shape, kh, kw, stride);
        Conv2d c = new Conv2d(prefix + next("conv"), inC, outC, kh, kw, stride, pad);
        float[] w = tensors.floats(wt);
        System.arraycopy(w, 0, c.weight().value().data(), 0, w.length);
        String bias = input(n, 2);
        if (!bias.isEmpty()) {
            float[] b = tensors.floats(graph.constant(n, bias));
            if (b.length != outC) throw graph.bad(n, "bias of " + b.length + " values for " + outC + " output channels");
            System.arraycopy(b, 0, c.bias().value().data(), 0, outC);
        }
        return c;
    }

    private int squareStride(NodeProto n, Map<String, AttributeProto> a) {
        long[] s = ints(a, "strides", new long[] {1, 1});
        if (s.length != 2 || s[0] != s[1] || s[0] < 1 || s[0] > ModelFile.MAX_UNITS) {
            throw graph.bad(n, "strides " + Arrays.toString(s) + " are not supported (equal positive strides only)");
        }
        return (int) s[0];
    }

    /** One padding for all four sides, from pads or auto_pad; asymmetric padding is refused. */
    private int padding(NodeProto n, Map<String, AttributeProto> a, Shape shape, int kh, int kw, int stride) {
        String auto = a.containsKey("auto_pad") ? a.get("auto_pad").getS().toStringUtf8() : "NOTSET";
        switch (auto) {
            case "NOTSET" -> {
                long[] p = ints(a, "pads", new long[] {0, 0, 0, 0});
                if (p.length != 4 || p[0] != p[1] || p[0] != p[2] || p[0] != p[3] || p[0] < 0 || p[0] > ModelFile.MAX_UNITS) {
                    throw graph.bad(n, "pads " + Arrays.toString(p) + " are not supported (the same padding on all four sides only)");
                }
                return (int) p[0];
            }
            case "VALID" -> { return 0; }
            case "SAME_UPPER", "SAME_LOWER" -> {
                int ph = samePad(shape.dim(1), kh, stride), pw = samePad(shape.dim(2), kw, stride);
                if (ph < 0 || pw < 0 || ph != pw) {
                    throw graph.bad(n, "auto_pad " + auto + " needs unequal padding for input " + shape + " and kernel " + kh + "x" + kw
                            + " (the same padding on all four sides only)");
                }
                return ph;
            }
            default -> throw graph.bad(n, "unknown auto_pad \"" + auto + "\"");
        }
    }

    /** Padding per side for SAME output size, or -1 when the total is odd. */
    private static int samePad(int in, int k, int stride) {
        int outSize = (in + stride - 1) / stride;
        int total = Math.max((outSize - 1) * stride + k - in, 0);
        return total % 2 == 0 ? total / 2 : -1;
    }

    private Layer pool(NodeProto n, Shape shape, String prefix) {
        requireRank(n, shape, 3);
        Map<String, AttributeProto> a = attrs(n);
        long[] k = ints(a, "kernel_shape", null);
        if (k == null || k.length != 2 || k[0] != k[1] || k[0] < 1 || k[0] > ModelFile.MAX_UNITS) {
            throw graph.bad(n, "kernel_shape " + (k == null ? "missing" : Arrays.toString(k)) + " is not supported (square 2-D windows only)");
        }
        int stride = squareStride(n, a);
        String auto = a.containsKey("auto_pad") ? a.get("auto_pad").getS().toStringUtf8() : "NOTSET";
        long[] p = ints(a, "pads", new long[] {0, 0, 0, 0});
        if (!(auto.equals("NOTSET") || auto.equals("VALID")) || Arrays.stream(p).anyMatch(v -> v != 0)) {
            throw graph.bad(n, "padded pooling (pads " + Arrays.toString(p) + ", auto_pad " + auto + ") is not supported");
        }
        long[] dil = ints(a, "dilations", new long[] {1, 1});
        if (Arrays.stream(dil).anyMatch(v -> v != 1)) throw graph.bad(n, "dilated pooling is not supported");
        if (intAttr(a, "ceil_mode", 0) != 0) {
            for (int d = 1; d <= 2; d++) {
                if (shape.dim(d) >= k[0] && (shape.dim(d) - k[0]) % stride != 0) throw graph.bad(n, "ceil_mode = 1 changes the output size here (only floor mode is supported)");
            }
        }
        String name = prefix + next(n.getOpType().equals("MaxPool") ? "maxpool" : "avgpool");
        return n.getOpType().equals("MaxPool") ? new MaxPool2d(name, (int) k[0], stride) : new AvgPool2d(name, (int) k[0], stride);
    }

    private Layer batchNorm(NodeProto n, Shape shape, String prefix) {
        Map<String, AttributeProto> a = attrs(n);
        if (intAttr(a, "training_mode", 0) != 0) throw graph.bad(n, "training_mode = 1 is not supported (inference graphs only)");
        if (shape.rank() != 1 && shape.rank() != 3) throw graph.bad(n, "input " + shape + " is neither [C] nor [C, H, W]");
        int c = shape.dim(0);
        double eps = a.containsKey("epsilon") ? a.get("epsilon").getF() : 1e-5;
        if (!(eps > 0)) throw graph.bad(n, "epsilon " + eps + " must be positive");
        BatchNorm bn = new BatchNorm(prefix + next("bn"), c, eps, 0.1);
        String[] names = {"scale", "B", "mean", "var"};
        dev.secateur.nn.Parameter[] into = {bn.gamma(), bn.beta(), bn.runningMean(), bn.runningVar()};
        for (int i = 0; i < 4; i++) {
            float[] v = tensors.floats(graph.constant(n, input(n, i + 1)));
            if (v.length != c) throw graph.bad(n, names[i] + " has " + v.length + " values for " + c + " channels");
            System.arraycopy(v, 0, into[i].value().data(), 0, c);
        }
        return bn;
    }

    private Layer gemm(NodeProto n, Shape shape, String prefix) {
        Map<String, AttributeProto> a = attrs(n);
        if (shape.rank() != 1) throw graph.bad(n, "input " + shape + " per sample is not 1-D (Gemm needs [N, K]; add a Flatten)");
        if (intAttr(a, "transA", 0) != 0) throw graph.bad(n, "transA = 1 is not supported");
        boolean transB = intAttr(a, "transB", 0) != 0;
        float alpha = a.containsKey("alpha") ? a.get("alpha").getF() : 1f, beta = a.containsKey("beta") ? a.get("beta").getF() : 1f;
        Dense d = dense(n, shape, prefix, graph.constant(n, input(n, 1)), transB);
        float[] w = d.weight().value().data();
        if (alpha != 1f) for (int i = 0; i < w.length; i++) w[i] *= alpha;
        String c = input(n, 2);
        if (!c.isEmpty()) {
            float[] b = tensors.floats(graph.constant(n, c));
            float[] bias = d.bias().value().data();
            if (b.length != 1 && b.length != bias.length) throw graph.bad(n, "C has " + b.length + " values for " + bias.length + " outputs");
            for (int i = 0; i < bias.length; i++) bias[i] = beta * b[b.length == 1 ? 0 : i];
        }
        return d;
    }

    private Layer matmul(NodeProto n, Shape shape, String prefix) {
        if (shape.rank() != 1) throw graph.bad(n, "input " + shape + " per sample is not 1-D (only [N, K] x [K, M] is supported)");
        return dense(n, shape, prefix, graph.constant(n, input(n, 1)), false);
    }

    /** A dense layer from a constant weight {@code [out, in]} (transposed) or {@code [in, out]}. */
    private Dense dense(NodeProto n, Shape shape, String prefix, TensorProto wt, boolean transposed) {
        int[] wd = tensors.dims(wt);
        if (wd.length != 2) throw graph.bad(n, "weight " + Arrays.toString(wd) + " is not 2-D");
        int in = transposed ? wd[1] : wd[0], outF = transposed ? wd[0] : wd[1];
        if (in != shape.size()) throw graph.bad(n, "shapes do not agree: weight " + Arrays.toString(wd) + " for " + shape.size() + " input features");
        if (outF < 1 || outF > ModelFile.MAX_UNITS) throw graph.bad(n, outF + " outputs out of range");
        Dense d = new Dense(prefix + next("fc"), in, outF);
        float[] w = tensors.floats(wt), dst = d.weight().value().data();
        if (transposed) System.arraycopy(w, 0, dst, 0, w.length);
        else for (int i = 0; i < in; i++) for (int o = 0; o < outF; o++) dst[o * in + i] = w[i * outF + o];
        return d;
    }

    private Layer flatten(NodeProto n, Shape shape, String prefix) {
        long axis = intAttr(attrs(n), "axis", 1);
        if (axis != 1) throw graph.bad(n, "axis = " + axis + " is not supported (only 1: keep the batch dimension)");
        return new Flatten(prefix + next("flatten"));
    }

    private Layer reshape(NodeProto n, Shape shape, String prefix) {
        if (batchFlattens.contains(n)) return new Flatten(prefix + next("flatten"));
        long[] target = tensors.longs(graph.constant(n, input(n, 1)));
        long features = shape.size();
        // [0 | -1 | N, features] or [0 | N, -1]: each sample flattened, the batch kept (a positive
        // N is the batch size the exporter traced, e.g. x.view(x.size(0), -1) with a fixed batch).
        boolean ok = target.length == 2 && (target[1] == features && (target[0] == 0 || target[0] == -1 || target[0] > 0)
                || target[1] == -1 && target[0] >= 0);
        if (!ok) throw graph.bad(n, "reshape to " + Arrays.toString(target) + " is not supported (only [N, " + features + "], flattening each sample)");
        return new Flatten(prefix + next("flatten"));
    }

    /**
     * {@code x.view(x.size(0), -1)} exported with a dynamic batch: the two readers of {@code value}
     * are a Shape and a Reshape whose target is Concat(Unsqueeze(Gather(Shape(value), 0)), [-1]).
     * Returns that Reshape (a per-sample flatten), or null when the readers are anything else.
     */
    private NodeProto batchFlatten(String value, List<NodeProto> cons) {
        if (cons.size() != 2) return null;
        boolean firstIsShape = cons.get(0).getOpType().equals("Shape");
        NodeProto shapeOf = cons.get(firstIsShape ? 0 : 1), reshape = cons.get(firstIsShape ? 1 : 0);
        if (!shapeOf.getOpType().equals("Shape") || shapeOf.getAttributeCount() != 0 || !reshape.getOpType().equals("Reshape")) return null;
        NodeProto gather = onlyReader(shapeOf, "Gather");
        if (gather == null || gather.getInputCount() != 2 || !gather.getInput(0).equals(shapeOf.getOutput(0))
                || !graph.isConstant(gather.getInput(1)) || !Arrays.equals(tensors.longs(graph.constant(gather, gather.getInput(1))), new long[] {0})
                || attrs(gather).containsKey("axis") && attrs(gather).get("axis").getI() != 0) {
            return null;
        }
        NodeProto unsqueeze = onlyReader(gather, "Unsqueeze");
        NodeProto concat = unsqueeze == null ? null : onlyReader(unsqueeze, "Concat");
        if (concat == null || concat.getInputCount() != 2 || !concat.getInput(0).equals(unsqueeze.getOutput(0))
                || !graph.isConstant(concat.getInput(1))
                || !Arrays.equals(tensors.longs(graph.constant(concat, concat.getInput(1))), new long[] {-1})) {
            return null;
        }
        if (onlyReader(concat, "Reshape") != reshape || !reshape.getInput(0).equals(value) || !reshape.getInput(1).equals(concat.getOutput(0))) {
            return null;
        }
        batchFlattens.add(reshape);
        return reshape;
    }

    /** The single node reading {@code n}'s single output, when it is an {@code op}; else null. */
    private NodeProto onlyReader(NodeProto n, String op) {
        if (n.getOutputCount() != 1) return null;
        List<NodeProto> readers = graph.consumers(n.getOutput(0));
        return readers.size() == 1 && readers.get(0).getOpType().equals(op) ? readers.get(0) : null;
    }

    /** Folds an elementwise op with a per-channel or scalar constant into the input normalization. */
    private void normalize(NodeProto n, String in, Shape shape) {
        if (n.getInputCount() != 2) throw graph.bad(n, "needs two inputs");
        boolean first = n.getInput(0).equals(in);
        if (!first && !commutes(n)) throw graph.bad(n, "the input must be its first operand");
        float[] k = tensors.floats(graph.constant(n, n.getInput(first ? 1 : 0)));
        int channels = shape.rank() == 3 ? shape.dim(0) : 1;
        int[] kd = tensors.dims(graph.constant(n, n.getInput(first ? 1 : 0)));
        if (!(k.length == 1 || k.length == channels && perChannel(kd, channels))) {
            throw graph.bad(n, "constant of shape " + Arrays.toString(kd) + " is neither a scalar nor one value per channel of " + shape);
        }
        if (k.length > scale.length) {
            float s = scale[0], b = shift[0];
            scale = new float[k.length];
            shift = new float[k.length];
            Arrays.fill(scale, s);
            Arrays.fill(shift, b);
        }
        for (int c = 0; c < scale.length; c++) {
            float v = k[k.length == 1 ? 0 : c];
            switch (n.getOpType()) {
                case "Sub" -> shift[c] -= v;
                case "Add" -> shift[c] += v;
                case "Mul" -> { scale[c] *= v; shift[c] *= v; }
                default -> {
                    if (v == 0f) throw graph.bad(n, "divides by zero");
                    scale[c] /= v;
                    shift[c] /= v;
                }
            }
        }
    }

    private static boolean perChannel(int[] dims, int channels) {
        int nonOne = 0;
        for (int d : dims) if (d != 1) { if (d != channels) return false; nonOne++; }
        // [C, 1, 1] or [1, C, 1, 1]: the channel axis is third from the end
        return nonOne == 1 && dims.length >= 3 && dims[dims.length - 3] == channels;
    }

    /** x * scale + shift as (x - mean) / std, or null when it is the identity. */
    private InputNormalization normalization() {
        boolean identity = true;
        float[] mean = new float[scale.length], std = new float[scale.length];
        for (int c = 0; c < scale.length; c++) {
            if (scale[c] == 0f) throw new ModelFormatException(src, -1, "the input normalization multiplies channel " + c + " by zero");
            std[c] = 1f / scale[c];
            mean[c] = -shift[c] / scale[c];
            identity &= scale[c] == 1f && shift[c] == 0f;
        }
        if (identity) return null;
        notes.add("input normalization kept in the model file: " + new InputNormalization(mean, std));
        return new InputNormalization(mean, std);
    }

    private Shape inputShape(ValueInfoProto v) {
        if (!v.hasType() || !v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
            throw new ModelFormatException(src, -1, "graph input \"" + v.getName() + "\" declares no tensor shape");
        }
        if (v.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelFormatException(src, -1, "graph input \"" + v.getName() + "\" has element type "
                    + OnnxTensors.typeName(v.getType().getTensorType().getElemType()) + " (only float is supported)");
        }
        TensorShapeProto s = v.getType().getTensorType().getShape();
        if (s.getDimCount() != 2 && s.getDimCount() != 4) {
            throw new ModelFormatException(src, -1, "graph input \"" + v.getName() + "\" has " + s.getDimCount() + " dimensions (only [N, F] and [N, C, H, W])");
        }
        int[] dims = new int[s.getDimCount() - 1];
        long total = 1;
        for (int i = 1; i < s.getDimCount(); i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            if (!d.hasDimValue() || d.getDimValue() < 1 || d.getDimValue() > ModelFile.MAX_UNITS) {
                throw new ModelFormatException(src, -1, "graph input \"" + v.getName() + "\" dimension " + i + " is "
                        + (d.hasDimValue() ? d.getDimValue() : "symbolic \"" + d.getDimParam() + "\"") + " (need a fixed size in 1.." + ModelFile.MAX_UNITS + ")");
            }
            dims[i - 1] = (int) d.getDimValue();
            total *= dims[i - 1];
        }
        if (total > ModelFile.MAX_INPUT_ELEMENTS) throw new ModelFormatException(src, -1, "graph input of " + total + " elements per sample is too large");
        return Shape.of(dims);
    }

    private void checkDeclaredOutput(Shape out) {
        ValueInfoProto o = graph.output();
        if (!o.hasType() || !o.getType().hasTensorType() || !o.getType().getTensorType().hasShape()) return;
        TensorShapeProto s = o.getType().getTensorType().getShape();
        long declared = 1;
        for (int i = 1; i < s.getDimCount(); i++) {
            if (!s.getDim(i).hasDimValue()) return;
            declared *= s.getDim(i).getDimValue();
        }
        if (s.getDimCount() < 2 || declared != out.size()) {
            throw new ModelFormatException(src, -1, "shapes do not agree: graph output \"" + o.getName() + "\" is declared with "
                    + s.getDimCount() + " dims / " + declared + " values per sample, the layers give " + out);
        }
    }

    private void requireRank(NodeProto n, Shape shape, int rank) {
        if (shape.rank() != rank) throw graph.bad(n, "input " + shape + " per sample has rank " + shape.rank() + ", expected " + rank);
    }

    private String input(NodeProto n, int i) { return i < n.getInputCount() ? n.getInput(i) : ""; }

    private Map<String, AttributeProto> attrs(NodeProto n) {
        Map<String, AttributeProto> m = new HashMap<>();
        for (AttributeProto a : n.getAttributeList()) m.put(a.getName(), a);
        return m;
    }

    private static long intAttr(Map<String, AttributeProto> a, String key, long dflt) {
        return a.containsKey(key) ? a.get(key).getI() : dflt;
    }

    private static long[] ints(Map<String, AttributeProto> a, String key, long[] dflt) {
        if (!a.containsKey(key)) return dflt;
        List<Long> l = a.get(key).getIntsList();
        long[] v = new long[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = l.get(i);
        return v;
    }

    private String next(String kind) {
        return kind + counters.merge(kind, 1, Integer::sum);
    }

    private ModelFormatException unsupported(NodeProto n) {
        String op = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType();
        return new ModelFormatException(src, -1, "operator " + op + " (node " + graph.name(n) + ") is not supported; supported: "
                + String.join(", ", SUPPORTED));
    }
}
