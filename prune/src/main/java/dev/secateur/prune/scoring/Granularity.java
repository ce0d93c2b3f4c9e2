package dev.secateur.prune.scoring;

import java.util.Locale;

/**
 * What one pruning decision removes. Weights are seen as a matrix [out, in·taps]: a dense
 * layer's [out, in], or a convolution's [F, C·kh·kw] (taps = kh·kw).
 */
public sealed interface Granularity {

    /** One weight at a time (Han et al. 2015). */
    record Unstructured() implements Granularity {
        @Override public String toString() { return "unstructured"; }
    }

    /** A whole output filter (conv) or neuron (dense): one row of the matrix view. */
    record Filter() implements Granularity {
        @Override public String toString() { return "filter"; }
    }

    /** A whole input channel: column c of a dense layer, W[:, c, :, :] of a convolution. */
    record Channel() implements Granularity {
        @Override public String toString() { return "channel"; }
    }

    /**
     * An r×c tile of the matrix view [out, in·taps]; edge tiles may be smaller. The target
     * amount counts tiles, not weights.
     */
    record Block(int rows, int cols) implements Granularity {
        /** The largest block side accepted. */
        public static final int MAX_BLOCK = 4096;
        public Block {
            if (rows < 1 || cols < 1 || rows > MAX_BLOCK || cols > MAX_BLOCK) {
                throw new IllegalArgumentException("block size must be between 1x1 and " + MAX_BLOCK + "x" + MAX_BLOCK + ", got " + rows + "x" + cols);
            }
        }
        @Override public String toString() { return "block:" + rows + "x" + cols; }
    }

    /**
     * N:M semi-structured sparsity: in every group of M consecutive weights of a row of the
     * matrix view, keep the N with the highest scores. The sparsity is fixed at 1 - N/M. A
     * row tail of t &lt; M weights keeps ceil(N·t/M) of them (proportional, rounded up).
     */
    record NOfM(int n, int m) implements Granularity {
        public NOfM {
            if (m < 1 || n < 0 || n > m) throw new IllegalArgumentException("N:M needs 0 <= N <= M and M >= 1, got " + n + ":" + m);
        }
        /** The fraction of weights pruned in full groups, 1 - N/M. */
        public double sparsity() { return 1.0 - (double) n / m; }
        @Override public String toString() { return "nm:" + n + ":" + m; }
    }

    Granularity UNSTRUCTURED = new Unstructured();
    Granularity FILTER = new Filter();
    Granularity CHANNEL = new Channel();

    /** Whether pruning whole units removes whole filters/neurons or channels (compactable). */
    default boolean isStructured() { return this instanceof Filter || this instanceof Channel; }

    /**
     * Parses {@code unstructured}, {@code filter} (or {@code neuron}), {@code channel},
     * {@code block:RxC} and {@code nm:N:M}.
     */
    static Granularity parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (k.equals("unstructured")) return UNSTRUCTURED;
            if (k.equals("filter") || k.equals("neuron")) return FILTER;
            if (k.equals("channel")) return CHANNEL;
            if (k.startsWith("block:")) {
                String[] rc = k.substring(6).split("x");
                if (rc.length == 2) return new Block(Integer.parseInt(rc[0]), Integer.parseInt(rc[1]));
            }
            if (k.startsWith("nm:")) {
                String[] nm = k.substring(3).split(":");
                if (nm.length == 2) {
                    int n = Integer.parseInt(nm[0]);
                    if (n < 1) throw new IllegalArgumentException("granularity '" + s + "': N must be >= 1 (N = 0 would prune every weight)");
                    return new NOfM(n, Integer.parseInt(nm[1]));
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad granularity '" + s + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("unknown granularity '" + s
                + "' (expected unstructured, filter, channel, block:RxC or nm:N:M)");
    }
}
