package dev.secateur.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.secateur.tensor.reference.ReferenceConv;

/**
 * Checks a direct convolution's output against the float64 reference: bias, optional ReLU and
 * optional 2×2 stride-2 max pooling, within a tolerance scaled by the terms' magnitudes, and no
 * write outside {@code y[yOff, yOff + batch·outputSize)} (the caller fills {@code y} with NaN).
 */
public final class ConvOutputCheck {
    private ConvOutputCheck() {}

    /** {@code x} holds the batch's images from index 0; {@code w} the weights actually used. */
    public static void matchesReference(ConvGeometry g, int batch, float[] x, float[] w, float[] bias, boolean relu, boolean pooled,
                                        float[] y, int yOff, int outputSize) {
        double[] want = ReferenceConv.forward(g, batch, x, w, bias);
        double[] scale = ReferenceConv.forwardAbs(g, batch, x, w, bias);
        int oh = g.outH(), ow = g.outW(), ph = pooled ? oh / 2 : oh, pw = pooled ? ow / 2 : ow, k = pooled ? 2 : 1;
        for (int i = 0; i < batch * g.outC(); i++) {
            for (int py = 0; py < ph; py++) {
                for (int px = 0; px < pw; px++) {
                    double e = Double.NEGATIVE_INFINITY, sc = 0;
                    for (int a = 0; a < k; a++) {
                        for (int b = 0; b < k; b++) {
                            int at = (i * oh + py * k + a) * ow + px * k + b;
                            e = Math.max(e, relu ? Math.max(0, want[at]) : want[at]);
                            sc = Math.max(sc, scale[at]);
                        }
                    }
                    double tol = 1e-6 * (g.colRows() + 1) * sc + 1e-30;
                    float got = y[yOff + (i * ph + py) * pw + px];
                    if (!(Math.abs(got - e) <= tol)) {
                        fail(g + (pooled ? " pooled" : "") + " batch " + batch + " plane " + i + " (" + py + ", " + px + "): got " + got
                                + ", want " + e + " (tol " + tol + ")");
                    }
                }
            }
        }
        assertTrue(Float.isNaN(y[yOff + batch * outputSize]), "wrote past the output");
        if (yOff > 0) assertTrue(Float.isNaN(y[yOff - 1]), "wrote before the output");
    }
}
