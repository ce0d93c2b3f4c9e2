package dev.secateur.nn.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-built safetensors bytes for malformed-file tests: any header length, any JSON, any buffer. */
final class RawSafetensors {
    private RawSafetensors() {}

    /** A file whose length prefix is the exact length of {@code json}. */
    static byte[] of(String json, byte[] buffer) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return withLength(h.length, h, buffer);
    }

    /** A file whose length prefix says {@code declaredLength}, whatever follows. */
    static byte[] withLength(long declaredLength, byte[] header, byte[] buffer) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + buffer.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header).put(buffer);
        return b.array();
    }

    /** A one-tensor header. */
    static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }
}
