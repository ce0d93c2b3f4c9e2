package dev.secateur.datasets;

import dev.secateur.tensor.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Cuts a {@link Dataset} into mini-batches, epoch by epoch:
 *
 * <pre>{@code
 * Batcher batches = Batcher.shuffled(data.train(), 64, seed);
 * for (int epoch = 0; epoch < epochs; epoch++)
 *     for (Batch b : batches.epoch(epoch)) step(b.images(), b.labels());
 * }</pre>
 *
 * <p>The order of epoch {@code e} depends only on the seed and {@code e} (a Fisher-Yates shuffle
 * of the identity driven by a {@link SplittableRandom} seeded from both), so runs are
 * reproducible and epochs can be replayed out of order. Every example appears exactly once per
 * epoch; the last, smaller batch is kept (as a view of the first rows of the batch tensor) unless
 * {@link #dropLast()} is asked for.
 *
 * <p>No garbage per batch: the batch tensor, label arrays and the {@link Batch} object are
 * allocated once and refilled, so a batch is valid only until the next one. Not thread-safe; use
 * one batcher per thread.
 */
public final class Batcher {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Augmentation augmentation;

    private final int[] order;
    private Tensor full;
    private Tensor tail;
    private int[] fullLabels;
    private int[] tailLabels;
    private byte[] scratch;
    private final Batch batch = new Batch();

    private Batcher(Dataset data, int batchSize, boolean shuffle, long seed, boolean dropLast, Augmentation augmentation) {
        this.data = Objects.requireNonNull(data, "data");
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.augmentation = augmentation;
        this.order = new int[data.size()];
    }

    /** Batches in a new seeded random order every epoch (training). */
    public static Batcher shuffled(Dataset data, int batchSize, long seed) {
        return new Batcher(data, batchSize, true, seed, false, null);
    }

    /** Batches in dataset order, the same every epoch (evaluation). */
    public static Batcher sequential(Dataset data, int batchSize) {
        return new Batcher(data, batchSize, false, 0, false, null);
    }

    /** The same batcher, but an epoch's last incomplete batch is skipped. */
    public Batcher dropLast() {
        return new Batcher(data, batchSize, shuffle, seed, true, augmentation);
    }

    /**
     * The same batcher, applying {@code a} to every image it hands out, with randomness from the
     * seed and epoch (reproducible). Meant for training sets only.
     */
    public Batcher augmented(Augmentation a) {
        return new Batcher(data, batchSize, shuffle, seed, dropLast, Objects.requireNonNull(a));
    }

    public Dataset dataset() { return data; }
    public int batchSize() { return batchSize; }

    /** Batches per epoch, counting the last incomplete one unless dropped. */
    public int batchesPerEpoch() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Examples per epoch (all of them, or fewer when the last batch is dropped). */
    public int examplesPerEpoch() {
        return dropLast ? data.size() / batchSize * batchSize : data.size();
    }

    /** The order of the dataset's examples in epoch {@code epoch} (a new array). */
    public int[] order(int epoch) {
        int[] out = new int[data.size()];
        permutation(epoch, out);
        return out;
    }

    /**
     * The batches of epoch {@code epoch} (>= 0). Starting an epoch resets the batcher: batches
     * of an earlier {@code epoch(...)} iterator must not be used afterwards.
     */
    public Iterable<Batch> epoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        return () -> start(epoch);
    }

    private Iterator<Batch> start(int epoch) {
        allocate();
        permutation(epoch, order);
        SplittableRandom augRandom = augmentation == null ? null : new SplittableRandom(mix(seed, epoch, 2));
        int batches = batchesPerEpoch();
        return new Iterator<>() {
            private int next;

            @Override public boolean hasNext() { return next < batches; }

            @Override public Batch next() {
                if (next >= batches) throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
                fill(next++, augRandom);
                return batch;
            }
        };
    }

    private void allocate() {
        if (full != null) return;
        int rows = Math.min(batchSize, Math.max(1, data.size()));
        full = Tensor.zeros(rows, data.channels(), data.height(), data.width());
        fullLabels = new int[rows];
        int rest = data.size() % batchSize;
        if (rest != 0 && data.size() > batchSize) {
            tail = full.slice(0, rest);
            tailLabels = new int[rest];
        }
        if (augmentation != null) scratch = new byte[data.imageSize()];
    }

    private void fill(int b, SplittableRandom augRandom) {
        int from = b * batchSize;
        int size = Math.min(batchSize, data.size() - from);
        Tensor images = size == full.dim(0) ? full : tail;
        int[] labels = size == fullLabels.length ? fullLabels : tailLabels;
        ImageBytes px = data.pixelBytes();
        Normalization norm = data.normalization();
        int sz = data.imageSize(), plane = data.height() * data.width();
        float[] dst = images.data();
        for (int k = 0; k < size; k++) {
            int i = order[from + k];
            labels[k] = data.label(i);
            byte[] src = px.pixels();
            int srcOff = i * sz;
            if (augmentation != null) {
                System.arraycopy(src, srcOff, scratch, 0, sz);
                augmentation.apply(scratch, data.channels(), data.height(), data.width(), augRandom);
                src = scratch;
                srcOff = 0;
            }
            norm.convert(src, srcOff, data.channels(), plane, dst, images.offset() + k * sz);
        }
        batch.set(images, labels, order, from, size);
    }

    private void permutation(int epoch, int[] out) {
        for (int i = 0; i < out.length; i++) out[i] = i;
        if (!shuffle) return;
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, 1));
        for (int i = out.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
    }

    /** A well-mixed seed per (seed, epoch, stream), so epochs get unrelated random streams. */
    static long mix(long seed, int epoch, int stream) {
        long z = seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)) ^ (0xC2B2AE3D27D4EB4FL * stream);
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
