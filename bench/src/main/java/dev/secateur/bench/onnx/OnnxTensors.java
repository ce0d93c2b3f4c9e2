package dev.secateur.bench.onnx;

import dev.secateur.bench.onnx.proto.Onnx.StringStringEntryProto;
import dev.secateur.bench.onnx.proto.Onnx.TensorProto;
import dev.secateur.nn.io.ModelFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decodes ONNX tensors (initializers and Constant values) to Java arrays. The size a tensor's
 * dims claim is checked against the bytes that are actually present (inline {@code raw_data},
 * the typed repeated field, or the range of an external-data file) before anything is allocated.
 * External data must be a regular file inside the model's directory.
 */
final class OnnxTensors {
    /** Largest tensor accepted: 2^28 elements (1 GiB of float32). */
    static final long MAX_ELEMENTS = 1L << 28;

    private final String src;
    private final Path directory;

    OnnxTensors(String src, Path directory) {
        this.src = src;
        this.directory = directory;
    }

    /** The tensor's dims as ints, each checked, with the element count bounded. */
    int[] dims(TensorProto t) {
        int[] d = new int[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < d.length; i++) {
            long v = t.getDims(i);
            if (v < 0 || v > Integer.MAX_VALUE) throw bad(t, "dimension " + i + " is " + v + ", out of range");
            d[i] = (int) v;
            n *= Math.max(v, 1);
            if (n > MAX_ELEMENTS) throw bad(t, "claims more than " + MAX_ELEMENTS + " elements");
        }
        return d;
    }

    static long count(int[] dims) {
        long n = 1;
        for (int v : dims) n *= v;
        return n;
    }

    /**
     * Checks that the stored data matches the dims (without decoding it): the element type is one
     * this importer reads, and the data present holds exactly the claimed number of elements.
     */
    void check(TensorProto t) {
        long n = count(dims(t));
        int width = width(t);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL_VALUE) {
            external(t, n * width, false);
            return;
        }
        long have;
        if (!t.getRawData().isEmpty()) have = t.getRawData().size() / width;
        else have = switch (t.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
            case TensorProto.DataType.INT64_VALUE -> t.getInt64DataCount();
            case TensorProto.DataType.INT32_VALUE, TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE -> t.getInt32DataCount();
            case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
            default -> 0;
        };
        if (!t.getRawData().isEmpty() && t.getRawData().size() % width != 0) {
            throw bad(t, "raw_data of " + t.getRawData().size() + " bytes is not a whole number of " + width + "-byte elements");
        }
        if (have != n) throw bad(t, "shape " + java.util.Arrays.toString(dims(t)) + " needs " + n + " elements but the tensor holds " + have);
    }

    /** The tensor as float32 values (float, double or integer element types). */
    float[] floats(TensorProto t) {
        check(t);
        int n = (int) count(dims(t));
        float[] out = new float[n];
        int type = t.getDataType();
        ByteBuffer raw = rawBytes(t);
        if (raw != null) {
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case TensorProto.DataType.FLOAT_VALUE -> raw.getFloat(4 * i);
                    case TensorProto.DataType.DOUBLE_VALUE -> (float) raw.getDouble(8 * i);
                    case TensorProto.DataType.INT64_VALUE -> raw.getLong(8 * i);
                    case TensorProto.DataType.INT32_VALUE -> raw.getInt(4 * i);
                    case TensorProto.DataType.INT8_VALUE -> raw.get(i);
                    default -> raw.get(i) & 0xff;
                };
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case TensorProto.DataType.FLOAT_VALUE -> t.getFloatData(i);
                case TensorProto.DataType.DOUBLE_VALUE -> (float) t.getDoubleData(i);
                case TensorProto.DataType.INT64_VALUE -> t.getInt64Data(i);
                default -> t.getInt32Data(i);
            };
        }
        return out;
    }

    /** The tensor as integers (int64 or int32 element types, e.g. a Reshape target). */
    long[] longs(TensorProto t) {
        int type = t.getDataType();
        if (type != TensorProto.DataType.INT64_VALUE && type != TensorProto.DataType.INT32_VALUE) {
            throw bad(t, "expected an int64 tensor, found element type " + typeName(type));
        }
        check(t);
        int n = (int) count(dims(t));
        long[] out = new long[n];
        ByteBuffer raw = rawBytes(t);
        for (int i = 0; i < n; i++) {
            if (raw != null) out[i] = type == TensorProto.DataType.INT64_VALUE ? raw.getLong(8 * i) : raw.getInt(4 * i);
            else out[i] = type == TensorProto.DataType.INT64_VALUE ? t.getInt64Data(i) : t.getInt32Data(i);
        }
        return out;
    }

    private ByteBuffer rawBytes(TensorProto t) {
        long bytes = count(dims(t)) * width(t);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL_VALUE) return external(t, bytes, true);
        if (t.getRawData().isEmpty()) return null;
        return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private int width(TensorProto t) {
        return switch (t.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT32_VALUE -> 4;
            case TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.INT64_VALUE -> 8;
            case TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE -> 1;
            default -> throw bad(t, "element type " + typeName(t.getDataType()) + " is not supported (float, double, int8, uint8, int32, int64)");
        };
    }

    /** Locates (and with {@code read}, reads) an external-data range after checking it lies in a regular file in the model's directory. */
    private ByteBuffer external(TensorProto t, long bytes, boolean read) {
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(t, e);
                case "length" -> length = parseLong(t, e);
                default -> { }
            }
        }
        if (location == null || location.isEmpty()) throw bad(t, "external data without a location");
        if (directory == null) throw bad(t, "external data \"" + location + "\" but the model was not read from a file");
        Path base = directory.toAbsolutePath().normalize();
        Path p = base.resolve(location).normalize();
        if (Path.of(location).isAbsolute() || !p.startsWith(base)) {
            throw bad(t, "external data location \"" + location + "\" points outside the model's directory");
        }
        try {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw bad(t, "external data \"" + location + "\" is not a regular file in the model's directory");
            }
            if (!p.toRealPath().startsWith(base.toRealPath())) {
                throw bad(t, "external data location \"" + location + "\" points outside the model's directory");
            }
            long size = Files.size(p);
            if (length >= 0 && length != bytes) throw bad(t, "external data length " + length + " does not match the " + bytes + " bytes its shape needs");
            if (offset < 0 || offset > size || bytes > size - offset) {
                throw bad(t, "external data \"" + location + "\" range [" + offset + ", " + (offset + bytes) + ") exceeds its " + size + " bytes");
            }
            if (!read) return null;
            ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                long pos = offset;
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos);
                    if (r < 0) throw bad(t, "external data \"" + location + "\" ended early");
                    pos += r;
                }
            }
            return buf.flip();
        } catch (IOException e) {
            throw new UncheckedIOException(src + ": external data of tensor \"" + t.getName() + "\": " + e.getMessage(), e);
        }
    }

    private long parseLong(TensorProto t, StringStringEntryProto e) {
        try {
            long v = Long.parseLong(e.getValue());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException x) {
            throw bad(t, "external data " + e.getKey() + " \"" + e.getValue() + "\" is not a non-negative integer");
        }
    }

    static String typeName(int type) {
        TensorProto.DataType d = TensorProto.DataType.forNumber(type);
        return d == null ? "#" + type : d.name();
    }

    private ModelFormatException bad(TensorProto t, String problem) {
        return new ModelFormatException(src, -1, "tensor \"" + t.getName() + "\": " + problem);
    }
}
