package dev.secateur.bench.cli;

import dev.secateur.bench.onnx.OnnxImporter;
import dev.secateur.datasets.Normalization;
import dev.secateur.datasets.TrainTest;
import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.compressed.CompressionHistory;

import java.io.IOException;
import java.io.PrintStream;
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
        return new CompressedModelFile.Loaded(imported.model(), new CompressionHistory(), false, file, Files.size(file), null,
                imported.normalization());
    }

    /**
     * The data as the model expects it: when the file records its own input normalization (an
     * imported model's Sub/Div), the images are normalized with it instead of the data set's
     * usual constants; otherwise unchanged.
     */
    static TrainTest normalizedFor(CompressedModelFile.Loaded loaded, TrainTest data, PrintStream out) {
        InputNormalization n = loaded.normalization();
        if (n == null) return data;
        out.println("input normalization recorded in the model: " + n);
        return data.withNormalization(Normalization.of(n.mean(), n.std()));
    }
}
