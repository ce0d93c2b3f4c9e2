package dev.secateur.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    @Property(tries = 150)
    void anyValueSurvivesCompactAndPrettyRoundTrips(@ForAll("values") Object value) {
        assertEquals(value, Json.parse(Json.write(value)));
        assertEquals(value, Json.parse(Json.writePretty(value)));
    }

    @Property(tries = 300)
    void everyFiniteDoubleRoundTripsBitExactly(@ForAll double d) {
        Object back = Json.parse(Json.write(List.of(d)));
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) ((List<?>) back).get(0)));
    }

    @Property(tries = 300)
    void everyFiniteFloatRoundTripsThroughItsShortestText(@ForAll float f) {
        double back = (Double) Json.parse(Json.write(f));
        assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((float) back));
    }

    @Property(tries = 300)
    void everyLongRoundTripsAsLong(@ForAll long v) {
        assertEquals(v, Json.parse(Json.write(v)));
    }

    @Property(tries = 300)
    void anyStringRoundTripsIncludingControlCharsAndLoneSurrogates(@ForAll @Size(max = 40) String s) {
        String json = Json.write(s);
        assertEquals(s, Json.parse(json));
        for (char c : json.toCharArray()) {
            assertTrue(c >= 0x20, "control characters must be escaped in " + json);
        }
    }

    @Property(tries = 200)
    void truncatedDocumentsFailWithAnOffsetInsideTheText(@ForAll("values") Object value, @ForAll double where) {
        String json = Json.write(java.util.Collections.singletonList(value));
        int cut = (int) (Math.abs(where) % 1.0 * (json.length() - 1));
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(json.substring(0, cut)));
        assertTrue(e.offset() >= 0 && e.offset() <= cut, e.getMessage());
    }

    @Test
    void parsesTheJsonTypes() {
        Map<String, Object> m = Json.parseObject(
                " {\"a\": [1, -2.5, 1e3, true, false, null, \"x\\u00e9\\n\"], \"b\": {}, \"c\": [], \"d\": -0} ");
        assertEquals(java.util.Arrays.asList(1L, -2.5, 1000.0, true, false, null, "x\u00e9\n"), m.get("a"));
        assertEquals(Map.of(), m.get("b"));
        assertEquals(List.of(), m.get("c"));
        assertEquals(0L, m.get("d"));
        assertEquals(List.of("a", "b", "c", "d"), new ArrayList<>(m.keySet()), "member order is kept");
    }

    @Test
    void integersBeyondLongBecomeDoubles() {
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(1.0E30, Json.parse("1000000000000000000000000000000"));
    }

    @Test
    void surrogatePairEscapesDecodeToOneCodePoint() {
        assertEquals("\uD83D\uDE00", Json.parse("\"\\ud83d\\uDE00\""));
        assertEquals("\"\uD83D\uDE00\"", Json.write("\uD83D\uDE00"), "valid pairs are written literally");
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``|0",
        "`   `|3",
        "`{`|1",
        "`[1,]`|3",
        "`{\"a\":1,}`|7",
        "`[01]`|2",
        "`-`|1",
        "`1.`|2",
        "`.5`|0",
        "`1e`|2",
        "`1e+`|3",
        "`+1`|0",
        "`NaN`|0",
        "`Infinity`|0",
        "`tru`|0",
        "`nul`|0",
        "`[1 2]`|3",
        "`{\"a\" 1}`|5",
        "`{a:1}`|1",
        "`{\"a\":1,\"a\":2}`|7",
        "`\"abc`|0",
        "`\"\\x\"`|1",
        "`\"\\u12g4\"`|5",
        "`\"\\u12`|3",
        "`[1] 2`|4",
        "`// c`|0",
        "`'a'`|0",
        "`[1e400]`|1",
        "`-1e999`|0",
    })
    void malformedInputIsRejectedWithItsOffset(String text, long offset) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + offset), e.getMessage());
    }

    @Test
    void rawControlCharacterInStringIsRejected() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"a\tb\""));
        assertEquals(2, e.offset());
    }

    @Test
    void nestingBeyondTheDepthLimitIsRejectedWithoutStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertEquals(Json.DEFAULT_MAX_DEPTH, e.offset(), "fails at the first bracket beyond the limit");
        assertEquals(List.of(List.of()), Json.parse("[[]]", 2, 100));
        assertThrows(JsonException.class, () -> Json.parse("[[[]]]", 2, 100));
    }

    @Test
    void inputLongerThanTheLimitIsRejected() {
        assertThrows(JsonException.class, () -> Json.parse("[1, 2, 3]", 10, 8));
    }

    @Test
    void nonFiniteNumbersAndUnknownTypesCannotBeWritten() {
        assertThrows(JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(JsonException.class, () -> Json.write(List.of(Float.POSITIVE_INFINITY)));
        assertThrows(JsonException.class, () -> Json.write(new Object()));
        assertThrows(JsonException.class, () -> Json.write(Map.of(1, 2)));
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        assertThrows(JsonException.class, () -> Json.write(cyclic));
    }

    @Test
    void writesArraysAndPrettyLayout() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ints", new int[] {1, 2});
        m.put("floats", new float[] {0.1f});
        m.put("empty", List.of());
        m.put("nested", Map.of("k", true));
        assertEquals("{\"ints\":[1,2],\"floats\":[0.1],\"empty\":[],\"nested\":{\"k\":true}}", Json.write(m));
        assertEquals("""
                {
                  "ints": [
                    1,
                    2
                  ],
                  "floats": [
                    0.1
                  ],
                  "empty": [],
                  "nested": {
                    "k": true
                  }
                }""", Json.writePretty(m));
    }

    @Test
    void fileRoundTripIsAtomicUtf8(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("result.json");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "lenet5 \u00e9");
        m.put("test_accuracy", 0.9123);
        Json.writeFile(f, m);
        assertEquals(m, Json.read(f));
        assertEquals(List.of(f), Files.list(dir).toList(), "no temporary file is left behind");
    }

    @Test
    void invalidUtf8FileIsRejectedWithTheByteOffset(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        byte[] bytes = "[\"ab\"]".getBytes(StandardCharsets.UTF_8);
        bytes[3] = (byte) 0xC3; // a lead byte followed by an ASCII byte
        Files.write(f, bytes);
        JsonException e = assertThrows(JsonException.class, () -> Json.read(f));
        assertEquals(3, e.offset(), e.getMessage());
    }

    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.lazyOf(
                () -> Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
                () -> Arbitraries.longs().map(l -> (Object) l),
                () -> Arbitraries.doubles().map(d -> (Object) d),
                () -> Arbitraries.of(true, false).map(b -> (Object) b),
                () -> Arbitraries.just(null),
                () -> values().list().ofMaxSize(4).map(l -> (Object) l),
                () -> Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), values()).ofMaxSize(4)
                        .map(m -> (Object) new LinkedHashMap<>(m)));
    }
}
