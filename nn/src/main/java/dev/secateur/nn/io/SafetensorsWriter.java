package dev.secateur.nn.io;

import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Builds a safetensors file: {@code put*} tensors and metadata, then {@link #write(Path)}.
 *
 * <p>Layout (deterministic: the same tensors and metadata always give the same bytes, whatever
 * the order of the {@code put} calls): tensors are laid out by decreasing element size, then by
 * name, so that with the 8-byte-aligned header every tensor starts at a multiple of its element
 * size (the order the reference implementation uses). The JSON header lists
 * {@code __metadata__} first (keys sorted, omitted when empty), then the tensors in layout
 * order, and is padded with spaces to a multiple of 8 bytes.
 *
 * <p>Each {@code put} copies the data immediately (as little-endian bytes), so later changes to
 * the caller's arrays do not affect the file.
 */
public final class SafetensorsWriter {
    private record Entry(String name, Dtype dtype, int[] shape, byte[] bytes) {}

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    /** Adds an F32 tensor; {@code data.length} must equal the shape's element count. */
    public SafetensorsWriter putF32(String name, int[] shape, float[] data) {
        int n = exactCount(name, shape, data.length);
        return add(name, Dtype.F32, shape, LittleEndian.encodeF32(data, 0, n));
    }

    /** Adds an F32 tensor from {@code shape.size()} elements of {@code data} starting at {@code offset}. */
    public SafetensorsWriter putF32(String name, Shape shape, float[] data, int offset) {
        int n = shape.size();
        checkWindow(name, n, data.length, offset);
        return add(name, Dtype.F32, shape.toArray(), LittleEndian.encodeF32(data, offset, n));
    }

    /** Adds the elements of {@code tensor} (any view) as an F32 tensor of its shape. */
    public SafetensorsWriter put(String name, Tensor tensor) {
        return putF32(name, tensor.shape(), tensor.data(), tensor.offset());
    }

    /** Adds an F16 tensor, rounding each float to the nearest half-precision value. */
    public SafetensorsWriter putF16(String name, int[] shape, float[] data) {
        int n = exactCount(name, shape, data.length);
        return add(name, Dtype.F16, shape, LittleEndian.encodeF16(data, 0, n));
    }

    /** Adds an I8 (signed byte) tensor, for example int8-quantized weights. */
    public SafetensorsWriter putI8(String name, int[] shape, byte[] data) {
        exactCount(name, shape, data.length);
        return add(name, Dtype.I8, shape, data.clone());
    }

    /** Adds a U8 tensor; each byte is read as unsigned (0..255), for example a 0/1 mask. */
    public SafetensorsWriter putU8(String name, int[] shape, byte[] data) {
        exactCount(name, shape, data.length);
        return add(name, Dtype.U8, shape, data.clone());
    }

    /** Adds an I16 tensor. */
    public SafetensorsWriter putI16(String name, int[] shape, short[] data) {
        int n = exactCount(name, shape, data.length);
        return add(name, Dtype.I16, shape, LittleEndian.encodeI16(data, 0, n));
    }

    /** Adds an I32 tensor, for example CSR row pointers or column indices. */
    public SafetensorsWriter putI32(String name, int[] shape, int[] data) {
        int n = exactCount(name, shape, data.length);
        return add(name, Dtype.I32, shape, LittleEndian.encodeI32(data, 0, n));
    }

    /** Adds an I64 tensor. */
    public SafetensorsWriter putI64(String name, int[] shape, long[] data) {
        int n = exactCount(name, shape, data.length);
        return add(name, Dtype.I64, shape, LittleEndian.encodeI64(data, 0, n));
    }

    /** Sets one {@code __metadata__} entry (replacing an earlier value for the key). */
    public SafetensorsWriter putMetadata(String key, String value) {
        if (key == null || value == null) throw new IllegalArgumentException("metadata key and value must not be null");
        metadata.put(key, value);
        return this;
    }

    /** Sets every entry of {@code entries} as {@code __metadata__} (see {@link #putMetadata}). */
    public SafetensorsWriter metadata(Map<String, String> entries) {
        entries.forEach(this::putMetadata);
        return this;
    }

    /** Whether a tensor of this name was added. */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * The CRC32C of every tensor's stored bytes (its little-endian data as written), by name in
     * sorted order; {@link SafetensorsFile#crc32c} computes the same value when reading.
     */
    public Map<String, Long> crc32c() {
        Map<String, Long> out = new TreeMap<>();
        for (Entry e : entries.values()) {
            CRC32C crc = new CRC32C();
            crc.update(e.bytes());
            out.put(e.name(), crc.getValue());
        }
        return out;
    }

    /** Atomically writes the file (see {@link AtomicFile}); the old file, if any, survives a failure. */
    public void write(Path file) throws IOException {
        AtomicFile.write(file, this::writeTo);
    }

    /** Writes the complete file content to {@code out}. */
    public void writeTo(WritableByteChannel out) throws IOException {
        List<Entry> layout = layout();
        AtomicFile.writeFully(out, ByteBuffer.wrap(header(layout)));
        for (Entry e : layout) {
            AtomicFile.writeFully(out, ByteBuffer.wrap(e.bytes()));
        }
    }

    /** The complete file content. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writeTo(Channels.newChannel(bytes));
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    private List<Entry> layout() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparingInt((Entry e) -> -e.dtype().bytes()).thenComparing(Entry::name));
        return list;
    }

    /** The 8-byte length prefix and the space-padded JSON header. */
    private byte[] header(List<Entry> layout) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) root.put("__metadata__", metadata);
        long offset = 0;
        for (Entry e : layout) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e.dtype().name());
            info.put("shape", e.shape());
            info.put("data_offsets", new long[] {offset, offset + e.bytes().length});
            root.put(e.name(), info);
            offset += e.bytes().length;
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        while (b.hasRemaining()) b.put((byte) ' ');
        return b.array();
    }

    private SafetensorsWriter add(String name, Dtype dtype, int[] shape, byte[] bytes) {
        if (entries.containsKey(name)) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        entries.put(name, new Entry(name, dtype, shape.clone(), bytes));
        return this;
    }

    /** Validates the name and shape; returns the element count, which must equal {@code length}. */
    private static int exactCount(String name, int[] shape, int length) {
        int n = count(name, shape);
        if (n != length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Shape.of(shape) + " needs " + n
                    + " elements but the array has " + length);
        }
        return n;
    }

    private static void checkWindow(String name, int n, int length, int offset) {
        checkName(name);
        if (offset < 0 || offset > length - n) {
            throw new IllegalArgumentException("tensor '" + name + "': " + n + " elements from offset " + offset
                    + " do not fit in an array of " + length);
        }
    }

    private static int count(String name, int[] shape) {
        checkName(name);
        return Shape.of(shape).size(); // rejects negative dimensions and overflow
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("tensor name must be non-empty");
        if (name.equals(SafetensorsFile.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + SafetensorsFile.METADATA_KEY + "' is reserved for metadata");
        }
    }
}
