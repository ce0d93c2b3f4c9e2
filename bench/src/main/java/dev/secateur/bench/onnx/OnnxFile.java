package dev.secateur.bench.onnx;

import com.google.protobuf.CodedInputStream;
import dev.secateur.bench.onnx.proto.Onnx.ModelProto;
import dev.secateur.bench.onnx.proto.Onnx.OperatorSetIdProto;
import dev.secateur.nn.io.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads an ONNX file into its protobuf messages, refusing what cannot be a model before parsing:
 * only regular files, at most {@link #MAX_BYTES} and a quarter of the heap. Checks the IR version
 * and the default-domain opset ({@link #MIN_OPSET}..{@link #MAX_OPSET}). Every failure is one
 * {@link ModelFormatException} naming the file.
 */
public final class OnnxFile {
    /** Protobuf's own limit for one message. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8;
    public static final int MIN_OPSET = 11, MAX_OPSET = 23;
    /** IR version 6 came with opset 11; 11 is the newest ONNX Runtime 1.22 reads. */
    static final long MIN_IR = 3, MAX_IR = 11;

    private OnnxFile() {}

    /** A parsed model, the directory its external data is resolved against, and its opset. */
    public record Parsed(ModelProto model, Path directory, String source, long opset) {}

    public static Parsed read(Path file) throws IOException {
        String src = file.toString();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
            if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(src);
            throw new ModelFormatException(src, -1, "not a regular file");
        }
        long size = Files.size(file);
        long heapLimit = Runtime.getRuntime().maxMemory() / 4;
        if (size > MAX_BYTES || size > heapLimit) {
            throw new ModelFormatException(src, -1, "ONNX file of " + size + " bytes exceeds the limit of "
                    + Math.min(MAX_BYTES, heapLimit) + " bytes (keep large weights in external-data files)");
        }
        byte[] bytes = Files.readAllBytes(file);
        Path dir = file.toAbsolutePath().getParent();
        return parse(bytes, src, dir);
    }

    /** Parses and checks {@code bytes} (the contents of {@code src}). */
    public static Parsed parse(byte[] bytes, String src, Path directory) {
        if (bytes.length == 0) throw new ModelFormatException(src, 0, "empty file, not an ONNX model");
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(64);
            model = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (IOException e) {
            throw new ModelFormatException(src, -1, "not a valid ONNX protobuf (truncated or malformed): " + e.getMessage(), e);
        }
        if (!model.hasGraph()) throw new ModelFormatException(src, -1, "not an ONNX model: no graph");
        if (model.getIrVersion() < MIN_IR || model.getIrVersion() > MAX_IR) {
            throw new ModelFormatException(src, -1, "unsupported ONNX IR version " + model.getIrVersion() + " (supported " + MIN_IR + ".." + MAX_IR + ")");
        }
        long opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) opset = o.getVersion();
        }
        if (opset < 0) throw new ModelFormatException(src, -1, "the model imports no default-domain (ai.onnx) opset");
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ModelFormatException(src, -1, "unsupported opset " + opset + " (supported " + MIN_OPSET + ".." + MAX_OPSET + ")");
        }
        return new Parsed(model, directory, src, opset);
    }
}
