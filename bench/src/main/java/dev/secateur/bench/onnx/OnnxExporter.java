package dev.secateur.bench.onnx;

import com.google.protobuf.ByteString;
import dev.secateur.bench.onnx.proto.Onnx.AttributeProto;
import dev.secateur.bench.onnx.proto.Onnx.GraphProto;
import dev.secateur.bench.onnx.proto.Onnx.ModelProto;
import dev.secateur.bench.onnx.proto.Onnx.NodeProto;
import dev.secateur.bench.onnx.proto.Onnx.OperatorSetIdProto;
import dev.secateur.bench.onnx.proto.Onnx.TensorProto;
import dev.secateur.bench.onnx.proto.Onnx.TensorShapeProto;
import dev.secateur.bench.onnx.proto.Onnx.TypeProto;
import dev.secateur.bench.onnx.proto.Onnx.ValueInfoProto;
import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.Layer;
import dev.secateur.nn.LayerSpec;
import dev.secateur.nn.Model;
import dev.secateur.nn.io.AtomicFile;
import dev.secateur.nn.layers.AvgPool2d;
import dev.secateur.nn.layers.BatchNorm;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.Dropout;
import dev.secateur.nn.layers.Flatten;
import dev.secateur.nn.layers.MaxPool2d;
import dev.secateur.nn.layers.ReLU;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a Secateur {@link Model} as an ONNX file (opset {@value #OPSET}) that ONNX Runtime and
 * other tools run. Every weight is a float32 initializer holding exactly the values the model
 * computes with: a pruned weight keeps its zeros, a compacted model is exported at its reduced
 * size, and an int8 model is exported with its dequantized weights (code × scale, the float
 * values Secateur itself multiplies with). The input normalization, when given, becomes a Sub and
 * a Div in front of the first layer, so the exported graph takes raw [0, 1] inputs.
 */
public final class OnnxExporter {
    public static final int OPSET = 13;
    static final long IR_VERSION = 7;
    public static final String INPUT = "input", OUTPUT = "logits";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int values;

    private OnnxExporter() {}

    /** Writes the model atomically to {@code file}. */
    public static void write(Model model, InputNormalization normalization, Path file) throws IOException {
        AtomicFile.write(file, toBytes(model, normalization));
    }

    public static byte[] toBytes(Model model, InputNormalization normalization) {
        return toProto(model, normalization).toByteArray();
    }

    public static ModelProto toProto(Model model, InputNormalization normalization) {
        OnnxExporter e = new OnnxExporter();
        GraphProto.Builder g = e.graph.setName(model.architecture());
        String x = INPUT;
        if (normalization != null) x = e.normalize(x, model.inputShape(), normalization);
        Out out = e.emit(model.layers(), x, model.inputShape());
        if (g.getNodeCount() == 0 || !g.getNode(g.getNodeCount() - 1).getOutput(0).equals(out.value)) {
            e.node("Identity", List.of(out.value), "identity");
        }
        NodeProto.Builder last = g.getNodeBuilder(g.getNodeCount() - 1);
        last.setOutput(0, OUTPUT);
        g.addInput(valueInfo(INPUT, model.inputShape()));
        g.addOutput(valueInfo(OUTPUT, out.shape));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("secateur")
                .setProducerVersion("0.1.0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g)
                .build();
    }

    private record Out(String value, Shape shape) {}

    private Out emit(List<Layer> layers, String x, Shape shape) {
        for (Layer l : layers) {
            String name = l.name();
            switch (l) {
                case Conv2d c -> {
                    int s = c.stride(), p = c.padding();
                    x = node("Conv", List.of(x, init(c.weight().name(), c.weight().value()), init(c.bias().name(), c.bias().value())), name,
                            ints("kernel_shape", c.kernelHeight(), c.kernelWidth()), ints("strides", s, s), ints("pads", p, p, p, p));
                }
                case Dense d -> {
                    if (shape.rank() != 1) x = node("Flatten", List.of(x), name + ".flatten", integer("axis", 1));
                    x = node("Gemm", List.of(x, init(d.weight().name(), d.weight().value()), init(d.bias().name(), d.bias().value())), name,
                            integer("transB", 1));
                }
                case ReLU r -> x = node("Relu", List.of(x), name);
                case MaxPool2d m -> {
                    LayerSpec s = m.spec();
                    x = node("MaxPool", List.of(x), name, ints("kernel_shape", s.intAttr("kernel"), s.intAttr("kernel")),
                            ints("strides", s.intAttr("stride"), s.intAttr("stride")));
                }
                case AvgPool2d a -> {
                    LayerSpec s = a.spec();
                    int k = s.intAttr("kernel");
                    x = k == 0 ? node("GlobalAveragePool", List.of(x), name)
                            : node("AveragePool", List.of(x), name, ints("kernel_shape", k, k), ints("strides", s.intAttr("stride"), s.intAttr("stride")));
                }
                case Flatten f -> x = node("Flatten", List.of(x), name, integer("axis", 1));
                case Dropout d -> { }
                case BatchNorm b -> x = node("BatchNormalization", List.of(x, init(b.gamma().name(), b.gamma().value()),
                        init(b.beta().name(), b.beta().value()), init(b.runningMean().name(), b.runningMean().value()),
                        init(b.runningVar().name(), b.runningVar().value())), name, real("epsilon", (float) b.eps()));
                case ResidualBlock r -> {
                    Out m = emit(r.mainPath(), x, shape);
                    Out s = emit(r.shortcutPath(), x, shape);
                    x = node("Add", List.of(m.value, s.value), name + ".add");
                }
                default -> throw new IllegalArgumentException("layer " + name + " (" + l.spec().type() + ") has no ONNX export");
            }
            shape = l.outputShape(shape);
        }
        return new Out(x, shape);
    }

    /** Sub(mean) then Div(std), each constant a scalar or one value per channel. */
    private String normalize(String x, Shape input, InputNormalization n) {
        int c = n.channels();
        if (c > 1 && (input.rank() != 3 || input.dim(0) != c)) {
            throw new IllegalArgumentException("input normalization of " + c + " channels does not fit the input " + input);
        }
        int[] dims = c == 1 ? new int[] {1} : new int[] {c, 1, 1};
        String mean = init("input_normalization.mean", Tensor.wrap(n.mean(), dims));
        String std = init("input_normalization.std", Tensor.wrap(n.std(), dims));
        return node("Div", List.of(node("Sub", List.of(x, mean), "input_normalization.sub"), std), "input_normalization.div");
    }

    private String node(String op, List<String> inputs, String name, AttributeProto... attributes) {
        String out = "t" + (++values);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(out);
        for (AttributeProto a : attributes) n.addAttribute(a);
        graph.addNode(n);
        return out;
    }

    private String init(String name, Tensor t) {
        float[] v = t.toArray();
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.shape().toArray()) p.addDims(d);
        graph.addInitializer(p);
        return name;
    }

    private static ValueInfoProto valueInfo(String name, Shape sample) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : sample.toArray()) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS_VALUE);
        for (long x : v) a.addInts(x);
        return a.build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT_VALUE).setI(v).build();
    }

    private static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT_VALUE).setF(v).build();
    }
}
