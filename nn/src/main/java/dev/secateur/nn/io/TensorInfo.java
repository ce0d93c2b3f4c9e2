package dev.secateur.nn.io;

import dev.secateur.tensor.Shape;
import java.util.Arrays;

/**
 * One validated header entry of a safetensors file: name, dtype, shape and the byte range
 * {@code [begin, end)} relative to the start of the data buffer.
 */
public final class TensorInfo {
    private final String name;
    private final Dtype dtype;
    private final int[] shape;
    private final long begin;
    private final long end;

    TensorInfo(String name, Dtype dtype, int[] shape, long begin, long end) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.begin = begin;
        this.end = end;
    }

    public String name() { return name; }

    public Dtype dtype() { return dtype; }

    /** The dimensions (a copy). */
    public int[] shape() { return shape.clone(); }

    /** The dimensions as a {@link Shape}. */
    public Shape shapeObject() { return Shape.of(shape); }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** First byte, relative to the start of the data buffer. */
    public long begin() { return begin; }

    /** One past the last byte, relative to the start of the data buffer. */
    public long end() { return end; }

    public long byteLength() { return end - begin; }

    @Override public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
