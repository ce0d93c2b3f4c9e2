package dev.secateur.bench.cli;

import dev.secateur.bench.onnx.OnnxExporter;
import dev.secateur.nn.InputNormalization;
import dev.secateur.nn.Model;
import dev.secateur.nn.ModelFile;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.compressed.CompressedModelFile;
import dev.secateur.nn.io.Json;
import dev.secateur.nn.io.SafetensorsWriter;
import dev.secateur.nn.torch.StateDicts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code secateur export}: any model file (dense, pruned, compacted, int8) as ONNX and/or as a
 * plain float32 safetensors file (every weight dense, zeros kept, no masks or encodings).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a model as ONNX (--onnx), as plain float32 safetensors (--dense) and/or as a PyTorch state dict",
                "(--state-dict, safetensors for model.load_state_dict); int8 weights are written dequantized."})
public final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "model file (.safetensors, compressed or not, or .onnx)") Path file;
    @Option(names = "--onnx", description = "ONNX file to write (opset " + OnnxExporter.OPSET + ")") Path onnx;
    @Option(names = "--dense", description = "plain float32 safetensors file to write") Path dense;
    @Option(names = "--state-dict", description = "PyTorch state dict to write (safetensors, Secateur's tensor names)") Path stateDict;
    @picocli.CommandLine.Mixin CliErrors.Verbose verbose;

    @Override public Integer call() {
        return CliErrors.run(verbose, this::export);
    }

    private Integer export() throws Exception {
        if (onnx == null && dense == null && stateDict == null) {
            throw new IllegalArgumentException("nothing to write: give --onnx FILE, --dense FILE and/or --state-dict FILE");
        }
        OutputCheck.writable(onnx, "--onnx");
        OutputCheck.writable(dense, "--dense");
        OutputCheck.writable(stateDict, "--state-dict");
        CompressedModelFile.Loaded loaded = ModelInputs.load(file);
        Model m = loaded.model();
        InputNormalization n = loaded.normalization();
        if (onnx != null) {
            OnnxExporter.write(m, n, onnx);
            System.out.printf("wrote %s (%,d bytes, %s weights%s)%n", onnx, Files.size(onnx), loaded.int8() ? "dequantized int8" : "float32",
                    n != null ? ", input normalization " + n : "");
        }
        if (dense != null) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (Map.Entry<String, Parameter> t : m.namedTensors().entrySet()) w.put(t.getKey(), t.getValue().value());
            w.putMetadata("format", ModelFile.FORMAT);
            w.putMetadata("format_version", ModelFile.FORMAT_VERSION);
            w.putMetadata("architecture", Json.write(m.specTree()));
            if (loaded.training() != null) w.putMetadata("training", loaded.training());
            if (n != null) w.putMetadata(InputNormalization.METADATA_KEY, n.toJson());
            w.write(dense);
            System.out.printf("wrote %s (%,d bytes, plain float32, %,d of %,d weights non-zero)%n", dense, Files.size(dense),
                    m.nonZeroCount(), m.parameterCount());
        }
        if (stateDict != null) {
            StateDicts.save(m, stateDict);
            System.out.printf("wrote %s (%,d bytes, PyTorch state dict, dense float32)%n", stateDict, Files.size(stateDict));
        }
        return 0;
    }
}
