package dev.secateur.bench.cli;

import dev.secateur.bench.onnx.OnnxImporter;
import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.TrainingInfo;
import dev.secateur.nn.torch.StateDicts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code secateur import}: an ONNX classifier, or a PyTorch state dict saved as safetensors plus an
 * architecture, to a Secateur model file.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Convert an ONNX classifier (opset 11+; docs/onnx.md lists the operators) or a PyTorch state dict",
                "(safetensors, with --arch; docs/file-format.md gives the name mapping) into a Secateur model file."})
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "ONNX model (.onnx), or a PyTorch state dict (.safetensors) with --arch") Path file;
    @Option(names = "--arch", description = "architecture of a state dict: a zoo model name or a JSON layer list file (docs/file-format.md)")
    String arch;
    @Option(names = "--out", required = true, description = "Secateur model file to write (.safetensors)") Path out;
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::convert);
    }

    private Integer convert() throws Exception {
        OutputCheck.writable(out, "--out");
        if (arch != null) return convertStateDict();
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

    private Integer convertStateDict() throws Exception {
        StateDicts.Imported imported = StateDicts.read(file, arch);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("secateur.imported_from", String.valueOf(file.getFileName()));
        ModelFile.save(imported.model(), out, TrainingInfo.NONE, meta);
        System.out.print(imported.model().summary());
        System.out.printf("wrote %s (%,d bytes)%n", out, Files.size(out));
        return 0;
    }
}
