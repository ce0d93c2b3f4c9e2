package dev.secateur.tensor.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Transposes against plain index arithmetic, at every vector width (blocks where 16 lanes run, scalar elsewhere). */
class TransposesTest {
    private static final float UNTOUCHED = 12345.5f;

    @Property(tries = 300)
    void matrixTransposesEveryShape(@ForAll @IntRange(min = 0, max = 70) int rows, @ForAll @IntRange(min = 0, max = 70) int cols,
                                    @ForAll @IntRange(min = 0, max = 9) int xo, @ForAll @IntRange(min = 0, max = 9) int yo,
                                    @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[xo + rows * cols + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-2, 2);
        float[] y = new float[yo + rows * cols + 3];
        Arrays.fill(y, UNTOUCHED);

        Transposes.matrix(x, xo, rows, cols, y, yo);

        float[] expected = new float[y.length];
        Arrays.fill(expected, UNTOUCHED);
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) expected[yo + c * rows + r] = x[xo + r * cols + c];
        for (int i = 0; i < y.length; i++) assertEquals(expected[i], y[i], "y[" + i + "] of " + rows + " x " + cols);
    }

    @Property(tries = 100)
    void blockWritesSixteenColumnsOfSixteen(@ForAll @IntRange(min = 16, max = 40) int ld, @ForAll @IntRange(min = 16, max = 40) int ldd,
                                            @ForAll @IntRange(min = 0, max = 9) int s, @ForAll @IntRange(min = 0, max = 9) int d,
                                            @ForAll long seed) {
        if (!Transposes.BLOCKS) return;
        float[] x = blockInput(s, ld, seed);
        float[] dst = new float[d + 15 * ldd + 16 + 5];
        Arrays.fill(dst, UNTOUCHED);

        Transposes.block(x, s, ld, dst, d, ldd, new float[Transposes.SCRATCH]);

        float[] expected = new float[dst.length];
        Arrays.fill(expected, UNTOUCHED);
        for (int c = 0; c < 16; c++) for (int r = 0; r < 16; r++) expected[d + c * ldd + r] = x[s + r * ld + c];
        for (int i = 0; i < dst.length; i++) assertEquals(expected[i], dst[i], "dst[" + i + "]");
    }

    @Property(tries = 60)
    void blockIntoAnOffHeapBufferWritesSixteenRowsOfSixteen(@ForAll @IntRange(min = 16, max = 40) int ld,
                                                            @ForAll @IntRange(min = 16, max = 40) int rowFloats,
                                                            @ForAll @IntRange(min = 0, max = 9) int s, @ForAll @IntRange(min = 0, max = 9) int d,
                                                            @ForAll long seed) {
        if (!Transposes.BLOCKS) return;
        float[] x = blockInput(s, ld, seed);
        int floats = d + 15 * rowFloats + 16 + 5;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4L * floats, 64);
            for (int i = 0; i < floats; i++) buf.setAtIndex(ValueLayout.JAVA_FLOAT, i, UNTOUCHED);

            Transposes.block(x, s, ld, buf, 4L * d, 4L * rowFloats, new float[Transposes.SCRATCH]);

            float[] expected = new float[floats];
            Arrays.fill(expected, UNTOUCHED);
            for (int c = 0; c < 16; c++) for (int r = 0; r < 16; r++) expected[d + c * rowFloats + r] = x[s + r * ld + c];
            for (int i = 0; i < floats; i++) assertEquals(expected[i], buf.getAtIndex(ValueLayout.JAVA_FLOAT, i), "buf[" + i + "]");
        }
    }

    /** Sixteen random rows of 16 floats, {@code ld} apart from {@code s}. */
    private static float[] blockInput(int s, int ld, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[s + 15 * ld + 16];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-2, 2);
        return x;
    }

    @Property(tries = 10)
    void negativeShapesAreRefused(@ForAll @IntRange(min = -5, max = -1) int rows) {
        assertThrows(IllegalArgumentException.class, () -> Transposes.matrix(new float[4], 0, rows, 2, new float[4], 0));
    }
}
