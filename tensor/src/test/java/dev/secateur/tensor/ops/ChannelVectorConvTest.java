package dev.secateur.tensor.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Workers;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The channel-vector convolution (fused bias, ReLU and 2×2 max pooling) against the float64 reference. */
class ChannelVectorConvTest {
    private static final Workers[] POOLS = {Workers.single(), Workers.of(2), Workers.of(3)};

    /** Up to 90 filters: every channel-group shape (4, 2 and 1 blocks of 4 to 16 lanes) and partial last blocks. */
    @Property(tries = 300)
    void matchesTheReferenceConvolution(@ForAll @IntRange(min = 1, max = 9) int inC,
                                        @ForAll @IntRange(min = 1, max = 15) int inH,
                                        @ForAll @IntRange(min = 1, max = 23) int inW,
                                        @ForAll @IntRange(min = 1, max = 90) int outC,
                                        @ForAll @IntRange(min = 1, max = 5) int kH,
                                        @ForAll @IntRange(min = 1, max = 5) int kW,
                                        @ForAll @IntRange(min = 0, max = 2) int pad,
                                        @ForAll @IntRange(min = 1, max = 3) int stride,
                                        @ForAll @IntRange(min = 1, max = 4) int batch,
                                        @ForAll @IntRange(min = 0, max = 2) int pool,
                                        @ForAll boolean withBias, @ForAll boolean relu, @ForAll boolean pooled,
                                        @ForAll @LongRange(min = 1) long seed) {
        if (kH > inH + 2 * pad || kW > inW + 2 * pad) return; // not a valid layer
        check(new ConvGeometry(inC, inH, inW, outC, kH, kW, stride, pad), batch, POOLS[pool], withBias, relu, pooled, seed);
    }

    /**
     * 10 to 40 input channels (whole and partial gathers of L channels in the channel-last copy, long reduction segments),
     * odd and even output sizes (a pooling that drops the last row or column, which is then not computed).
     */
    @Property(tries = 100)
    void matchesTheReferenceWithManyInputChannels(@ForAll @IntRange(min = 10, max = 40) int inC,
                                                  @ForAll @IntRange(min = 1, max = 12) int inH,
                                                  @ForAll @IntRange(min = 1, max = 12) int inW,
                                                  @ForAll @IntRange(min = 1, max = 40) int outC,
                                                  @ForAll @IntRange(min = 1, max = 3) int k,
                                                  @ForAll @IntRange(min = 0, max = 1) int pad,
                                                  @ForAll @IntRange(min = 1, max = 2) int stride,
                                                  @ForAll @IntRange(min = 1, max = 3) int batch,
                                                  @ForAll @IntRange(min = 0, max = 2) int pool,
                                                  @ForAll boolean pooled,
                                                  @ForAll @LongRange(min = 1) long seed) {
        if (k > inH + 2 * pad || k > inW + 2 * pad) return; // not a valid layer
        check(new ConvGeometry(inC, inH, inW, outC, k, k, stride, pad), batch, POOLS[pool], true, true, pooled, seed);
    }

    @Test
    void theModelLayersMatch() {
        ConvGeometry[] layers = {
                new ConvGeometry(1, 28, 28, 32, 3, 3, 1, 1), new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1),
                new ConvGeometry(64, 7, 7, 128, 3, 3, 1, 1), new ConvGeometry(1, 28, 28, 6, 5, 5, 1, 2),
                new ConvGeometry(6, 14, 14, 16, 5, 5, 1, 0), new ConvGeometry(22, 14, 14, 45, 3, 3, 1, 1),
                new ConvGeometry(45, 7, 7, 89, 3, 3, 1, 1), new ConvGeometry(16, 16, 16, 32, 3, 3, 2, 1)};
        long seed = 7;
        for (ConvGeometry g : layers) {
            for (boolean pooled : new boolean[] {false, true}) {
                check(g, 3, Workers.single(), true, true, pooled, seed++);
                check(g, 1, POOLS[1], true, false, pooled, seed++);
            }
        }
    }

    private static void check(ConvGeometry g, int batch, Workers workers, boolean withBias, boolean relu, boolean pooled, long seed) {
        DenseConvolutionCheck.matchesReference(ChannelVectorConv::from, g, batch, workers, withBias, relu, pooled, seed);
    }

    @Property(tries = 30)
    void resultsDoNotDependOnTheThreadCount(@ForAll @IntRange(min = 1, max = 6) int inC,
                                            @ForAll @IntRange(min = 3, max = 18) int size,
                                            @ForAll @IntRange(min = 1, max = 120) int outC,
                                            @ForAll @IntRange(min = 1, max = 5) int batch,
                                            @ForAll boolean pooled,
                                            @ForAll @LongRange(min = 1) long seed) {
        ConvGeometry g = new ConvGeometry(inC, size, size, outC, 3, 3, 1, 1);
        DenseConvolutionCheck.independentOfTheThreadCount(ChannelVectorConv::from, POOLS, g, batch, pooled, seed);
    }

    @Test
    void badArgumentsNameTheProblem() {
        ConvGeometry g = new ConvGeometry(2, 5, 5, 3, 3, 3, 1, 1);
        ChannelVectorConv conv = ChannelVectorConv.from(g, new float[g.weightSize()], 0);
        float[] work = new float[conv.workspaceFloats(1)];
        var e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Workers.single(), new float[10], 0, 1, new float[g.outputSize()], 0, null, false, false, work, 0));
        assertTrue(e.getMessage().contains("x needs 50 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChannelVectorConv.from(g, new float[5], 0));
        assertTrue(e.getMessage().contains("weight needs 54 floats"), e.getMessage());
    }

    @Test
    void theWarmUpProxyRunsTheSameKernelOnASmallImage() {
        for (ConvGeometry g : new ConvGeometry[] {new ConvGeometry(32, 14, 14, 64, 3, 3, 1, 1), new ConvGeometry(45, 7, 7, 89, 3, 3, 1, 1), new ConvGeometry(16, 16, 16, 32, 3, 3, 2, 1)}) {
            float[] w = new float[g.weightSize()];
            ChannelVectorConv conv = ChannelVectorConv.from(g, w, 0);
            Runnable proxy = conv.warmProxy();
            for (int i = 0; i < 3; i++) proxy.run();
            assertTrue(conv.warmKey().equals(ChannelVectorConv.from(g, new float[g.weightSize()], 0).warmKey()), conv.warmKey());
        }
    }
}
