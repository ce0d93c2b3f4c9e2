package dev.secateur.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A contiguous row-major float32 tensor (NCHW for images). A tensor is a window
 * {@code data[offset, offset + shape.size())} over a backing array, so slices of the leading
 * dimension share storage with their parent. No autograd: layers own their gradients.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final Shape shape;

    private Tensor(float[] data, int offset, Shape shape) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(int... dims) {
        Shape s = Shape.of(dims);
        return new Tensor(new float[s.size()], 0, s);
    }

    /** A zero-filled tensor of the given shape. */
    public static Tensor zeros(Shape s) {
        return new Tensor(new float[s.size()], 0, s);
    }

    /** Wraps (does not copy) {@code data}; its length must equal the shape's size. */
    public static Tensor wrap(float[] data, int... dims) {
        Shape s = Shape.of(dims);
        if (data.length != s.size()) {
            throw new IllegalArgumentException("array of length " + data.length + " does not match shape " + s + " (size " + s.size() + ")");
        }
        return new Tensor(data, 0, s);
    }

    /** Wraps a window of {@code data} starting at {@code offset}. */
    public static Tensor wrap(float[] data, int offset, Shape s) {
        if (offset < 0 || (long) offset + s.size() > data.length) {
            throw new IllegalArgumentException("window [" + offset + ", " + ((long) offset + s.size()) + ") of shape " + s
                    + " does not fit an array of length " + data.length);
        }
        return new Tensor(data, offset, s);
    }

    /** A copy of {@code values} with the given shape. */
    public static Tensor of(float[] values, int... dims) {
        return wrap(values.clone(), dims);
    }

    /** Uniform values in [lo, hi) from a seeded generator (deterministic). */
    public static Tensor randomUniform(long seed, float lo, float hi, int... dims) {
        Tensor t = zeros(dims);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return t;
    }

    public Shape shape() { return shape; }
    public int rank() { return shape.rank(); }
    public int dim(int axis) { return shape.dim(axis); }
    public int size() { return shape.size(); }

    /** The backing array; elements live at {@link #offset()} .. offset + size. */
    public float[] data() { return data; }
    public int offset() { return offset; }

    /** Same elements, another shape of the same size (a view). */
    public Tensor reshape(int... dims) {
        Shape s = Shape.of(dims);
        if (s.size() != shape.size()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " (size " + shape.size() + ") to " + s + " (size " + s.size() + ")");
        }
        return new Tensor(data, offset, s);
    }

    /** Rows {@code [from, to)} of the leading dimension, sharing storage. */
    public Tensor slice(int from, int to) {
        if (shape.rank() == 0) throw new IllegalArgumentException("cannot slice a scalar tensor");
        int n = shape.dim(0);
        if (from < 0 || to < from || to > n) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") out of range for leading dimension " + n + " of " + shape);
        }
        int stride = shape.strideOfFirst();
        return new Tensor(data, offset + from * stride, shape.withFirst(to - from));
    }

    private int flatIndex(int... idx) {
        if (idx.length != shape.rank()) {
            throw new IllegalArgumentException("index " + Arrays.toString(idx) + " has rank " + idx.length + ", tensor has shape " + shape);
        }
        int flat = 0;
        for (int i = 0; i < idx.length; i++) {
            int d = shape.dim(i);
            if (idx[i] < 0 || idx[i] >= d) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for shape " + shape);
            }
            flat = flat * d + idx[i];
        }
        return offset + flat;
    }

    public float get(int... idx) { return data[flatIndex(idx)]; }

    public void set(float v, int... idx) { data[flatIndex(idx)] = v; }

    /** Element at flat (row-major) position {@code i}. */
    public float getFlat(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("flat index " + i + " for shape " + shape);
        return data[offset + i];
    }

    public void setFlat(int i, float v) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("flat index " + i + " for shape " + shape);
        data[offset + i] = v;
    }

    /** A compact copy (offset 0, own array). */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape);
    }

    /** The elements as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size());
    }

    public void fill(float v) { Arrays.fill(data, offset, offset + size(), v); }

    /** Copies {@code src} (same size) into this tensor. */
    public void copyFrom(Tensor src) {
        if (src.size() != size()) {
            throw new IllegalArgumentException("copy from " + src.shape + " into " + shape + ": sizes differ");
        }
        System.arraycopy(src.data, src.offset, data, offset, size());
    }

    /**
     * True when shapes are equal and every element differs by at most
     * {@code atol + rtol * |other|} (NaNs are never close).
     */
    public boolean allClose(Tensor other, float rtol, float atol) {
        if (!shape.equals(other.shape)) return false;
        for (int i = 0; i < size(); i++) {
            float a = data[offset + i], b = other.data[other.offset + i];
            if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return false;
        }
        return true;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shape);
        if (size() > 64) return sb.append(" (").append(size()).append(" elements)").toString();
        sb.append(' ');
        appendNested(sb, 0, 0);
        return sb.toString();
    }

    private void appendNested(StringBuilder sb, int axis, int base) {
        if (shape.rank() == 0) { sb.append(data[offset]); return; }
        int n = shape.dim(axis);
        int stride = 1;
        for (int i = axis + 1; i < shape.rank(); i++) stride *= shape.dim(i);
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            if (axis == shape.rank() - 1) sb.append(String.format("%.4g", data[offset + base + i]));
            else appendNested(sb, axis + 1, base + i * stride);
        }
        sb.append(']');
    }
}
