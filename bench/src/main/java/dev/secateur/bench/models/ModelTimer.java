package dev.secateur.bench.models;

import dev.secateur.nn.Layer;
import dev.secateur.nn.Model;
import dev.secateur.nn.Parameter;
import dev.secateur.nn.layers.Conv2d;
import dev.secateur.nn.layers.Dense;
import dev.secateur.nn.layers.ResidualBlock;
import dev.secateur.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Helpers shared by {@code secateur bench} and {@link ModelBenchmark}: the MAC-weighted density
 * of a model (its theoretical compute bound) and simple interleaved throughput loops for the CLI
 * report (the official numbers come from JMH).
 */
public final class ModelTimer {
    private ModelTimer() {}

    /** Multiply-adds per sample of the dense/conv layers: {@code [dense MACs, MACs on non-zero weights]}. */
    public static long[] macs(Model m) {
        long[] acc = new long[2];
        walk(m.layers(), m.inputShape(), acc);
        return acc;
    }

    private static Shape walk(List<Layer> layers, Shape s, long[] acc) {
        for (Layer l : layers) {
            if (l instanceof Dense || l instanceof Conv2d) {
                Parameter w = l instanceof Dense d ? d.weight() : ((Conv2d) l).weight();
                long macs = l.macs(s);
                acc[0] += macs;
                acc[1] += Math.round((double) macs * w.nonZeros() / w.size());
            } else if (l instanceof ResidualBlock r) {
                walk(r.mainPath(), s, acc);
                walk(r.shortcutPath(), s, acc);
            }
            s = l.outputShape(s);
        }
        return s;
    }

    /** Dense MACs over non-zero MACs: the speed-up bound of a compute-bound sparse model. */
    public static double bound(Model m) {
        long[] a = macs(m);
        return a[1] == 0 ? Double.POSITIVE_INFINITY : (double) a[0] / a[1];
    }

    /**
     * Images per second of each contender, measured in interleaved rounds (so drift and noise
     * hit all alike): a warm-up of {@code seconds / 3} each, then {@code rounds} rounds of
     * {@code seconds / rounds} each; {@code call.accept(batch)} runs one batch.
     */
    public static double[] imagesPerSecond(List<IntConsumer> contenders, int batch, double seconds, int rounds) {
        int c = contenders.size();
        for (IntConsumer k : contenders) run(k, batch, (long) (seconds / 3 * 1e9));
        long[] images = new long[c], nanos = new long[c];
        long slice = (long) (seconds / rounds * 1e9);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < c; i++) {
                long t0 = System.nanoTime();
                long calls = run(contenders.get(i), batch, slice);
                nanos[i] += System.nanoTime() - t0;
                images[i] += calls * batch;
            }
        }
        double[] out = new double[c];
        for (int i = 0; i < c; i++) out[i] = images[i] / (nanos[i] / 1e9);
        return out;
    }

    private static long run(IntConsumer call, int batch, long nanos) {
        long end = System.nanoTime() + nanos, calls = 0;
        do {
            call.accept(batch);
            calls++;
        } while (System.nanoTime() < end);
        return calls;
    }

    /** Names of the contenders {@link #imagesPerSecond} is usually given. */
    public static List<String> contenderNames() {
        return new ArrayList<>(List.of("model", "compiled-dense", "compiled"));
    }
}
