package dev.secateur.nn.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between primitive arrays and little-endian bytes (the safetensors byte order). */
final class LittleEndian {
    private LittleEndian() {}

    private static ByteBuffer out(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer in(byte[] buf, int off, int len) {
        return ByteBuffer.wrap(buf, off, len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] encodeF32(float[] a, int off, int n) {
        ByteBuffer b = out(n * 4);
        b.asFloatBuffer().put(a, off, n);
        return b.array();
    }

    static byte[] encodeF16(float[] a, int off, int n) {
        short[] h = new short[n];
        for (int i = 0; i < n; i++) h[i] = Float.floatToFloat16(a[off + i]);
        return encodeI16(h, 0, n);
    }

    static byte[] encodeI16(short[] a, int off, int n) {
        ByteBuffer b = out(n * 2);
        b.asShortBuffer().put(a, off, n);
        return b.array();
    }

    static byte[] encodeI32(int[] a, int off, int n) {
        ByteBuffer b = out(n * 4);
        b.asIntBuffer().put(a, off, n);
        return b.array();
    }

    static byte[] encodeI64(long[] a, int off, int n) {
        ByteBuffer b = out(n * 8);
        b.asLongBuffer().put(a, off, n);
        return b.array();
    }

    static float[] decodeF32(byte[] buf, int off, int len) {
        float[] a = new float[len / 4];
        in(buf, off, len).asFloatBuffer().get(a);
        return a;
    }

    static float[] decodeF16(byte[] buf, int off, int len) {
        short[] h = decodeI16(buf, off, len);
        float[] a = new float[h.length];
        for (int i = 0; i < h.length; i++) a[i] = Float.float16ToFloat(h[i]);
        return a;
    }

    static short[] decodeI16(byte[] buf, int off, int len) {
        short[] a = new short[len / 2];
        in(buf, off, len).asShortBuffer().get(a);
        return a;
    }

    static int[] decodeI32(byte[] buf, int off, int len) {
        int[] a = new int[len / 4];
        in(buf, off, len).asIntBuffer().get(a);
        return a;
    }

    static long[] decodeI64(byte[] buf, int off, int len) {
        long[] a = new long[len / 8];
        in(buf, off, len).asLongBuffer().get(a);
        return a;
    }
}
