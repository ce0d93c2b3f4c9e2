package dev.secateur.tensor.ops;

/** Argument checks shared by the ops: every failure names the array, its size and the call's shape. */
final class Checks {
    private Checks() {}

    /** Fast validity test (no allocation): {@code a[off, off+len)} exists. */
    static boolean in(float[] a, int off, long len) {
        return a != null && off >= 0 && len >= 0 && off + len <= a.length;
    }

    static boolean in(double[] a, int off, long len) {
        return a != null && off >= 0 && len >= 0 && off + len <= a.length;
    }

    static boolean in(int[] a, int off, long len) {
        return a != null && off >= 0 && len >= 0 && off + len <= a.length;
    }

    /** Fast test that a product of sizes is non-negative and fits an int. */
    static boolean fits(long a, long b) {
        return a >= 0 && b >= 0 && a * b <= Integer.MAX_VALUE;
    }

    static boolean fits(long a, long b, long c) {
        long ab = a * b;
        return a >= 0 && b >= 0 && c >= 0 && ab <= Integer.MAX_VALUE && ab * c <= Integer.MAX_VALUE;
    }

    static void nonNegative(String what, long value, String ctx) {
        if (value < 0) throw new IllegalArgumentException(what + " must be >= 0, got " + value + " in " + ctx);
    }

    static void range(String name, float[] a, int off, long len, String ctx) {
        if (a == null) throw new IllegalArgumentException(name + " is null in " + ctx);
        check(name, a.length, off, len, ctx);
    }

    static void range(String name, double[] a, int off, long len, String ctx) {
        if (a == null) throw new IllegalArgumentException(name + " is null in " + ctx);
        check(name, a.length, off, len, ctx);
    }

    static void range(String name, int[] a, int off, long len, String ctx) {
        if (a == null) throw new IllegalArgumentException(name + " is null in " + ctx);
        check(name, a.length, off, len, ctx);
    }

    private static void check(String name, int length, int off, long len, String ctx) {
        if (off < 0) throw new IllegalArgumentException(name + " offset " + off + " is negative in " + ctx);
        if (len < 0) throw new IllegalArgumentException(name + " length " + len + " is negative in " + ctx);
        if (off + len > length) {
            throw new IllegalArgumentException(name + " needs " + len + " elements from offset " + off
                    + " but its array has " + length + " in " + ctx);
        }
    }

    /** Product of non-negative sizes that must fit an int array index. */
    static int size(String ctx, long... dims) {
        long p = 1;
        for (long d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative size " + d + " in " + ctx);
            p *= d;
            if (p > Integer.MAX_VALUE) throw new IllegalArgumentException("size overflows an int array in " + ctx);
        }
        return (int) p;
    }
}
