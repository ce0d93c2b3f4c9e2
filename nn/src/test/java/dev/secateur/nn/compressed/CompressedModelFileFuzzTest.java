package dev.secateur.nn.compressed;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secateur.nn.io.ModelFormatException;
import dev.secateur.nn.io.SafetensorsFile;
import dev.secateur.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the compressed model file: the whole file, the positions encoding
 * on its own (past the checksum that guards it in a file) and the compression history. Every
 * input either loads — a loaded model then predicts one example — or throws the documented
 * exception ({@link ModelFormatException}; {@link IllegalArgumentException} for the history
 * parser alone); anything else, an out-of-memory error or an input slower than the timeout is a
 * failure. Corpus: {@code CompressedModelFileFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1}
 * fuzzes one method (RELIABILITY.md).
 */
class CompressedModelFileFuzzTest {

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void compressedFile(byte[] data) {
        CompressedModelFile.Loaded loaded;
        try {
            loaded = CompressedModelFile.fromFile(SafetensorsFile.parse(data, "fuzz.safetensors"), null, data.length);
        } catch (ModelFormatException expected) {
            return;
        }
        var m = loaded.model();
        if (m.inputShape().size() > 1 << 16) return;
        int[] in = m.inputShape().toArray();
        int[] dims = new int[in.length + 1];
        dims[0] = 1;
        System.arraycopy(in, 0, dims, 1, in.length);
        m.predict(Tensor.randomUniform(7, -1f, 1f, dims));
    }

    /**
     * Input: 4 bytes little-endian element count, 4 bytes kept-entry count, 4 bytes inflated
     * length, then the Deflate stream. Either decodes to strictly increasing in-range positions or
     * is refused with an {@link IllegalArgumentException} (the loader turns it into a
     * {@link ModelFormatException} naming the file).
     */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void positions(byte[] data) {
        if (data.length < 12) return;
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int size = b.getInt() & 0xFFFFF, count = b.getInt() & 0xFFFFF, length = b.getInt() & 0xFFFFF;
        if (count > size) return; // the loader refuses these from the shape before decoding
        byte[] packed = Arrays.copyOfRange(data, 12, data.length);
        int[] pos;
        try {
            byte[] gaps = SparsePositions.inflate(packed, length, "fuzz");
            pos = SparsePositions.decode(gaps, count, size, "fuzz");
        } catch (IllegalArgumentException expected) {
            return;
        }
        for (int k = 0; k < pos.length; k++) {
            if (pos[k] < 0 || pos[k] >= size || (k > 0 && pos[k] <= pos[k - 1])) {
                throw new AssertionError("position " + pos[k] + " at entry " + k + " of " + size + " elements");
            }
        }
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void history(byte[] data) {
        CompressionHistory h;
        try {
            h = CompressionHistory.fromJson(new String(data, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException expected) {
            return;
        }
        // A consistent history writes back and re-reads to the same steps.
        CompressionHistory again = CompressionHistory.fromJson(h.toJson());
        if (!again.steps().equals(h.steps())) throw new AssertionError("round trip changed " + h.steps() + " into " + again.steps());
        double d = h.lastDensity();
        if (!(d > 0 && d <= 1)) throw new AssertionError("last density " + d);
    }
}
