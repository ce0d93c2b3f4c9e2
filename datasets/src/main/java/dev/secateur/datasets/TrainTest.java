package dev.secateur.datasets;

import java.util.Objects;

/** A training set and its test set, loaded from the same place. */
public record TrainTest(Dataset train, Dataset test) {
    public TrainTest {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
            throw new IllegalArgumentException("train images " + train.imageShape() + " and test images " + test.imageShape() + " differ");
        }
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("train and test class names differ: " + train.classNames() + " vs " + test.classNames());
        }
    }

    /** True when this is the small bundled sample. */
    public boolean isSample() { return train.isSample(); }

    /** Where the data came from. */
    public String source() { return train.source(); }

    /** Both sets with another normalization (shares the pixel bytes). */
    public TrainTest withNormalization(Normalization n) {
        return new TrainTest(train.withNormalization(n), test.withNormalization(n));
    }

    /**
     * One line saying what is used, for every command to print, e.g.
     * "Fashion-MNIST full set (/usr/share/datasets/fashion-mnist): 60000 train / 10000 test".
     */
    public String describe() {
        return source() + ": " + train.size() + " train / " + test.size() + " test";
    }
}
