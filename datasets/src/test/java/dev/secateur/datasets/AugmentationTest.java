package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class AugmentationTest {
    @Property(tries = 200)
    void inPlaceShiftMatchesACopyingReference(@ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                             @ForAll @IntRange(min = -10, max = 10) int dy, @ForAll @IntRange(min = -10, max = 10) int dx) {
        byte[] img = TestFiles.randomBytes(h * 131L + w, h * w + 3);
        byte[] expected = img.clone();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sy = y - dy, sx = x - dx;
                expected[3 + y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? img[3 + sy * w + sx] : 0;
            }
        }
        ImageShift.shift(img, 3, h, w, dy, dx);
        assertArrayEquals(expected, img);
    }

    @Property(tries = 50)
    void flipMirrorsEveryRowAndTwiceIsIdentity(@ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 1, max = 7) int h,
                                               @ForAll @IntRange(min = 1, max = 7) int w) {
        byte[] img = TestFiles.randomBytes(c + h * 10L + w * 100L, c * h * w);
        byte[] orig = img.clone();
        Augmentation flip = Augmentation.horizontalFlip();
        flip.apply(img, c, h, w, coinLandingOn(true));
        for (int row = 0; row < c * h; row++) {
            for (int x = 0; x < w; x++) {
                if (img[row * w + x] != orig[row * w + (w - 1 - x)]) throw new AssertionError("row " + row + " not mirrored");
            }
        }
        byte[] flipped = img.clone();
        flip.apply(img, c, h, w, coinLandingOn(false));
        assertArrayEquals(flipped, img, "tails: unchanged");
        flip.apply(img, c, h, w, coinLandingOn(true));
        assertArrayEquals(orig, img);
    }

    /** A generator whose first {@code nextBoolean()} is {@code side} (SplittableRandom is final: search a seed). */
    private static SplittableRandom coinLandingOn(boolean side) {
        for (long seed = 0; ; seed++) {
            if (new SplittableRandom(seed).nextBoolean() == side) return new SplittableRandom(seed);
        }
    }
}
