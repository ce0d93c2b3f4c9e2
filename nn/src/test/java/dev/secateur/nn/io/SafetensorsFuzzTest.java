package dev.secateur.nn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the safetensors container and the JSON parser. Every input either
 * parses or throws the documented exception ({@link ModelFormatException}, {@link JsonException});
 * anything else, an out-of-memory error or an input slower than the timeout is a failure. The
 * normal build replays the committed corpus ({@code SafetensorsFuzzTestInputs/<method>/});
 * {@code JAZZER_FUZZ=1} fuzzes one method (RELIABILITY.md).
 */
class SafetensorsFuzzTest {

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void container(byte[] data) {
        SafetensorsFile f;
        try {
            f = SafetensorsFile.parse(data, "fuzz.safetensors");
        } catch (ModelFormatException expected) {
            return;
        }
        // A file that parsed serves every tensor it lists, in its own dtype.
        for (TensorInfo t : f.tensors()) {
            byte[] raw = f.rawBytes(t.name());
            if (raw.length != t.byteLength()) throw new AssertionError(t.name() + ": " + raw.length + " bytes, header says " + t.byteLength());
            f.crc32c(t.name());
            switch (t.dtype()) {
                case F32 -> f.tensor(t.name());
                case F16 -> f.f16(t.name());
                case I8 -> f.i8(t.name());
                case U8 -> f.u8(t.name());
                case I16 -> f.i16(t.name());
                case I32 -> f.i32(t.name());
                case I64 -> f.i64(t.name());
                default -> { }
            }
        }
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void json(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Object tree;
        try {
            tree = Json.parse(text);
        } catch (JsonException expected) {
            return;
        }
        // What parsed writes back and re-parses to the same tree.
        Object again = Json.parse(Json.write(tree));
        if (!String.valueOf(again).equals(String.valueOf(tree))) throw new AssertionError("round trip changed " + tree + " into " + again);
    }
}
