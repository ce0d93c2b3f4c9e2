package dev.secateur.tensor.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secateur.tensor.platform.VectorPlatform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Transpose16Test {
    @Test
    void sixteenStridedRowsBecomeSixteenBufferRows() {
        assumeTrue(VectorPlatform.supportsLanes(16) && VectorPlatform.PERMUTES, "needs 16-lane two-vector permutes");
        SplittableRandom rnd = new SplittableRandom(7);
        int stride = 37, at = 5, rowBytes = 96 * Float.BYTES, dst = 8 * Float.BYTES;
        float[] x = new float[at + 20 * stride + 16];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        int[] offsets = new int[20];
        for (int r = 0; r < offsets.length; r++) offsets[r] = r * stride;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16L * rowBytes + 64, 64);
            Transpose16.toSegment(x, at, offsets, 3, buf, dst, rowBytes, new float[Transpose16.SCRATCH]);
            for (int c = 0; c < 16; c++) {
                for (int r = 0; r < 16; r++) {
                    float got = buf.get(ValueLayout.JAVA_FLOAT_UNALIGNED, dst + (long) c * rowBytes + (long) r * Float.BYTES);
                    assertEquals(x[at + offsets[3 + r] + c], got, "row " + r + ", column " + c);
                }
            }
        }
    }
}
