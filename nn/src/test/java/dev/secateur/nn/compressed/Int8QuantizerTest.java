package dev.secateur.nn.compressed;

import dev.secateur.tensor.Shape;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Int8QuantizerTest {

    @Property(tries = 150)
    void roundTripIsWithinHalfAScaleAndKeepsZeros(@ForAll long seed, @ForAll boolean conv) {
        SplittableRandom r = new SplittableRandom(seed);
        int out = r.nextInt(1, 9);
        Shape s = conv ? Shape.of(out, r.nextInt(1, 5), 3, 3) : Shape.of(out, r.nextInt(1, 40));
        float[] w = new float[s.size()];
        double spread = Math.pow(10, r.nextInt(-4, 3));
        for (int i = 0; i < w.length; i++) w[i] = r.nextInt(3) == 0 ? 0f : (float) (r.nextGaussian() * spread);
        if (r.nextBoolean()) java.util.Arrays.fill(w, 0, s.size() / out, 0f); // an all-zero channel
        QuantizedWeights q = new Int8Quantizer().quantize(w, s);
        float[] dq = q.dequantize();
        int row = s.size() / out;
        for (int i = 0; i < w.length; i++) {
            float scale = q.scales()[i / row];
            // A value at a rounding tie may go either way once scaled in float; the dequantized float
            // adds its own half-ulp, so allow one ulp of the value beyond half a scale.
            assertTrue(Math.abs((double) w[i] - dq[i]) <= scale / 2.0 * (1 + 1e-6) + Math.ulp(Math.abs(w[i])) + 1e-30, "element " + i);
            if (w[i] == 0f) assertEquals(0f, dq[i], "zero not preserved at " + i);
            assertTrue(q.values()[i] != Byte.MIN_VALUE);
        }
    }

    @Example
    void aValueAtARoundingTieStaysWithinTheBound() {
        roundTripIsWithinHalfAScaleAndKeepsZeros(4042, true); // 139.1292 / 1.5373392 is 90.5 to float precision
    }

    @Test
    void largestMagnitudeMapsTo127() {
        float[] w = {-2f, 1f, 0f, 0.5f};
        QuantizedWeights q = new Int8Quantizer().quantize(w, Shape.of(2, 2));
        assertEquals(-127, q.values()[0]);
        assertEquals(64, q.values()[1]);
        assertEquals(0, q.values()[2]);
        assertEquals(127, q.values()[3]);
        assertEquals(2f / 127, q.scales()[0], 1e-9);
        assertEquals(8 + 4, q.storageBytes());
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Int8Quantizer().quantize(new float[3], Shape.of(2, 2)));
        assertThrows(IllegalArgumentException.class, () -> new Int8Quantizer().quantize(new float[]{1, Float.NaN}, Shape.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> new QuantizedWeights(Shape.of(1, 1), new byte[]{-128}, new float[]{1}));
    }
}
