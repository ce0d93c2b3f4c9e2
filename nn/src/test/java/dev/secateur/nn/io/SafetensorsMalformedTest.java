package dev.secateur.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a model file can be malformed ends in a {@link ModelFormatException} naming the problem. */
class SafetensorsMalformedTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Allocation allowed beyond the file size: exception, message and parser bookkeeping. */
    private static final long SLACK_BYTES = 256 * 1024;

    static {
        // Class loading allocates too; do it before any allocation is measured.
        SafetensorsFile.parse(smallFile(1).toBytes(), "warm");
        assertThrows(ModelFormatException.class, () -> SafetensorsFile.parse(new byte[3], "warm"));
    }

    /** A small valid file with tensors of several dtypes and metadata. */
    static SafetensorsWriter smallFile(long seed) {
        Random r = new Random(seed);
        byte[] mask = new byte[5];
        r.nextBytes(mask);
        return new SafetensorsWriter()
                .putF32("w", new int[] {2, 3}, new float[] {r.nextFloat(), 2, 3, 4, 5, 6})
                .putI32("idx", new int[] {3}, new int[] {1, r.nextInt(), 3})
                .putU8("mask", new int[] {5}, mask)
                .putF32("empty", new int[] {0}, new float[0])
                .putMetadata("arch", "mlp");
    }

    @Property(tries = 5)
    void everyTruncationOfAValidFileIsRejected(@ForAll long seed) throws Exception {
        byte[] full = smallFile(seed).toBytes();
        SafetensorsFile.parse(full, "full");
        for (int cut = 0; cut < full.length; cut++) {
            byte[] truncated = Arrays.copyOf(full, cut);
            ModelFormatException e = expectRejected(truncated);
            assertTrue(e.getMessage().contains("cut"), e.getMessage());
        }
    }

    @Property(tries = 200)
    void anySingleCorruptedByteIsRejectedOrStillDescribesAValidFile(@ForAll @IntRange(min = 0, max = 10_000) int where,
                                                                    @ForAll byte value) {
        byte[] bytes = smallFile(3).toBytes();
        bytes[where % bytes.length] = value;
        try {
            SafetensorsFile f = SafetensorsFile.parse(bytes, "fuzz");
            f.tensors().forEach(t -> f.rawBytes(t.name()));
        } catch (ModelFormatException expected) {
            assertTrue(expected.getMessage().startsWith("fuzz"), expected.getMessage());
        }
    }

    @Test
    void appendedBytesAreAHoleAtTheEndOfTheBuffer() throws Exception {
        byte[] full = smallFile(1).toBytes();
        ModelFormatException e = expectRejected(Arrays.copyOf(full, full.length + 4));
        assertEquals(full.length, e.offset());
        assertTrue(e.getMessage().contains("not covered"), e.getMessage());
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws Exception {
        ModelFormatException e = expectRejected(new byte[5]);
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
        assertEquals(0, e.offset());
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 62, -1L, Long.MIN_VALUE, 100_000_001L, 1L << 40})
    void hugeHeaderLengthIsRejectedWithoutAllocating(long declared) throws Exception {
        ModelFormatException e = expectRejected(RawSafetensors.withLength(declared, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
        assertTrue(e.getMessage().contains(Long.toUnsignedString(declared)), e.getMessage());
    }

    @Test
    void headerLengthBeyondTheFileIsRejected() throws Exception {
        ModelFormatException e = expectRejected(RawSafetensors.withLength(50, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]));
        assertTrue(e.getMessage().contains("header length 50 exceeds the 2 bytes"), e.getMessage());
    }

    @Test
    void headerLengthTooShortCutsTheJson() throws Exception {
        byte[] json = ("{" + RawSafetensors.tensor("a", "F32", "[1]", 0, 4) + "}").getBytes(StandardCharsets.US_ASCII);
        ModelFormatException e = expectRejected(RawSafetensors.withLength(json.length - 3, json, new byte[4]));
        assertTrue(e.getMessage().contains("invalid JSON header"), e.getMessage());
    }

    @Test
    void badJsonNamesTheByteOffsetInTheFile() throws Exception {
        ModelFormatException e = expectRejected(RawSafetensors.of("{\"a\": [1,}", new byte[0]));
        assertEquals(8 + 9, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("invalid JSON header"), e.getMessage());
    }

    @Test
    void headerMustBeAnObjectStartingWithABrace() throws Exception {
        assertTrue(expectRejected(RawSafetensors.of(" {}", new byte[0])).getMessage().contains("must start with '{'"));
        assertTrue(expectRejected(RawSafetensors.of("", new byte[0])).getMessage().contains("must start with '{'"));
        assertTrue(expectRejected(RawSafetensors.of("{}x", new byte[0])).getMessage().contains("invalid JSON"));
    }

    @Test
    void invalidUtf8InTheHeaderIsRejected() throws Exception {
        byte[] h = "{\"\u00e9\":1}".getBytes(StandardCharsets.UTF_8);
        h[3] = 'x'; // breaks the two-byte sequence of the e-acute
        ModelFormatException e = expectRejected(RawSafetensors.withLength(h.length, h, new byte[0]));
        assertEquals(8 + 2, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void overlappingTensorsAreRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F32", "[2]", 0, 8) + "," + RawSafetensors.tensor("b", "F32", "[2]", 4, 12) + "}";
        ModelFormatException e = expectRejected(RawSafetensors.of(json, new byte[12]));
        assertTrue(e.getMessage().contains("'b' [4, 12) overlaps tensor 'a' [0, 8)"), e.getMessage());
        assertEquals(8 + json.length() + 4, e.offset());
    }

    @Test
    void aliasedTensorsAreRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "I32", "[2]", 0, 8) + "," + RawSafetensors.tensor("b", "F32", "[2]", 0, 8) + "}";
        assertTrue(expectRejected(RawSafetensors.of(json, new byte[8])).getMessage().contains("overlaps"));
    }

    @Test
    void emptyTensorInsideAnotherIsRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F32", "[2]", 0, 8) + "," + RawSafetensors.tensor("e", "F32", "[0]", 4, 4) + "}";
        assertTrue(expectRejected(RawSafetensors.of(json, new byte[8])).getMessage().contains("overlaps"));
    }

    @Test
    void holesInTheBufferAreRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F32", "[1]", 0, 4) + "," + RawSafetensors.tensor("b", "F32", "[1]", 8, 12) + "}";
        ModelFormatException e = expectRejected(RawSafetensors.of(json, new byte[12]));
        assertTrue(e.getMessage().contains("hole of 4 bytes"), e.getMessage());
        assertEquals(8 + json.length() + 4, e.offset());
    }

    @Test
    void offsetsOutOfBoundsAreRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F32", "[4]", 0, 16) + "}";
        ModelFormatException e = expectRejected(RawSafetensors.of(json, new byte[8]));
        assertTrue(e.getMessage().contains("exceed the data buffer of 8 bytes"), e.getMessage());
        assertEquals(9, e.offset(), "points at the tensor's key in the header");
        String huge = "{" + RawSafetensors.tensor("a", "F32", "[4]", Long.MAX_VALUE - 16, Long.MAX_VALUE) + "}";
        assertTrue(expectRejected(RawSafetensors.of(huge, new byte[8])).getMessage().contains("exceed the data buffer"));
    }

    @Test
    void offsetsBackwardsAreRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F32", "[0]", 8, 4) + "}";
        assertTrue(expectRejected(RawSafetensors.of(json, new byte[8])).getMessage().contains("end before they begin"));
    }

    @Test
    void sizeNotMatchingTheShapeIsRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F32", "[3]", 0, 8) + "}";
        ModelFormatException e = expectRejected(RawSafetensors.of(json, new byte[8]));
        assertTrue(e.getMessage().contains("shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8"), e.getMessage());
    }

    @Test
    void shapeWhoseSizeOverflowsIsRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F32", "[2147483647,2147483647,2147483647]", 0, 8) + "}";
        assertTrue(expectRejected(RawSafetensors.of(json, new byte[8])).getMessage().contains("overflows"));
    }

    @Test
    void unknownDtypeIsRejected() throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F33", "[2]", 0, 8) + "}";
        assertTrue(expectRejected(RawSafetensors.of(json, new byte[8])).getMessage().contains("unknown dtype \"F33\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[-1]", "[2.0]", "[\"2\"]", "[2147483648]", "2", "null"})
    void badShapesAreRejected(String shape) throws Exception {
        String json = "{" + RawSafetensors.tensor("a", "F32", shape, 0, 8) + "}";
        assertTrue(expectRejected(RawSafetensors.of(json, new byte[8])).getMessage().contains("shape"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.0]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}",
        "{\"a\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}",
        "{\"a\":[0,8]}",
        "{\"\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "[]",
        "{\"__metadata__\":{\"k\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"__metadata__\":[],\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
    })
    void malformedEntriesAreRejected(String json) throws Exception {
        expectRejected(RawSafetensors.of(json, new byte[8]));
    }

    @Test
    void otherStandardDtypesValidateAndAreReadableAsRawBytes() {
        String json = "{" + RawSafetensors.tensor("h", "BF16", "[2]", 0, 4) + "," + RawSafetensors.tensor("d", "F64", "[1]", 4, 12) + "}";
        SafetensorsFile f = SafetensorsFile.parse(RawSafetensors.of(json, new byte[12]), "mem");
        assertEquals(Dtype.BF16, f.info("h").dtype());
        assertEquals(8, f.rawBytes("d").length);
    }

    @Test
    void askingForAMissingTensorOrTheWrongDtypeIsAFormatError() {
        SafetensorsFile f = SafetensorsFile.parse(smallFile(1).toBytes(), "m.safetensors");
        ModelFormatException missing = assertThrows(ModelFormatException.class, () -> f.f32("nope"));
        assertTrue(missing.getMessage().contains("m.safetensors: no tensor named 'nope'"), missing.getMessage());
        ModelFormatException wrong = assertThrows(ModelFormatException.class, () -> f.f32("idx"));
        assertTrue(wrong.getMessage().contains("'idx' has dtype I32, expected F32"), wrong.getMessage());
        assertThrows(ModelFormatException.class, () -> f.metadata("nope"));
    }

    @Test
    void allocationMeterSeesAllocations() {
        assertTrue(THREADS.isThreadAllocatedMemoryEnabled(), "the allocation checks above need the meter");
        long before = THREADS.getCurrentThreadAllocatedBytes();
        byte[] block = new byte[1 << 20];
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated >= block.length, "meter saw " + allocated + " bytes");
    }

    /**
     * Parses {@code bytes} both from a file and from memory, expects a {@link ModelFormatException}
     * from each, and checks that the file path allocated no more than the file size plus slack.
     */
    private static ModelFormatException expectRejected(byte[] bytes) throws Exception {
        // jqwik properties get no @TempDir, so each call makes (and removes) its own file.
        Path file = Files.createTempFile("cut", ".safetensors");
        try {
            return expectRejected(bytes, file);
        } finally {
            Files.delete(file);
        }
    }

    private static ModelFormatException expectRejected(byte[] bytes, Path file) throws Exception {
        Files.write(file, bytes);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        ModelFormatException fromFile = assertThrows(ModelFormatException.class, () -> SafetensorsFile.read(file));
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated <= bytes.length + SLACK_BYTES,
                "reading a " + bytes.length + "-byte file allocated " + allocated + " bytes");
        ModelFormatException fromMemory = assertThrows(ModelFormatException.class, () -> SafetensorsFile.parse(bytes, file.toString()));
        assertEquals(fromFile.getMessage(), fromMemory.getMessage());
        assertTrue(fromFile.getMessage().startsWith(file.toString()), fromFile.getMessage());
        return fromFile;
    }
}
