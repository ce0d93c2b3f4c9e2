package dev.secateur.bench.onnx;

import com.google.protobuf.ByteString;
import dev.secateur.bench.onnx.proto.Onnx.AttributeProto;
import dev.secateur.bench.onnx.proto.Onnx.GraphProto;
import dev.secateur.bench.onnx.proto.Onnx.ModelProto;
import dev.secateur.bench.onnx.proto.Onnx.NodeProto;
import dev.secateur.bench.onnx.proto.Onnx.OperatorSetIdProto;
import dev.secateur.bench.onnx.proto.Onnx.StringStringEntryProto;
import dev.secateur.bench.onnx.proto.Onnx.TensorProto;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.zoo.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad ONNX input gives one clear ModelFormatException line, never a partial model. */
class OnnxBadInputTest {
    @TempDir Path tmp;

    /** A valid small model to break: LeNet-300-100's shape, exported by this project. */
    static ModelProto valid() {
        return OnnxExporter.toProto(Models.lenet300100(Models.FASHION_MNIST, 1), null);
    }

    static String fails(byte[] bytes, Path dir) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxImporter.convert(OnnxFile.parse(bytes, "m.onnx", dir)));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    static String fails(ModelProto m) { return fails(m.toByteArray(), null); }

    static void assertMentions(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + p + "' missing in: " + message);
    }

    static ModelProto withGraph(ModelProto m, UnaryOperator<GraphProto.Builder> edit) {
        return m.toBuilder().setGraph(edit.apply(m.getGraph().toBuilder())).build();
    }

    @Test
    void truncatedFile() {
        byte[] full = valid().toByteArray();
        for (int cut : new int[] {1, 7, full.length / 3, full.length / 2, full.length - 1}) {
            String msg = fails(Arrays.copyOf(full, cut), null);
            assertMentions(msg, "m.onnx");
        }
    }

    @Test
    void garbageAndEmptyFiles() {
        assertMentions(fails(new byte[0], null), "empty file");
        byte[] junk = new byte[4096];
        new java.util.SplittableRandom(3).nextBytes(junk);
        fails(junk, null);
        assertMentions(fails("{\"not\": \"onnx\"}".getBytes(), null), "m.onnx");
    }

    @Test
    void unknownOpsetAndIrVersion() {
        ModelProto m = valid().toBuilder().clearOpsetImport().addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(99)).build();
        assertMentions(fails(m), "unsupported opset 99", "11..23");
        ModelProto old = valid().toBuilder().clearOpsetImport().addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(9)).build();
        assertMentions(fails(old), "unsupported opset 9");
        assertMentions(fails(valid().toBuilder().setIrVersion(42).build()), "IR version 42");
    }

    @Test
    void unsupportedOperatorNamesNodeAndSupportedList() {
        ModelProto m = withGraph(valid(), g -> {
            g.setNode(1, g.getNode(1).toBuilder().setOpType("Sigmoid").setName("act1"));
            return g;
        });
        assertMentions(fails(m), "operator Sigmoid", "node act1", "supported: Gemm", "GlobalAveragePool");
    }

    @Test
    void cycle() {
        ModelProto m = withGraph(valid(), g -> {
            // The second Gemm now reads the output of the last node, which depends on it.
            String last = g.getNode(g.getNodeCount() - 2).getOutput(0);
            g.setNode(2, g.getNode(2).toBuilder().setInput(0, last));
            return g;
        });
        assertMentions(fails(m), "cycle");
    }

    @Test
    void danglingInput() {
        ModelProto m = withGraph(valid(), g -> g.setNode(2, g.getNode(2).toBuilder().setInput(0, "nowhere")));
        assertMentions(fails(m), "\"nowhere\"", "not a graph input, an initializer, or any node's output");
    }

    @Test
    void shapesThatDoNotAgree() {
        ModelProto m = withGraph(valid(), g -> {
            int i = indexOf(g, "fc2.weight");
            g.setInitializer(i, floats("fc2.weight", 100, 299));
            return g;
        });
        assertMentions(fails(m), "shapes do not agree");
    }

    @Test
    void initializerSizeDifferentFromShape() {
        ModelProto m = withGraph(valid(), g -> {
            int i = indexOf(g, "fc1.bias");
            g.setInitializer(i, g.getInitializer(i).toBuilder().clearDims().addDims(1 << 27));
            return g;
        });
        assertMentions(fails(m), "fc1.bias", "needs 134217728 elements but the tensor holds 300");
        ModelProto huge = withGraph(valid(), g -> {
            int i = indexOf(g, "fc1.bias");
            g.setInitializer(i, g.getInitializer(i).toBuilder().clearDims().addDims(1L << 20).addDims(1L << 20));
            return g;
        });
        assertMentions(fails(huge), "fc1.bias", "claims more than");
    }

    @Test
    void externalDataOutsideTheModelDirectoryOrTooShort() throws Exception {
        Files.write(tmp.resolve("w.bin"), new byte[64]);
        ModelProto outside = external("../w.bin", 0);
        assertMentions(fails(outside.toByteArray(), tmp), "outside the model's directory");
        ModelProto absolute = external(tmp.resolve("w.bin").toAbsolutePath().toString(), 0);
        assertMentions(fails(absolute.toByteArray(), tmp), "outside the model's directory");
        ModelProto shortFile = external("w.bin", 0);
        assertMentions(fails(shortFile.toByteArray(), tmp), "exceeds its 64 bytes");
        Files.createDirectory(tmp.resolve("dir.bin"));
        assertMentions(fails(external("dir.bin", 0).toByteArray(), tmp), "not a regular file");
    }

    @Test
    void groupedConvolutionIsRefusedClearly() {
        ModelProto m = OnnxExporter.toProto(Models.lenet5(Models.FASHION_MNIST, 1), null);
        ModelProto grouped = withGraph(m, g -> g.setNode(0, g.getNode(0).toBuilder().addAttribute(
                AttributeProto.newBuilder().setName("group").setType(AttributeProto.AttributeType.INT_VALUE).setI(2))));
        assertMentions(fails(grouped), "group = 2", "not supported");
        ModelProto asym = withGraph(m, g -> {
            NodeProto.Builder n = g.getNode(0).toBuilder();
            for (int i = 0; i < n.getAttributeCount(); i++) {
                if (n.getAttribute(i).getName().equals("pads")) n.setAttribute(i, n.getAttribute(i).toBuilder().clearInts().addAllInts(java.util.List.of(1L, 1L, 2L, 2L)));
            }
            return g.setNode(0, n);
        });
        assertMentions(fails(asym), "pads [1, 1, 2, 2]", "same padding on all four sides");
    }

    @Test
    void softmaxInsideTheGraphIsRefused() {
        ModelProto m = withGraph(valid(), g -> g.setNode(1, g.getNode(1).toBuilder().setOpType("Softmax")));
        assertMentions(fails(m), "Softmax", "only where it produces the graph output");
    }

    @Test
    void forksThatAreNotResidualBlocks() {
        String fc1 = valid().getGraph().getNode(1).getOutput(0);
        ModelProto unused = withGraph(valid(), g -> g.addNode(NodeProto.newBuilder().setOpType("Relu").setName("side").addInput(fc1).addOutput("side_out")));
        assertMentions(fails(unused), "\"side_out\" is computed but never used");
        ModelProto three = withGraph(valid(), g -> g
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("s1").addInput(fc1).addOutput("s1_out"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("s2").addInput(fc1).addOutput("s2_out")));
        assertMentions(fails(three), "feeds 3 inputs");
        ModelProto twice = withGraph(valid(), g -> g.setNode(2, g.getNode(2).toBuilder().setOpType("Add").clearAttribute()
                .clearInput().addInput(fc1).addInput(fc1)));
        assertMentions(fails(twice), "feeds 2 inputs");
    }

    @Test
    void regularFilesOnly() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("m.onnx"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxFile.read(d));
        assertMentions(e.getMessage(), "not a regular file");
    }

    /** The valid model with fc1.weight moved to an external file at {@code location}. */
    private static ModelProto external(String location, long offset) {
        return withGraph(valid(), g -> {
            int i = indexOf(g, "fc1.weight");
            TensorProto t = g.getInitializer(i);
            g.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL_VALUE)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset))));
            return g;
        });
    }

    private static int indexOf(GraphProto.Builder g, String name) {
        for (int i = 0; i < g.getInitializerCount(); i++) if (g.getInitializer(i).getName().equals(name)) return i;
        throw new AssertionError("no initializer " + name);
    }

    private static TensorProto floats(String name, int rows, int cols) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(rows).addDims(cols)
                .setRawData(ByteString.copyFrom(new byte[4 * rows * cols])).build();
    }
}
