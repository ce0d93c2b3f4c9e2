package dev.secateur.nn.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates the JSON header of a safetensors file against the size of its data
 * buffer, before any tensor data is read. Every problem is a {@link ModelFormatException}
 * naming the file and, where one exists, the byte offset in the file.
 */
final class SafetensorsHeader {
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");
    /**
     * Most tensors in one file: far above any real model (ResNet-50 has ~320), low enough that
     * the parsed directory of a 100 MB header cannot exhaust a small heap.
     */
    static final int MAX_TENSORS = 1 << 18;
    /**
     * Longest JSON string in a header, in bytes: metadata (architecture, history) is kilobytes;
     * a longer string is refused before it is decoded or copied.
     */
    static final int MAX_STRING_BYTES = 16 << 20;

    /** Tensors in buffer order (by begin offset, then end, then name). */
    final List<TensorInfo> tensors;
    /** The {@code __metadata__} entries, in file order. */
    final Map<String, String> metadata;

    private final String source;
    private final String json;
    private final long bufferStart;
    private final Map<String, Integer> keyOffsets = new HashMap<>();
    /** Last position converted by {@link #fileOffset}: keys are looked up in file order, so each conversion resumes here. */
    private int cursorChar;
    private long cursorByte;

    private SafetensorsHeader(String source, byte[] header, long bufferLength) {
        this.source = source;
        this.bufferStart = 8L + header.length;
        if (header.length == 0 || header[0] != '{') {
            throw new ModelFormatException(source, 8, "the JSON header must start with '{'");
        }
        prescan(header);
        try {
            this.json = Json.decodeUtf8(header, source);
        } catch (JsonException e) {
            throw new ModelFormatException(source, 8 + e.offset(), "the header is not valid UTF-8", e);
        }
        Object root;
        try {
            root = new JsonParser(json, 64, keyOffsets).parseDocument();
        } catch (JsonException e) {
            throw new ModelFormatException(source, fileOffset((int) e.offset()), "invalid JSON header: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> entries)) {
            throw new ModelFormatException(source, 8, "the header is a JSON " + Json.typeName(root) + ", expected an object");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        List<TensorInfo> list = new ArrayList<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(SafetensorsFile.METADATA_KEY)) {
                readMetadata(e.getValue(), meta);
            } else {
                list.add(tensor(name, e.getValue(), bufferLength));
            }
        }
        list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end)
                .thenComparing(TensorInfo::name));
        checkCoverage(list, bufferLength);
        this.tensors = List.copyOf(list);
        this.metadata = meta;
    }

    /** Validates {@code header} (the bytes after the length prefix) for a buffer of {@code bufferLength} bytes. */
    static SafetensorsHeader parse(String source, byte[] header, long bufferLength) {
        return new SafetensorsHeader(source, header, bufferLength);
    }

    private void readMetadata(Object value, Map<String, String> out) {
        long at = keyOffset(SafetensorsFile.METADATA_KEY);
        if (!(value instanceof Map<?, ?> m)) {
            throw new ModelFormatException(source, at, "__metadata__ is a JSON " + Json.typeName(value) + ", expected an object of strings");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ModelFormatException(source, at, "__metadata__ value for \"" + e.getKey() + "\" is a JSON "
                        + Json.typeName(e.getValue()) + ", expected a string");
            }
            out.put((String) e.getKey(), s);
        }
    }

    private TensorInfo tensor(String name, Object value, long bufferLength) {
        long at = keyOffset(name);
        if (name.isEmpty()) throw bad(at, "empty tensor name");
        if (!(value instanceof Map<?, ?> fields)) {
            throw bad(at, "tensor '" + name + "' is a JSON " + Json.typeName(value) + ", expected an object");
        }
        for (String f : FIELDS) {
            if (!fields.containsKey(f)) throw bad(at, "tensor '" + name + "' has no \"" + f + "\"");
        }
        for (Object f : fields.keySet()) {
            if (!FIELDS.contains(f)) throw bad(at, "tensor '" + name + "' has unknown field \"" + f + "\"");
        }
        if (!(fields.get("dtype") instanceof String dtypeName)) {
            throw bad(at, "tensor '" + name + "': dtype must be a string");
        }
        Dtype dtype = Dtype.fromName(dtypeName)
                .orElseThrow(() -> bad(at, "tensor '" + name + "': unknown dtype \"" + dtypeName + "\""));
        int[] shape = shape(name, fields.get("shape"), at);
        long[] range = offsets(name, fields.get("data_offsets"), at);
        long begin = range[0];
        long end = range[1];
        if (begin > end) throw bad(at, "tensor '" + name + "': data_offsets [" + begin + ", " + end + "] end before they begin");
        if (end > bufferLength) {
            throw bad(at, "tensor '" + name + "': data_offsets [" + begin + ", " + end + "] exceed the data buffer of "
                    + bufferLength + " bytes");
        }
        long expected;
        try {
            long count = 1;
            for (int d : shape) count = Math.multiplyExact(count, (long) d);
            expected = Math.multiplyExact(count, (long) dtype.bytes());
        } catch (ArithmeticException overflow) {
            throw bad(at, "tensor '" + name + "': shape " + java.util.Arrays.toString(shape) + " overflows 64 bits");
        }
        if (expected != end - begin) {
            throw bad(at, "tensor '" + name + "': shape " + java.util.Arrays.toString(shape) + " of " + dtype + " needs "
                    + expected + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private int[] shape(String name, Object value, long at) {
        if (!(value instanceof List<?> dims)) throw bad(at, "tensor '" + name + "': shape must be an array");
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw bad(at, "tensor '" + name + "': shape dimension " + i + " is " + Json.write(dims.get(i))
                        + ", expected an integer in [0, 2^31)");
            }
            shape[i] = (int) (long) d;
        }
        return shape;
    }

    private long[] offsets(String name, Object value, long at) {
        if (!(value instanceof List<?> l) || l.size() != 2) {
            throw bad(at, "tensor '" + name + "': data_offsets must be an array [begin, end]");
        }
        long[] r = new long[2];
        for (int i = 0; i < 2; i++) {
            if (!(l.get(i) instanceof Long v) || v < 0) {
                throw bad(at, "tensor '" + name + "': data_offsets element " + i + " is " + Json.write(l.get(i))
                        + ", expected a non-negative integer");
            }
            r[i] = v;
        }
        return r;
    }

    /**
     * The format requires the tensors to tile the buffer exactly: no overlaps (a tensor aliasing
     * another) and no holes (bytes no tensor accounts for, which would allow polyglot files).
     */
    private void checkCoverage(List<TensorInfo> sorted, long bufferLength) {
        long covered = 0;
        TensorInfo last = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < covered) {
                throw new ModelFormatException(source, bufferStart + t.begin(), "tensor '" + t.name() + "' [" + t.begin()
                        + ", " + t.end() + ") overlaps tensor '" + last.name() + "' [" + last.begin() + ", " + last.end() + ")");
            }
            if (t.begin() > covered) {
                throw new ModelFormatException(source, bufferStart + covered, "hole of " + (t.begin() - covered)
                        + " bytes in the data buffer before tensor '" + t.name() + "' (the buffer must be fully covered)");
            }
            if (t.end() > t.begin() || last == null) last = t;
            covered = t.end();
        }
        if (covered != bufferLength) {
            throw new ModelFormatException(source, bufferStart + covered, (bufferLength - covered)
                    + " bytes after the last tensor are not covered by any tensor");
        }
    }

    private long keyOffset(String key) {
        Integer charOffset = keyOffsets.get(key);
        return charOffset == null ? -1 : fileOffset(charOffset);
    }

    /**
     * File offset of a character of the header: 8 for the length prefix plus its UTF-8 byte
     * position. Counts from the previous conversion when it lies before {@code charOffset}, which
     * keeps a pass over all keys in file order linear in the header size.
     */
    private long fileOffset(int charOffset) {
        if (json == null) return 8;
        int c = Math.min(Math.max(charOffset, 0), json.length());
        if (c < cursorChar) {
            cursorChar = 0;
            cursorByte = 0;
        }
        long bytes = cursorByte;
        for (int i = cursorChar; i < c; i++) {
            char ch = json.charAt(i);
            if (ch < 0x80) bytes += 1;
            else if (ch < 0x800) bytes += 2;
            else if (Character.isHighSurrogate(ch)) bytes += 4;
            else if (Character.isLowSurrogate(ch)) bytes += 0; // counted with its high surrogate
            else bytes += 3;
        }
        cursorChar = c;
        cursorByte = bytes;
        return 8L + bytes;
    }

    /**
     * One pass over the raw header bytes, before anything is decoded or allocated from them:
     * refuses any JSON string longer than {@link #MAX_STRING_BYTES} and more than
     * {@link #MAX_TENSORS} top-level entries (counted as the colons at nesting depth 1).
     * Malformed JSON passes through to the parser, which reports it precisely.
     */
    private void prescan(byte[] header) {
        boolean inString = false;
        int stringStart = 0;
        int depth = 0;
        long entries = 0;
        for (int i = 0; i < header.length; i++) {
            byte b = header[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
                if (i - stringStart > MAX_STRING_BYTES) {
                    throw new ModelFormatException(source, 8L + stringStart, "JSON string longer than the limit of "
                            + MAX_STRING_BYTES + " bytes");
                }
                continue;
            }
            switch (b) {
                case '"' -> {
                    inString = true;
                    stringStart = i;
                }
                case '{', '[' -> depth++;
                case '}', ']' -> depth--;
                case ':' -> {
                    if (depth == 1 && ++entries > MAX_TENSORS + 1) {
                        throw new ModelFormatException(source, 8L + i, "more than " + MAX_TENSORS
                                + " tensors in the header (the most this reader accepts)");
                    }
                }
                default -> { }
            }
        }
    }

    private ModelFormatException bad(long at, String problem) {
        return new ModelFormatException(source, at, problem);
    }
}
