package dev.secateur.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * MNIST handwritten digits: the same four IDX files (and names) as Fashion-MNIST, read by the
 * same reader. There is no bundled sample and no system package: the data comes from an
 * explicit directory or {@code $SECATEUR_DATA} (or its {@code mnist} sub-folder).
 */
public final class Mnist {
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private Mnist() {}

    /** Loads MNIST from {@code explicit} if given, else from {@code $SECATEUR_DATA}. */
    public static TrainTest load(Path explicit) throws IOException {
        return FashionMnist.loadIdx(DataLocator.mnist().locate(explicit), "MNIST", CLASS_NAMES, Normalization.MNIST);
    }
}
