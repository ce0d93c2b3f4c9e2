package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;

import dev.secateur.tensor.platform.VectorPlatform;
import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max and average pooling over NCHW batches. Planes (image, channel) are split over the pool;
 * each plane's result does not depend on the split. Max pooling treats padding as -∞ (it never
 * wins) and records, per output, the index of the winning input relative to {@code xOff}; ties go
 * to the first element in row-major window order. Average pooling divides by the full window
 * {@code kH*kW}, padding included (PyTorch's {@code count_include_pad=True}). Backward passes
 * overwrite {@code dx}.
 */
public final class Pooling {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final int IL = INTS.length();
    /** Integer compares are vector instructions where permutes are (AVX2 and later, AArch64); SSE scans scalar. */
    private static final boolean VECTOR_CHECK = VectorPlatform.PERMUTES;

    private Pooling() {}

    /**
     * @param argmax where to store, per output, the index of its input relative to {@code xOff};
     *               null when no backward pass follows
     */
    public static void maxPool2dForward(Workers workers, PoolGeometry g, int batch, float[] x, int xOff,
                                        float[] y, int yOff, int[] argmax, int argOff) {
        if (!(planesOk(workers, g, batch) && Checks.in(x, xOff, (long) batch * g.inputSize())
                && Checks.in(y, yOff, (long) batch * g.outputSize())
                && (argmax == null || Checks.in(argmax, argOff, (long) batch * g.outputSize())))) {
            String ctx = "maxPool2dForward " + g + " batch " + batch;
            checkPlanes(workers, g, batch, ctx);
            Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
            Checks.range("y", y, yOff, (long) batch * g.outputSize(), ctx);
            if (argmax != null) Checks.range("argmax", argmax, argOff, (long) batch * g.outputSize(), ctx);
        }
        int planes = batch * g.channels();
        int chunks = chunks(workers, planes);
        if (chunks == 1) {
            for (int p = 0; p < planes; p++) maxPlane(g, p, x, xOff, y, yOff, argmax, argOff);
        } else {
            workers.forEach(chunks, t -> {
                for (int p = first(planes, chunks, t), e = first(planes, chunks, t + 1); p < e; p++) {
                    maxPlane(g, p, x, xOff, y, yOff, argmax, argOff);
                }
            });
        }
    }

    /** {@code dx = 0; dx[argmax[i]] += dy[i]} for the indices written by the forward pass. */
    public static void maxPool2dBackward(Workers workers, PoolGeometry g, int batch, float[] dy, int dyOff,
                                         int[] argmax, int argOff, float[] dx, int dxOff) {
        if (!(planesOk(workers, g, batch) && Checks.in(dy, dyOff, (long) batch * g.outputSize())
                && Checks.in(argmax, argOff, (long) batch * g.outputSize()) && Checks.in(dx, dxOff, (long) batch * g.inputSize()))) {
            String ctx = "maxPool2dBackward " + g + " batch " + batch;
            checkPlanes(workers, g, batch, ctx);
            Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
            Checks.range("argmax", argmax, argOff, (long) batch * g.outputSize(), ctx);
            Checks.range("dx", dx, dxOff, (long) batch * g.inputSize(), ctx);
        }
        int planes = batch * g.channels();
        int inPlane = g.inH() * g.inW(), outPlane = g.outH() * g.outW();
        // Validate first so a bad index fails before anything is written.
        for (int p = 0; p < planes; p++) {
            int lo = p * inPlane, hi = lo + inPlane, o = argOff + p * outPlane, end = o + outPlane;
            if (VECTOR_CHECK) {
                // Whole vectors while all their indices are inside; the scalar scan from the first that is not.
                for (; o + IL <= end; o += IL) {
                    IntVector a = IntVector.fromArray(INTS, argmax, o);
                    if (a.compare(VectorOperators.LT, lo).or(a.compare(VectorOperators.GE, hi)).anyTrue()) break;
                }
            }
            for (; o < end; o++) {
                int a = argmax[o];
                if (a < lo || a >= hi) {
                    throw new IllegalArgumentException("argmax[" + o + "] = " + a + " is outside its plane [" + lo + ", "
                            + hi + ") in maxPool2dBackward " + g + " batch " + batch);
                }
            }
        }
        int chunks = chunks(workers, planes);
        if (chunks == 1) {
            scatter(0, planes, inPlane, outPlane, dy, dyOff, argmax, argOff, dx, dxOff);
        } else {
            workers.forEach(chunks, t -> scatter(first(planes, chunks, t), first(planes, chunks, t + 1), inPlane, outPlane,
                    dy, dyOff, argmax, argOff, dx, dxOff));
        }
    }

    /** Average pooling forward; {@code y} is overwritten. */
    public static void avgPool2dForward(Workers workers, PoolGeometry g, int batch, float[] x, int xOff, float[] y, int yOff) {
        if (!(planesOk(workers, g, batch) && Checks.in(x, xOff, (long) batch * g.inputSize())
                && Checks.in(y, yOff, (long) batch * g.outputSize()))) {
            String ctx = "avgPool2dForward " + g + " batch " + batch;
            checkPlanes(workers, g, batch, ctx);
            Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
            Checks.range("y", y, yOff, (long) batch * g.outputSize(), ctx);
        }
        int planes = batch * g.channels();
        int chunks = chunks(workers, planes);
        if (chunks == 1) {
            for (int p = 0; p < planes; p++) avgPlane(g, p, x, xOff, y, yOff);
        } else {
            workers.forEach(chunks, t -> {
                for (int p = first(planes, chunks, t), e = first(planes, chunks, t + 1); p < e; p++) {
                    avgPlane(g, p, x, xOff, y, yOff);
                }
            });
        }
    }

    /** Average pooling backward: each input gets {@code Σ dy / (kH*kW)} over the windows that hold it. */
    public static void avgPool2dBackward(Workers workers, PoolGeometry g, int batch, float[] dy, int dyOff, float[] dx, int dxOff) {
        if (!(planesOk(workers, g, batch) && Checks.in(dy, dyOff, (long) batch * g.outputSize())
                && Checks.in(dx, dxOff, (long) batch * g.inputSize()))) {
            String ctx = "avgPool2dBackward " + g + " batch " + batch;
            checkPlanes(workers, g, batch, ctx);
            Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
            Checks.range("dx", dx, dxOff, (long) batch * g.inputSize(), ctx);
        }
        int planes = batch * g.channels();
        int chunks = chunks(workers, planes);
        if (chunks == 1) {
            for (int p = 0; p < planes; p++) avgPlaneBackward(g, p, dy, dyOff, dx, dxOff);
        } else {
            workers.forEach(chunks, t -> {
                for (int p = first(planes, chunks, t), e = first(planes, chunks, t + 1); p < e; p++) {
                    avgPlaneBackward(g, p, dy, dyOff, dx, dxOff);
                }
            });
        }
    }

    private static void maxPlane(PoolGeometry g, int p, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff) {
        if (Pool2x2.applies(g)) {
            Pool2x2.max(g, p, x, xOff, y, yOff, argmax, argOff);
            return;
        }
        int inH = g.inH(), inW = g.inW(), outH = g.outH(), outW = g.outW(), s = g.stride(), pad = g.pad();
        int planeRel = p * inH * inW, planeAbs = xOff + planeRel, o = p * outH * outW;
        for (int oh = 0; oh < outH; oh++) {
            int h0 = Math.max(0, oh * s - pad), h1 = Math.min(inH, oh * s - pad + g.kH());
            for (int ow = 0; ow < outW; ow++, o++) {
                int w0 = Math.max(0, ow * s - pad), w1 = Math.min(inW, ow * s - pad + g.kW());
                int best = h0 * inW + w0;
                float bv = x[planeAbs + best];
                for (int h = h0; h < h1; h++) {
                    for (int w = w0, i = h * inW + w0; w < w1; w++, i++) {
                        float v = x[planeAbs + i];
                        if (v > bv) {
                            bv = v;
                            best = i;
                        }
                    }
                }
                y[yOff + o] = bv;
                if (argmax != null) argmax[argOff + o] = planeRel + best;
            }
        }
    }

    private static void avgPlane(PoolGeometry g, int p, float[] x, int xOff, float[] y, int yOff) {
        if (Pool2x2.applies(g)) {
            Pool2x2.avg(g, p, x, xOff, y, yOff);
            return;
        }
        int inH = g.inH(), inW = g.inW(), outH = g.outH(), outW = g.outW(), s = g.stride(), pad = g.pad();
        int plane = xOff + p * inH * inW, o = yOff + p * outH * outW;
        float inv = 1f / (g.kH() * g.kW());
        for (int oh = 0; oh < outH; oh++) {
            int h0 = Math.max(0, oh * s - pad), h1 = Math.min(inH, oh * s - pad + g.kH());
            for (int ow = 0; ow < outW; ow++, o++) {
                int w0 = Math.max(0, ow * s - pad), w1 = Math.min(inW, ow * s - pad + g.kW());
                float sum = 0f;
                for (int h = h0; h < h1; h++) {
                    for (int i = plane + h * inW + w0, e = plane + h * inW + w1; i < e; i++) sum += x[i];
                }
                y[o] = sum * inv;
            }
        }
    }

    private static void avgPlaneBackward(PoolGeometry g, int p, float[] dy, int dyOff, float[] dx, int dxOff) {
        if (Pool2x2.applies(g)) {
            Pool2x2.avgBackward(g, p, dy, dyOff, dx, dxOff);
            return;
        }
        int inH = g.inH(), inW = g.inW(), outH = g.outH(), outW = g.outW(), s = g.stride(), pad = g.pad();
        int plane = dxOff + p * inH * inW, o = dyOff + p * outH * outW;
        Arrays.fill(dx, plane, plane + inH * inW, 0f);
        float inv = 1f / (g.kH() * g.kW());
        for (int oh = 0; oh < outH; oh++) {
            int h0 = Math.max(0, oh * s - pad), h1 = Math.min(inH, oh * s - pad + g.kH());
            for (int ow = 0; ow < outW; ow++, o++) {
                int w0 = Math.max(0, ow * s - pad), w1 = Math.min(inW, ow * s - pad + g.kW());
                float v = dy[o] * inv;
                for (int h = h0; h < h1; h++) {
                    for (int i = plane + h * inW + w0, e = plane + h * inW + w1; i < e; i++) dx[i] += v;
                }
            }
        }
    }

    private static boolean planesOk(Workers workers, PoolGeometry g, int batch) {
        return workers != null && g != null && Checks.fits(batch, Math.max(g.inputSize(), g.outputSize()));
    }

    private static void checkPlanes(Workers workers, PoolGeometry g, int batch, String ctx) {
        if (workers == null) throw new IllegalArgumentException("workers is null in " + ctx);
        if (g == null) throw new IllegalArgumentException("geometry is null in " + ctx);
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0 in " + ctx);
        Checks.size(ctx, batch, Math.max(g.inputSize(), g.outputSize()));
    }

    /** One contiguous chunk of planes per thread (the single-chunk path allocates nothing). */
    private static int chunks(Workers workers, int planes) {
        return Math.max(1, Math.min(workers.threads(), planes));
    }

    private static int first(int planes, int chunks, int t) {
        return (int) ((long) planes * t / chunks);
    }

    /** {@code dx = 0; dx[argmax] += dy} for planes {@code [from, to)}. */
    private static void scatter(int from, int to, int inPlane, int outPlane, float[] dy, int dyOff, int[] argmax, int argOff,
                                float[] dx, int dxOff) {
        for (int p = from; p < to; p++) {
            int base = dxOff + p * inPlane;
            Arrays.fill(dx, base, base + inPlane, 0f);
            for (int i = 0, o = p * outPlane; i < outPlane; i++, o++) dx[dxOff + argmax[argOff + o]] += dy[dyOff + o];
        }
    }
}
