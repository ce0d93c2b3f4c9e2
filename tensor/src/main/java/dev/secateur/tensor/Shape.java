package dev.secateur.tensor;

import java.util.Arrays;

/**
 * The dimensions of a row-major tensor. Immutable; every dimension is {@code >= 0} and the
 * element count must fit in an {@code int} (tensors are backed by one {@code float[]}).
 */
public final class Shape {
    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("negative dimension " + dims[i] + " at axis " + i + " in " + Arrays.toString(dims));
            }
            n *= dims[i];
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31 elements");
            }
        }
        this.dims = dims;
        this.size = (int) n;
    }

    /** A shape with the given dimensions (copied). */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() { return dims.length; }

    /** Dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        int a = axis < 0 ? dims.length + axis : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + this);
        }
        return dims[a];
    }

    /** Number of elements (product of the dimensions; 1 for a scalar shape). */
    public int size() { return size; }

    public int[] toArray() { return dims.clone(); }

    /** Product of the dimensions after the first: the length of one leading-dimension slice. */
    public int strideOfFirst() {
        return dims.length == 0 ? 1 : (dims[0] == 0 ? sizeOfTail(1) : size / dims[0]);
    }

    private int sizeOfTail(int from) {
        int n = 1;
        for (int i = from; i < dims.length; i++) n *= dims[i];
        return n;
    }

    /** The same shape with the first dimension replaced. */
    public Shape withFirst(int first) {
        int[] d = dims.clone();
        d[0] = first;
        return new Shape(d);
    }

    @Override public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        return sb.append(']').toString();
    }
}
