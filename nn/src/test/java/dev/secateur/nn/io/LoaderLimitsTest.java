package dev.secateur.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits the safetensors reader enforces before it allocates: tensor count, string length, file kind, parse time. */
class LoaderLimitsTest {
    @TempDir
    Path dir;

    @Test
    void headerParsingIsLinearInTheTensorCount() {
        // 160k tensors took minutes when every key offset was recomputed from the header start.
        int n = 160_000;
        SafetensorsWriter w = new SafetensorsWriter();
        for (int i = 0; i < n; i++) w.putU8("t" + i, new int[] {1}, new byte[] {(byte) i});
        byte[] bytes = w.toBytes();
        SafetensorsFile f = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> SafetensorsFile.parse(bytes, "many"));
        assertEquals(n, f.names().size());
    }

    @Test
    void errorOffsetsStayExactWithMultiByteCharacters() {
        String json = "{\"é€😀\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,2]}}";
        byte[] file = RawSafetensors.of(json, new byte[2]);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.parse(file, "mb"));
        int expected = 8 + json.substring(0, json.indexOf("\"b\"")).getBytes(StandardCharsets.UTF_8).length;
        assertEquals(expected, e.offset(), e.getMessage());
    }

    @Test
    void moreTensorsThanTheLimitAreRefusedBeforeParsing() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i <= SafetensorsHeader.MAX_TENSORS + 1; i++) sb.append(i == 0 ? "" : ",").append("\"").append(i).append("\":0");
        byte[] file = RawSafetensors.of(sb.append("}").toString(), new byte[0]);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.parse(file, "crowded"));
        assertTrue(e.getMessage().contains("more than " + SafetensorsHeader.MAX_TENSORS + " tensors"), e.getMessage());
    }

    @Test
    void overlongMetadataStringIsRefusedWithItsOffset() {
        String big = "x".repeat(SafetensorsHeader.MAX_STRING_BYTES + 10);
        String json = "{\"__metadata__\":{\"architecture\":\"" + big + "\"}}";
        byte[] file = RawSafetensors.of(json, new byte[0]);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.parse(file, "long"));
        assertEquals(8 + json.indexOf("\"" + big.substring(0, 8)), e.offset());
        assertTrue(e.getMessage().contains("longer than the limit"), e.getMessage());
    }

    @Test
    void directoryIsRefused() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.read(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void fifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("pipe.safetensors");
        int rc;
        try {
            rc = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        } catch (java.io.IOException noMkfifo) {
            rc = -1;
        }
        assumeTrue(rc == 0 && Files.exists(fifo), "mkfifo is not available here");
        ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ModelFormatException.class, () -> SafetensorsFile.read(fifo)));
        assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
    }

    @Test
    void missingFileStaysNoSuchFile() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> SafetensorsFile.read(dir.resolve("absent")));
    }
}
