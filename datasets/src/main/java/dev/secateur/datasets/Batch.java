package dev.secateur.datasets;

import dev.secateur.tensor.Tensor;
import java.util.Objects;

/**
 * One mini-batch from a {@link Batcher}: normalized images as a {@code [b, c, h, w]} tensor and
 * their labels. The batcher refills the same object (same tensors and arrays) for every batch, so
 * the contents are valid only until the next batch is requested; copy what must be kept.
 */
public final class Batch {
    private Tensor images;
    private int[] labels;
    private int[] order;
    private int start;
    private int size;

    Batch() {}

    /** Examples {@code order[start .. start + size)} of the epoch. */
    void set(Tensor images, int[] labels, int[] order, int start, int size) {
        this.images = images;
        this.labels = labels;
        this.order = order;
        this.start = start;
        this.size = size;
    }

    /** Number of examples in this batch (the last one of an epoch may be smaller). */
    public int size() { return size; }

    /** The images, {@code [size(), c, h, w]}, normalized. Refilled by the next batch. */
    public Tensor images() { return images; }

    /** The labels; the array's length is {@link #size()}. Refilled by the next batch. */
    public int[] labels() { return labels; }

    /** Position in the dataset of example {@code k} of this batch. */
    public int index(int k) {
        Objects.checkIndex(k, size);
        return order[start + k];
    }
}
