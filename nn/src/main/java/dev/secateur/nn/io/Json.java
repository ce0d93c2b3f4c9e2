package dev.secateur.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) parser and writer with no dependencies.
 *
 * <p>Parsing maps JSON to plain Java values: objects to {@code LinkedHashMap<String,Object>}
 * (member order kept), arrays to {@code ArrayList<Object>}, strings to {@code String}, numbers
 * without fraction or exponent that fit to {@code Long} and all others to {@code Double},
 * {@code true/false} to {@code Boolean} and {@code null} to {@code null}. The returned
 * collections are fresh and mutable. Strict means: no comments, trailing commas, leading zeros,
 * NaN/Infinity, unescaped control characters, duplicate object keys or trailing content.
 * Nesting depth and input length are limited so that hostile input cannot exhaust the stack or
 * memory; every error is a {@link JsonException} naming the character offset.
 *
 * <p>Writing accepts the same value types plus any {@link Number}, {@link CharSequence},
 * {@link Map} with string keys, {@link Iterable}, and arrays ({@code Object[]}, {@code int[]},
 * {@code long[]}, {@code float[]}, {@code double[]}, {@code boolean[]}). Doubles are written
 * in the shortest form that parses back to the same value, floats in the shortest form that
 * rounds back to the same float; NaN and infinities are rejected. Output is deterministic: maps
 * are written in their iteration order.
 */
public final class Json {
    /** Default maximum nesting depth of arrays and objects. */
    public static final int DEFAULT_MAX_DEPTH = 128;
    /** Default maximum input length in characters (also bytes for {@link #read(Path)}). */
    public static final int DEFAULT_MAX_LENGTH = 64 << 20;

    private Json() {}

    /** Parses a JSON text with the default limits. */
    public static Object parse(CharSequence text) {
        return parse(text, DEFAULT_MAX_DEPTH, DEFAULT_MAX_LENGTH);
    }

    /** Parses a JSON text with at most {@code maxDepth} nesting and {@code maxLength} characters. */
    public static Object parse(CharSequence text, int maxDepth, int maxLength) {
        if (text.length() > maxLength) {
            throw new JsonException(0, "input of " + text.length() + " characters exceeds the limit of " + maxLength);
        }
        return new JsonParser(text, maxDepth).parseDocument();
    }

    /** Parses a JSON text whose top-level value must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(CharSequence text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new JsonException(0, "expected a JSON object at top level, found " + typeName(v));
        }
        return (Map<String, Object>) v;
    }

    /**
     * Reads and parses a UTF-8 JSON file. The file size is checked against
     * {@link #DEFAULT_MAX_LENGTH} before it is read; invalid UTF-8 is a {@link JsonException}.
     */
    public static Object read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > DEFAULT_MAX_LENGTH) {
            throw new JsonException(0, file + ": file of " + size + " bytes exceeds the limit of " + DEFAULT_MAX_LENGTH);
        }
        return parse(decodeUtf8(Files.readAllBytes(file), file.toString()));
    }

    /** Compact JSON text of {@code value} (no whitespace). */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb, false).value(value);
        return sb.toString();
    }

    /** Pretty JSON text of {@code value}: two-space indentation, one member per line. */
    public static String writePretty(Object value) {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb, true).value(value);
        return sb.toString();
    }

    /**
     * Writes {@code value} as pretty JSON (with a final newline) to {@code file} in UTF-8,
     * atomically (see {@link AtomicFile}).
     */
    public static void writeFile(Path file, Object value) throws IOException {
        byte[] bytes = (writePretty(value) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, bytes);
    }

    /**
     * Strict UTF-8 decoding; malformed input is a {@link JsonException} naming the byte offset.
     * Validates through a small window first so that decoding costs one string the size of the
     * input (compact for ASCII) rather than a UTF-16 buffer twice its size on top.
     */
    static String decodeUtf8(byte[] bytes, String source) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer window = CharBuffer.allocate(8192);
        while (true) {
            window.clear();
            CoderResult r = decoder.decode(in, window, true);
            if (r.isError()) {
                throw new JsonException(in.position(), source + ": invalid UTF-8 near byte " + in.position());
            }
            if (r.isUnderflow()) {
                window.clear();
                CoderResult f = decoder.flush(window);
                if (f.isError() || in.hasRemaining()) {
                    throw new JsonException(in.position(), source + ": invalid UTF-8 near byte " + in.position());
                }
                break;
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String typeName(Object v) {
        if (v == null) return "null";
        if (v instanceof Map) return "object";
        if (v instanceof List) return "array";
        if (v instanceof String) return "string";
        if (v instanceof Number) return "number";
        if (v instanceof Boolean) return "boolean";
        return v.getClass().getSimpleName();
    }
}
