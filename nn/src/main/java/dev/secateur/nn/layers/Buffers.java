package dev.secateur.nn.layers;

import dev.secateur.tensor.Shape;
import dev.secateur.tensor.Tensor;

/** Reuse of per-layer work tensors: a new one only when the batch shape changes. */
final class Buffers {
    private Buffers() {}

    static Tensor ensure(Tensor current, Shape wanted) {
        return current != null && current.shape().equals(wanted) ? current : Tensor.zeros(wanted);
    }

    static Tensor ensure(Tensor current, int... dims) {
        return ensure(current, Shape.of(dims));
    }

    /** The batch shape: {@code n} followed by the dims of a per-sample shape. */
    static Shape batchOf(int n, Shape sample) {
        int[] d = new int[sample.rank() + 1];
        d[0] = n;
        for (int i = 0; i < sample.rank(); i++) d[i + 1] = sample.dim(i);
        return Shape.of(d);
    }

    /** The per-sample shape of a batch tensor (drops the leading dimension). */
    static Shape sampleOf(Shape batch) {
        int[] d = new int[batch.rank() - 1];
        for (int i = 0; i < d.length; i++) d[i] = batch.dim(i + 1);
        return Shape.of(d);
    }

    static void requireRank(String layer, Tensor in, int rank) {
        if (in.rank() != rank) {
            throw new IllegalArgumentException(layer + ": expected a rank-" + rank + " batch, got shape " + in.shape());
        }
    }
}
