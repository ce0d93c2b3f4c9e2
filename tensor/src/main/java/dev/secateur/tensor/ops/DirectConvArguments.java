package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;

/**
 * The argument checks of a direct convolution call (dense or sparse): arrays present and long
 * enough for {@code n} images, a bias per filter, and input, output and workspace disjoint. Each
 * failure is one message naming the array, the geometry and the batch.
 */
public final class DirectConvArguments {
    private DirectConvArguments() {}

    /**
     * @param outputPerImage floats written per image (pooled or not)
     * @param workFloats     floats of workspace the call uses
     */
    public static void check(ConvGeometry g, Workers workers, float[] x, int xOff, int n, float[] y, int yOff, long outputPerImage,
                             float[] bias, float[] work, int workOff, long workFloats) {
        if (workers == null) throw new IllegalArgumentException("direct conv: workers is null");
        if (n < 0) throw new IllegalArgumentException("direct conv: batch must be >= 0, got " + n);
        long in = (long) n * g.inputSize(), out = n * outputPerImage;
        range(g, "x", x, xOff, in, n);
        range(g, "y", y, yOff, out, n);
        range(g, "workspace", work, workOff, workFloats, n);
        if (bias != null && bias.length < g.outC()) {
            throw new IllegalArgumentException("direct conv: bias has " + bias.length + " elements, " + g + " has " + g.outC() + " filters");
        }
        if (n > 0 && (overlaps(x, xOff, in, y, yOff, out) || overlaps(work, workOff, workFloats, y, yOff, out)
                || overlaps(work, workOff, workFloats, x, xOff, in))) {
            throw new IllegalArgumentException("direct conv: x, y and the workspace must not overlap (" + g + ", batch " + n + ")");
        }
    }

    private static boolean overlaps(float[] a, int aOff, long aLen, float[] b, int bOff, long bLen) {
        return a == b && aOff < bOff + bLen && bOff < aOff + aLen;
    }

    private static void range(ConvGeometry g, String name, float[] a, int off, long needed, int n) {
        if (a == null) throw new IllegalArgumentException("direct conv: " + name + " is null (" + g + ", batch " + n + ")");
        if (off < 0 || off + needed > a.length) {
            throw new IllegalArgumentException("direct conv: " + name + " needs " + needed + " floats at offset " + off
                    + " but its array has " + a.length + " (" + g + ", batch " + n + ")");
        }
    }
}
