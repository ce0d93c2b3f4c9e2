package dev.secateur.prune.pipeline;

import java.util.Locale;

/**
 * What the user asks of the compressed model, in the units they care about. Each kind is
 * turned into a kept fraction of the prunable weights by {@link TargetResolver}.
 */
public sealed interface Target {
    /** The largest compression accepted: beyond it a model keeps a handful of weights. */
    double MAX_COMPRESSION = 10_000;

    /** One line for logs and reports. */
    String describe();

    /** A fraction of the prunable weights removed, in [0, 1). */
    record Sparsity(double fraction) implements Target {
        public Sparsity {
            if (!(fraction >= 0 && fraction < 1)) throw new IllegalArgumentException("--sparsity must be in [0, 1) (1 would remove every weight), got " + fraction);
        }
        @Override public String describe() { return String.format(Locale.ROOT, "sparsity %.4g", fraction); }
    }

    /** Prunable weights / kept weights, in [1, {@value #MAX_COMPRESSION}]. */
    record Compression(double ratio) implements Target {
        public Compression {
            if (!(ratio >= 1 && ratio <= MAX_COMPRESSION)) {
                throw new IllegalArgumentException("--compression must be a number in [1, " + (long) MAX_COMPRESSION + "], got " + ratio);
            }
        }
        @Override public String describe() { return String.format(Locale.ROOT, "compression %.4gx", ratio); }
    }

    /** A fraction of the original dense model's dense/conv FLOPs removed, in [0, 1). */
    record FlopsReduction(double fraction) implements Target {
        public FlopsReduction {
            if (!(fraction >= 0 && fraction < 1)) throw new IllegalArgumentException("--flops-reduction must be in [0, 1), got " + fraction);
        }
        @Override public String describe() { return String.format(Locale.ROOT, "%.1f%% fewer FLOPs", 100 * fraction); }
    }

    /** The saved file's size at most this many bytes. */
    record SizeBytes(long bytes) implements Target {
        public SizeBytes {
            if (bytes < 1) throw new IllegalArgumentException("--size-bytes must be >= 1, got " + bytes);
        }
        @Override public String describe() { return String.format(Locale.ROOT, "file of at most %,d bytes", bytes); }
    }

    /** Only the per-layer densities (a plan file, or N:M whose sparsity the granularity fixes). */
    record PerLayerOnly() implements Target {
        @Override public String describe() { return "the per-layer densities"; }
    }
}
