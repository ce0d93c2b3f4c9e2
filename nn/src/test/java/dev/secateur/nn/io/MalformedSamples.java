package dev.secateur.nn.io;

import java.util.List;

/** Small malformed files that every conforming reader must refuse. */
final class MalformedSamples {
    private MalformedSamples() {}

    static List<byte[]> all() {
        String overlap = "{" + RawSafetensors.tensor("a", "F32", "[2]", 0, 8) + "," + RawSafetensors.tensor("b", "F32", "[2]", 4, 12) + "}";
        String hole = "{" + RawSafetensors.tensor("a", "F32", "[1]", 0, 4) + "}";
        String badDtype = "{" + RawSafetensors.tensor("a", "F33", "[1]", 0, 4) + "}";
        String sizeMismatch = "{" + RawSafetensors.tensor("a", "F32", "[3]", 0, 8) + "}";
        String outOfBounds = "{" + RawSafetensors.tensor("a", "F32", "[4]", 0, 16) + "}";
        return List.of(
                RawSafetensors.of(overlap, new byte[12]),
                RawSafetensors.of(hole, new byte[8]),
                RawSafetensors.of(badDtype, new byte[4]),
                RawSafetensors.of(sizeMismatch, new byte[8]),
                RawSafetensors.of(outOfBounds, new byte[8]),
                RawSafetensors.of("{\"a\": [1,}", new byte[0]),
                RawSafetensors.withLength(1L << 62, new byte[0], new byte[0]),
                new byte[5]);
    }
}
