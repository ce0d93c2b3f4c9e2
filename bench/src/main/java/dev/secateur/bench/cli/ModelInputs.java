package dev.secateur.bench.cli;

import dev.secateur.bench.onnx.OnnxImporter;
import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;
import dev.secateur.nn.io.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place commands open a model file: an {@code .onnx} file is imported on the fly
 * (dense, no compression history), anything else is read as a Secateur model file, plain or
 * compressed.
 */
public final class ModelInputs {
    private ModelInputs() {}

    public static boolean isOnnx(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    public static CompressedModelFile.Loaded load(Path file) throws IOException {
        if (!isOnnx(file)) return CompressedModelFile.load(file);
        OnnxImporter.Imported imported = OnnxImporter.read(file);
        return new CompressedModelFile.Loaded(imported.model(), new CompressionHistory(), false, file, Files.size(file), null);
    }

    /** The input normalization the file records (ONNX: its input Sub/Div/Mul), or null. */
    public static InputNormalization normalization(Path file) throws IOException {
        if (isOnnx(file)) return OnnxImporter.read(file).normalization();
        return InputNormalization.fromJson(SafetensorsFile.read(file).metadata().get(InputNormalization.METADATA_KEY));
    }
}
