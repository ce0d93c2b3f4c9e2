package dev.secateur.datasets;

import java.util.SplittableRandom;

/**
 * A random change to one training image, applied by a {@link Batcher} to the 8-bit pixels before
 * normalization (so padding is true black, as in the usual recipes). Implementations work in
 * place on {@code image[0 .. channels*height*width)} (CHW) and take all randomness from
 * {@code random}, which keeps a seeded run reproducible.
 */
@FunctionalInterface
public interface Augmentation {
    /** Changes {@code image} (CHW bytes, exactly one image) in place, drawing only from {@code random}. */
    void apply(byte[] image, int channels, int height, int width, SplittableRandom random);

    /** Mirrors the image left-right with probability 1/2. */
    static Augmentation horizontalFlip() {
        return (image, channels, height, width, random) -> {
            if (!random.nextBoolean()) return;
            for (int row = 0; row < channels * height; row++) {
                for (int a = row * width, b = a + width - 1; a < b; a++, b--) {
                    byte t = image[a];
                    image[a] = image[b];
                    image[b] = t;
                }
            }
        };
    }

    /**
     * A random crop of the image padded by {@code padding} black pixels on every side, i.e. a
     * random shift by -padding..padding in each direction with black filling in.
     */
    static Augmentation randomCrop(int padding) {
        if (padding < 0) throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        return (image, channels, height, width, random) -> {
            int dy = random.nextInt(-padding, padding + 1), dx = random.nextInt(-padding, padding + 1);
            for (int c = 0; c < channels; c++) ImageShift.shift(image, c * height * width, height, width, dy, dx);
        };
    }

    /** This augmentation, then {@code next}. */
    default Augmentation andThen(Augmentation next) {
        return (image, channels, height, width, random) -> {
            apply(image, channels, height, width, random);
            next.apply(image, channels, height, width, random);
        };
    }
}
