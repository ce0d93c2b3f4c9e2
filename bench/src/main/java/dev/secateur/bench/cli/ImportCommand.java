package dev.secateur.bench.cli;

import dev.secateur.bench.onnx.OnnxImporter;
import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.TrainingInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code secateur import}: an ONNX classifier to a Secateur model file. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert an ONNX classifier (opset 11+) into a Secateur model file (docs/onnx.md lists the operators).")
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "ONNX model (.onnx)") Path file;
    @Option(names = "--out", required = true, description = "Secateur model file to write (.safetensors)") Path out;
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::convert);
    }

    private Integer convert() throws Exception {
        OnnxImporter.Imported imported = OnnxImporter.read(file);
        Map<String, String> meta = new LinkedHashMap<>();
        InputNormalization n = imported.normalization();
        if (n != null) meta.put(InputNormalization.METADATA_KEY, n.toJson());
        meta.put("secateur.imported_from", String.valueOf(file.getFileName()));
        ModelFile.save(imported.model(), out, TrainingInfo.NONE, meta);
        System.out.print(imported.model().summary());
        for (String note : imported.notes()) System.out.println("note: " + note);
        System.out.printf("wrote %s (%,d bytes)%n", out, Files.size(out));
        return 0;
    }
}
