package dev.secateur.datasets;

import java.util.List;

/** In-memory datasets for tests. */
final class SmallData {
    private SmallData() {}

    static final List<String> TEN = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** {@code n} random images of {@code c x h x w} with labels {@code i % 10}. */
    static Dataset random(int n, int c, int h, int w, Normalization norm) {
        ImageBytes px = new ImageBytes(n, c, h, w, TestFiles.randomBytes(n * 7L + c, n * c * h * w));
        return Dataset.of("test set", "generated", false, TEN, px, TestFiles.cyclicLabels(n, 10), norm);
    }
}
