package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secateur.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private static final Dataset DATA = SmallData.random(103, 1, 5, 4, Normalization.FASHION_MNIST);

    @Property(tries = 100)
    void everyExampleAppearsExactlyOncePerEpoch(@ForAll @IntRange(min = 0, max = 60) int n, @ForAll @IntRange(min = 1, max = 70) int batch,
                                                @ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int epoch) {
        Dataset d = SmallData.random(n, 1, 2, 3, Normalization.UNIT);
        Batcher b = Batcher.shuffled(d, batch, seed);
        int[] seen = new int[n];
        int batches = 0, examples = 0;
        for (Batch x : b.epoch(epoch)) {
            batches++;
            assertTrue(x.size() >= 1 && x.size() <= batch);
            assertEquals(x.size(), x.labels().length);
            assertEquals(x.size(), x.images().dim(0));
            for (int k = 0; k < x.size(); k++) {
                seen[x.index(k)]++;
                examples++;
            }
        }
        int[] ones = new int[n];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, seen);
        assertEquals(b.batchesPerEpoch(), batches);
        assertEquals(n, examples);
    }

    @Test
    void sameSeedSameOrderOtherEpochOrSeedAnotherOrder() {
        Batcher a = Batcher.shuffled(DATA, 10, 42), b = Batcher.shuffled(DATA, 10, 42);
        assertArrayEquals(a.order(0), b.order(0));
        assertArrayEquals(a.order(3), b.order(3));
        assertFalse(Arrays.equals(a.order(0), a.order(1)));
        assertFalse(Arrays.equals(a.order(1), a.order(2)));
        assertFalse(Arrays.equals(a.order(0), Batcher.shuffled(DATA, 10, 43).order(0)));
        assertEquals(orderOfBatches(a, 2), orderOfBatches(b, 2));
        assertEquals(orderOfBatches(a, 2), Arrays.stream(a.order(2)).boxed().toList());
        // An epoch's order does not depend on which epochs were visited before.
        orderOfBatches(b, 0);
        orderOfBatches(b, 1);
        assertEquals(orderOfBatches(a, 4), orderOfBatches(b, 4));
    }

    @Test
    void sequentialKeepsDatasetOrder() {
        Batcher s = Batcher.sequential(DATA, 16);
        List<Integer> order = orderOfBatches(s, 0);
        for (int i = 0; i < DATA.size(); i++) assertEquals(i, order.get(i));
        assertEquals(order, orderOfBatches(s, 7));
    }

    @Test
    void batchesHoldNormalizedImagesAndLabelsOfTheirIndices() {
        Batcher b = Batcher.shuffled(DATA, 16, 5);
        float[] expected = new float[DATA.imageSize()];
        for (Batch x : b.epoch(1)) {
            assertEquals(List.of(x.size(), 1, 5, 4), List.of(x.images().dim(0), x.images().dim(1), x.images().dim(2), x.images().dim(3)));
            for (int k = 0; k < x.size(); k++) {
                int i = x.index(k);
                assertEquals(DATA.label(i), x.labels()[k]);
                DATA.copyImage(i, expected, 0);
                Tensor row = x.images().slice(k, k + 1);
                for (int j = 0; j < expected.length; j++) assertEquals(expected[j], row.getFlat(j), 0f);
                assertEquals((DATA.rawPixel(i, 3) / 255.0 - 0.2860) / 0.3530, row.getFlat(3), 1e-5);
            }
        }
    }

    @Test
    void buffersAreReusedAndTheLastBatchIsAViewOfThem() {
        Batcher b = Batcher.shuffled(DATA, 16, 5); // 103 = 6 x 16 + 7
        List<Tensor> tensors = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        Batch first = null;
        for (int e = 0; e < 2; e++) {
            for (Batch x : b.epoch(e)) {
                if (first == null) first = x;
                assertSame(first, x);
                tensors.add(x.images());
                labels.add(x.labels());
            }
        }
        assertEquals(14, tensors.size());
        for (int i = 0; i < 14; i++) {
            int inEpoch = i % 7;
            Tensor t = tensors.get(i);
            assertSame(tensors.get(0).data(), t.data(), "one backing array for every batch");
            assertSame(inEpoch == 6 ? tensors.get(6) : tensors.get(0), t);
            assertSame(inEpoch == 6 ? labels.get(6) : labels.get(0), labels.get(i));
        }
        assertEquals(7, tensors.get(6).dim(0));
        assertEquals(7, labels.get(6).length);
    }

    @Test
    void dropLastSkipsTheIncompleteBatch() {
        Batcher b = Batcher.shuffled(DATA, 16, 5).dropLast();
        assertEquals(6, b.batchesPerEpoch());
        assertEquals(96, b.examplesPerEpoch());
        int count = 0;
        for (Batch x : b.epoch(0)) {
            assertEquals(16, x.size());
            count++;
        }
        assertEquals(6, count);
    }

    @Test
    void batchLargerThanTheDatasetGivesOneBatch() {
        Batcher b = Batcher.sequential(DATA, 500);
        assertEquals(1, b.batchesPerEpoch());
        Batch x = b.epoch(0).iterator().next();
        assertEquals(103, x.size());
        assertEquals(0, Batcher.sequential(DATA, 500).dropLast().batchesPerEpoch());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Batcher.shuffled(DATA, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Batcher.shuffled(DATA, 4, 1).epoch(-1));
        var it = Batcher.sequential(DATA, 100).epoch(0).iterator();
        it.next();
        it.next();
        assertThrows(java.util.NoSuchElementException.class, it::next);
    }

    @Test
    void augmentationIsSeededAndChangesImages() {
        Augmentation crop = Augmentation.randomCrop(2).andThen(Augmentation.horizontalFlip());
        Batcher a = Batcher.shuffled(DATA, 16, 9).augmented(crop), b = Batcher.shuffled(DATA, 16, 9).augmented(crop);
        float[] first = snapshot(a, 3), again = snapshot(b, 3);
        assertArrayEquals(first, again, "same seed and epoch give the same augmented batches");
        assertFalse(Arrays.equals(first, snapshot(Batcher.shuffled(DATA, 16, 9), 3)), "augmentation changed something");
    }

    private static float[] snapshot(Batcher b, int epoch) {
        float[] all = new float[b.examplesPerEpoch() * b.dataset().imageSize()];
        int at = 0;
        for (Batch x : b.epoch(epoch)) {
            float[] part = x.images().toArray();
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static List<Integer> orderOfBatches(Batcher b, int epoch) {
        List<Integer> out = new ArrayList<>();
        for (Batch x : b.epoch(epoch)) for (int k = 0; k < x.size(); k++) out.add(x.index(k));
        return out;
    }
}
