package dev.secateur.tensor.ops;

import dev.secateur.tensor.Workers;
import dev.secateur.tensor.platform.VectorPlatform;

/**
 * A convolution's weight gradient computed on the zero-padded images ({@link PaddedImage}),
 * without im2col columns: {@code dW[f, c, i, j] = Σ_n Σ_p dY[n, f, p] · xp[n, offset(c, i, j) + p]}.
 * Two register layouts: output pixels in the lanes ({@link PixelLaneGradient}) for large planes
 * with few filters, filters in the lanes ({@link FilterLaneGradient}) otherwise; {@link #byPixels}
 * chooses. Any stride works (the padded image holds its phase planes).
 *
 * <p>Images are split into one contiguous range per thread, each summing into its own partial
 * gradient; the partials are added in range order, so the result depends on the thread count but
 * not on timing.
 */
public final class ConvWeightGradient {
    private static final int L = VectorPlatform.LANES;
    /** Output pixels per plane from which the pixel layout's horizontal sums are paid for. */
    static final int PIXEL_LANES_FROM = 256;
    /** The widest tap block of either layout; the tap offsets come padded to a multiple of it. */
    static final int BLOCK_TAPS = 8;

    /** One register layout's pass over a range of images. */
    interface Strategy {
        /** Floats of one range's scratch for a range of {@code images} images. */
        long slotFloats(int images);

        /** Adds images {@code [n0, n1)}'s gradient into {@code dW[dwOff ..]}; {@code ws[base ..]}: this range's scratch. */
        void range(int n0, int n1, float[] x, int xOff, float[] dy, int dyOff, float[] dW, int dwOff, float[] ws, int base);
    }

    private final ConvGeometry g;
    private final Strategy strategy;

    public ConvWeightGradient(ConvGeometry g) {
        this(g, g != null && byPixels(g));
    }

    /** With the register layout chosen by the caller (tests run both on every shape). */
    ConvWeightGradient(ConvGeometry g, boolean pixelLanes) {
        if (g == null) throw new IllegalArgumentException("conv weight gradient: geometry is null");
        this.g = g;
        PaddedImage image = new PaddedImage(g, L);
        // Padded to whole blocks of 8 taps with the last tap repeated: a block past the last tap
        // reads valid input, and its sums are dropped.
        int taps = g.colRows();
        int[] offsets = new int[(taps + BLOCK_TAPS - 1) / BLOCK_TAPS * BLOCK_TAPS];
        for (int t = 0; t < offsets.length; t++) {
            int k = Math.min(t, taps - 1);
            offsets[t] = image.offset(k / (g.kH() * g.kW()), k / g.kW() % g.kH(), k % g.kW());
        }
        this.strategy = pixelLanes ? new PixelLaneGradient(g, image, offsets) : new FilterLaneGradient(g, image, offsets);
    }

    /**
     * Pixels in the lanes where filters would leave most lanes empty and the planes are large
     * enough to pay the horizontal sums: fewer filters than half a vector, {@value #PIXEL_LANES_FROM}
     * output pixels or more.
     */
    static boolean byPixels(ConvGeometry g) {
        return 2 * g.outC() < L && (long) g.outH() * g.outW() >= PIXEL_LANES_FROM;
    }

    public ConvGeometry geometry() { return g; }

    /** Floats of workspace {@link #compute} needs for {@code batch} images on {@code workers}. */
    public int workspaceFloats(Workers workers, int batch) {
        return Math.multiplyExact(slices(workers, batch), slotFloats(workers, batch));
    }

    /**
     * {@code dW = Σ_n dY[n] ⋆ x[n]}, overwriting {@code dW[dwOff .. dwOff + weightSize)}.
     *
     * @param x  {@code batch} CHW input images from {@code xOff}
     * @param dy {@code batch} output gradients ({@code outC·outH·outW} each) from {@code dyOff}
     * @param ws at least {@link #workspaceFloats} floats
     */
    public void compute(Workers workers, int batch, float[] x, int xOff, float[] dy, int dyOff, float[] dW, int dwOff,
                        float[] ws) {
        if (!(workers != null && batch >= 0 && Checks.in(x, xOff, (long) batch * g.inputSize())
                && Checks.in(dy, dyOff, (long) batch * g.outputSize()) && Checks.in(dW, dwOff, g.weightSize())
                && Checks.in(ws, 0, workspaceFloats(workers, batch)))) {
            String ctx = "conv weight gradient " + g + " batch " + batch;
            if (workers == null) throw new IllegalArgumentException("workers is null in " + ctx);
            if (batch < 0) throw new IllegalArgumentException("batch must be >= 0 in " + ctx);
            Checks.range("x", x, xOff, (long) batch * g.inputSize(), ctx);
            Checks.range("dy", dy, dyOff, (long) batch * g.outputSize(), ctx);
            Checks.range("dW", dW, dwOff, g.weightSize(), ctx);
            Checks.range("workspace", ws, 0, workspaceFloats(workers, batch), ctx);
        }
        int wsz = g.weightSize(), slices = slices(workers, batch), slot = slotFloats(workers, batch);
        if (slices == 1) {
            java.util.Arrays.fill(dW, dwOff, dwOff + wsz, 0f);
            strategy.range(0, batch, x, xOff, dy, dyOff, dW, dwOff, ws, 0);
            return;
        }
        workers.forEach(slices, t -> {
            int base = t * slot;
            java.util.Arrays.fill(ws, base, base + wsz, 0f);
            strategy.range(first(batch, slices, t), first(batch, slices, t + 1), x, xOff, dy, dyOff, ws, base, ws, base + wsz);
        });
        // Fixed summation order over ranges keeps the result bit-identical run to run.
        System.arraycopy(ws, 0, dW, dwOff, wsz);
        for (int t = 1; t < slices; t++) Elementwise.axpy(1f, ws, t * slot, dW, dwOff, wsz);
    }

    /** One range's scratch: its partial gradient (unused by a lone range), then the strategy's. */
    private int slotFloats(Workers workers, int batch) {
        int images = (batch + slices(workers, batch) - 1) / slices(workers, batch);
        long n = g.weightSize() + strategy.slotFloats(images);
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("conv weight gradient workspace of " + g + " does not fit an array");
        return (int) n;
    }

    private static int slices(Workers workers, int batch) {
        return Math.max(1, Math.min(workers.threads(), batch));
    }

    private static int first(int batch, int slices, int t) {
        return (int) ((long) batch * t / slices);
    }
}
