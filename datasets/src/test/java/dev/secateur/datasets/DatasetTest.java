package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private final Dataset data = SmallData.random(12, 3, 4, 5, Normalization.CIFAR10);

    @Test
    void imagesTensorIsNormalizedPerChannel() {
        Tensor t = data.images();
        assertEquals(List.of(12, 3, 4, 5), List.of(t.dim(0), t.dim(1), t.dim(2), t.dim(3)));
        float[] mean = {0.4914f, 0.4822f, 0.4465f}, std = {0.2470f, 0.2435f, 0.2616f};
        for (int i = 0; i < 12; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 5; x++) {
                        int raw = data.rawPixel(i, (c * 4 + y) * 5 + x);
                        assertEquals((raw / 255.0 - mean[c]) / std[c], t.get(i, c, y, x), 1e-5);
                    }
                }
            }
        }
        assertArrayEquals(data.image(7).toArray(), t.slice(7, 8).toArray());
    }

    @Test
    void withNormalizationSharesPixelsButChangesValues() {
        Dataset unit = data.withNormalization(Normalization.UNIT);
        assertEquals(data.rawPixel(3, 17) / 255f, unit.image(3).getFlat(17), 1e-7f);
        assertNotEquals(data.image(3).getFlat(17), unit.image(3).getFlat(17));
        assertThrows(IllegalArgumentException.class, () -> SmallData.random(2, 2, 2, 2, Normalization.CIFAR10));
    }

    @Test
    void labelsCannotBeChangedFromOutside() {
        int[] l = data.labels();
        l[0] = 9;
        assertEquals(0, data.label(0));
    }

    @Test
    void subsetCopiesTheChosenImagesInOrder() {
        Dataset s = data.subset(new int[] {5, 2, 5});
        assertEquals(3, s.size());
        assertEquals(data.label(5), s.label(0));
        assertEquals(data.label(2), s.label(1));
        assertArrayEquals(data.image(5).toArray(), s.image(2).toArray());
        assertEquals(4, data.subset(8, 12).size());
        assertTrue(s.source().contains("subset of 3"), s.source());
        assertThrows(IndexOutOfBoundsException.class, () -> data.subset(new int[] {12}));
    }

    @Test
    void badConstructionIsRejectedWithReasons() {
        ImageBytes px = new ImageBytes(2, 1, 2, 2, new byte[8]);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of("x", "y", false, SmallData.TEN, px, new int[] {1}, Normalization.UNIT));
        assertTrue(e.getMessage().contains("2 images but 1 labels"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of("x", "y", false, List.of("a", "b"), px, new int[] {1, 2}, Normalization.UNIT));
        assertTrue(f.getMessage().contains("label 2 of image 1"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Normalization.of(new float[] {0f}, new float[] {0f}));
    }
}
