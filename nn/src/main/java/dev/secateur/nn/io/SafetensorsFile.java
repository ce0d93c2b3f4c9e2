package dev.secateur.nn.io;

import dev.secateur.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A validated safetensors file held in memory: tensor directory, {@code __metadata__} and data.
 *
 * <p>Format (see the Hugging Face safetensors specification): an unsigned 64-bit little-endian
 * header length {@code N}, {@code N} bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} object of strings, then the data buffer. Offsets are relative to the
 * buffer; data is little-endian and row-major.
 *
 * <p>Everything is validated before the data buffer is allocated: the header length against the
 * file size and {@link #MAX_HEADER_BYTES}, the JSON, every dtype, shape and offset range, and
 * that the tensors tile the buffer exactly (no overlap, no hole, as the specification requires).
 * No allocation exceeds the file size. Failures are {@link ModelFormatException}s naming the
 * file, the byte offset and the problem. Instances are immutable and thread-safe; each typed
 * accessor returns a fresh array.
 */
public final class SafetensorsFile {
    /** The reserved header key holding string-to-string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    /** Largest accepted JSON header (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Largest data buffer this reader holds (one Java array). */
    public static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

    private final String source;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    /** Holds the data buffer at {@link #bufferStart}; never exposed, so instances stay immutable. */
    private final byte[] buffer;
    private final int bufferStart;
    /** File offset of the data buffer (8 + header length), for error messages. */
    private final long dataOffset;

    private SafetensorsFile(String source, SafetensorsHeader header, byte[] buffer, int bufferStart, long dataOffset) {
        this.source = source;
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors) byName.put(t.name(), t);
        this.tensors = Collections.unmodifiableMap(byName);
        this.metadata = Collections.unmodifiableMap(header.metadata);
        this.buffer = buffer;
        this.bufferStart = bufferStart;
        this.dataOffset = dataOffset;
    }

    /** Reads and validates a file. */
    public static SafetensorsFile read(Path file) throws IOException {
        String source = file.toString();
        requireRegularFile(file, source);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(source, 0, "file of " + size + " bytes is too short for the 8-byte header length");
            }
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, prefix, 0, source);
            int headerLength = checkHeaderLength(source, prefix.getLong(0), size);
            byte[] header = new byte[headerLength];
            readFully(ch, ByteBuffer.wrap(header), 8, source);
            long bufferLength = size - 8 - headerLength;
            SafetensorsHeader parsed = SafetensorsHeader.parse(source, header, bufferLength);
            byte[] buffer = new byte[checkBufferLength(source, bufferLength, 8L + headerLength)];
            readFully(ch, ByteBuffer.wrap(buffer), 8L + headerLength, source);
            return new SafetensorsFile(source, parsed, buffer, 0, 8L + headerLength);
        }
    }

    /**
     * Refuses anything but a regular file before opening it: opening a FIFO blocks until a writer
     * appears, and a directory or device has no meaningful size. A missing file stays a
     * {@link java.nio.file.NoSuchFileException}.
     */
    public static void requireRegularFile(Path file, String source) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            String kind = a.isDirectory() ? "a directory" : a.isOther() ? "a FIFO, socket or device" : "not a regular file";
            throw new ModelFormatException(source, -1, "is " + kind + ", expected a regular model file");
        }
    }

    /** Validates a complete file held in memory (copied); {@code source} names it in error messages. */
    public static SafetensorsFile parse(byte[] bytes, String source) {
        return parseBytes(bytes, false, source);
    }

    /** Reads a whole stream (for example a class-path resource) and validates it. */
    public static SafetensorsFile read(InputStream in, String source) throws IOException {
        return parseBytes(in.readAllBytes(), true, source);
    }

    /**
     * Validates {@code bytes}, then keeps them as the data buffer: directly when {@code owned}
     * (no one else holds the array), else as a copy made only once they are known to be valid.
     */
    private static SafetensorsFile parseBytes(byte[] bytes, boolean owned, String source) {
        if (bytes.length < 8) {
            throw new ModelFormatException(source, 0, "file of " + bytes.length + " bytes is too short for the 8-byte header length");
        }
        long rawLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int headerLength = checkHeaderLength(source, rawLength, bytes.length);
        byte[] header = java.util.Arrays.copyOfRange(bytes, 8, 8 + headerLength);
        int bufferStart = 8 + headerLength;
        SafetensorsHeader parsed = SafetensorsHeader.parse(source, header, bytes.length - bufferStart);
        return new SafetensorsFile(source, parsed, owned ? bytes : bytes.clone(), bufferStart, bufferStart);
    }

    private static int checkHeaderLength(String source, long n, long fileSize) {
        // n is unsigned in the format: a negative long is a length of 2^63 or more.
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new ModelFormatException(source, 0, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > fileSize - 8) {
            throw new ModelFormatException(source, 0, "header length " + n + " exceeds the " + (fileSize - 8)
                    + " bytes that follow it (truncated file?)");
        }
        return (int) n;
    }

    private static int checkBufferLength(String source, long length, long at) {
        if (length > MAX_BUFFER_BYTES) {
            throw new ModelFormatException(source, at, "data buffer of " + length + " bytes exceeds the "
                    + MAX_BUFFER_BYTES + " bytes this reader supports");
        }
        return (int) length;
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position, String source) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, p);
            if (n < 0) {
                throw new ModelFormatException(source, p, "unexpected end of file (the file shrank while being read)");
            }
            p += n;
        }
    }

    /** The file or resource name given when reading. */
    public String source() { return source; }

    /** Tensor names in data-buffer order. */
    public List<String> names() { return new ArrayList<>(tensors.keySet()); }

    /** Every tensor's header entry, in data-buffer order. */
    public List<TensorInfo> tensors() { return new ArrayList<>(tensors.values()); }

    public boolean contains(String name) { return tensors.containsKey(name); }

    /** The header entry of {@code name}; a missing tensor is a {@link ModelFormatException}. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new ModelFormatException(source, -1, "no tensor named '" + name + "'");
        return t;
    }

    /** The {@code __metadata__} entries (unmodifiable, in file order; empty when absent). */
    public Map<String, String> metadata() { return metadata; }

    /** One metadata value; a missing key is a {@link ModelFormatException}. */
    public String metadata(String key) {
        String v = metadata.get(key);
        if (v == null) throw new ModelFormatException(source, -1, "no __metadata__ entry \"" + key + "\"");
        return v;
    }

    /** An F32 tensor's elements. */
    public float[] f32(String name) {
        TensorInfo t = typed(name, Dtype.F32);
        return LittleEndian.decodeF32(buffer, offset(t), (int) t.byteLength());
    }

    /** An F32 tensor as a {@link Tensor} of its shape. */
    public Tensor tensor(String name) {
        TensorInfo t = typed(name, Dtype.F32);
        return Tensor.wrap(LittleEndian.decodeF32(buffer, offset(t), (int) t.byteLength()), 0, t.shapeObject());
    }

    /** An F16 tensor's elements, widened to float (exactly). */
    public float[] f16(String name) {
        TensorInfo t = typed(name, Dtype.F16);
        return LittleEndian.decodeF16(buffer, offset(t), (int) t.byteLength());
    }

    /** An I8 tensor's elements. */
    public byte[] i8(String name) {
        return bytesOf(typed(name, Dtype.I8));
    }

    /** A U8 tensor's elements as raw bytes; read each as unsigned with {@code b & 0xFF}. */
    public byte[] u8(String name) {
        return bytesOf(typed(name, Dtype.U8));
    }

    /** An I16 tensor's elements. */
    public short[] i16(String name) {
        TensorInfo t = typed(name, Dtype.I16);
        return LittleEndian.decodeI16(buffer, offset(t), (int) t.byteLength());
    }

    /** An I32 tensor's elements. */
    public int[] i32(String name) {
        TensorInfo t = typed(name, Dtype.I32);
        return LittleEndian.decodeI32(buffer, offset(t), (int) t.byteLength());
    }

    /** An I64 tensor's elements. */
    public long[] i64(String name) {
        TensorInfo t = typed(name, Dtype.I64);
        return LittleEndian.decodeI64(buffer, offset(t), (int) t.byteLength());
    }

    /** File offset of the first byte of a tensor's data. */
    public long fileOffset(TensorInfo t) {
        return dataOffset + t.begin();
    }

    /** CRC32C of a tensor's stored bytes, computed in place (see {@link SafetensorsWriter#crc32c()}). */
    public long crc32c(String name) {
        TensorInfo t = info(name);
        CRC32C crc = new CRC32C();
        crc.update(buffer, offset(t), (int) t.byteLength());
        return crc.getValue();
    }

    /** Any tensor's raw little-endian bytes, whatever its dtype. */
    public byte[] rawBytes(String name) {
        return bytesOf(info(name));
    }

    private byte[] bytesOf(TensorInfo t) {
        return java.util.Arrays.copyOfRange(buffer, offset(t), offset(t) + (int) t.byteLength());
    }

    private int offset(TensorInfo t) {
        return bufferStart + (int) t.begin();
    }

    private TensorInfo typed(String name, Dtype expected) {
        TensorInfo t = info(name);
        if (t.dtype() != expected) {
            throw new ModelFormatException(source, -1, "tensor '" + name + "' has dtype " + t.dtype() + ", expected " + expected);
        }
        return t;
    }
}
