package dev.secateur.nn;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the model file reader and of the architecture metadata. Every input
 * either loads — and then predicts one example without error — or throws
 * {@link ModelFormatException}; anything else, an out-of-memory error or an input slower than the
 * timeout is a failure. Corpus: {@code ModelFileFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1}
 * fuzzes one method (RELIABILITY.md).
 */
class ModelFileFuzzTest {

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void modelFile(byte[] data) {
        Model m;
        try {
            m = ModelFile.fromFile(SafetensorsFile.parse(data, "fuzz.safetensors")).model();
        } catch (ModelFormatException expected) {
            return;
        }
        predictOnce(m);
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void architecture(byte[] data) {
        Model m;
        try {
            m = ModelFile.buildArchitecture("fuzz.safetensors", new String(data, StandardCharsets.UTF_8), 1 << 22);
        } catch (ModelFormatException expected) {
            return;
        }
        predictOnce(m.initialize(1));
    }

    /** One forward pass on a non-zero example, when the example is small enough to be quick. */
    static void predictOnce(Model m) {
        if (m.inputShape().size() > 1 << 16) return;
        int[] in = m.inputShape().toArray();
        int[] dims = new int[in.length + 1];
        dims[0] = 1;
        System.arraycopy(in, 0, dims, 1, in.length);
        Tensor x = Tensor.randomUniform(7, -1f, 1f, dims);
        Tensor y = m.predict(x);
        if (y.size() != m.outputShape().size()) throw new AssertionError("output of " + y.size() + " values for " + m.outputShape());
    }
}
