package dev.secateur.bench.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secateur.nn.Model;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.tensor.Tensor;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the ONNX reader and importer. Every input either imports — and then
 * predicts one example — or throws {@link ModelFormatException}; anything else, an out-of-memory
 * error or an input slower than the timeout is a failure. Corpus: {@code OnnxFuzzTestInputs/onnxFile/};
 * {@code JAZZER_FUZZ=1} fuzzes it (RELIABILITY.md). External-data references resolve against an
 * empty folder, so a mutated file cannot read anything outside it.
 */
class OnnxFuzzTest {
    private static final Path NO_EXTERNAL_DATA = Path.of("target", "onnx-fuzz-empty").toAbsolutePath();

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void onnxFile(byte[] data) {
        Model m;
        try {
            m = OnnxImporter.convert(OnnxFile.parse(data, "fuzz.onnx", NO_EXTERNAL_DATA)).model();
        } catch (ModelFormatException expected) {
            return;
        }
        if (m.inputShape().size() > 1 << 16) return;
        int[] in = m.inputShape().toArray();
        int[] dims = new int[in.length + 1];
        dims[0] = 1;
        System.arraycopy(in, 0, dims, 1, in.length);
        Tensor y = m.predict(Tensor.randomUniform(7, -1f, 1f, dims));
        if (y.size() != m.outputShape().size()) throw new AssertionError("output of " + y.size() + " values for " + m.outputShape());
    }
}
