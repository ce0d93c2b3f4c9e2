package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir Path tmp;

    @Test
    void bundledSampleLoadsWithBalancedClassesAndSaysItIsTheSample() throws Exception {
        TrainTest s = FashionMnist.loadSample(Normalization.FASHION_MNIST);
        assertTrue(s.isSample());
        assertTrue(s.train().isSample() && s.test().isSample());
        assertEquals(4000, s.train().size());
        assertEquals(1000, s.test().size());
        int[] trainCounts = new int[10], testCounts = new int[10];
        Arrays.fill(trainCounts, 400);
        Arrays.fill(testCounts, 100);
        assertArrayEquals(trainCounts, s.train().classCounts());
        assertArrayEquals(testCounts, s.test().classCounts());
        assertEquals(28, s.train().height());
        assertEquals(28, s.train().width());
        assertEquals(1, s.train().channels());
        assertTrue(s.describe().contains("bundled sample (4000 train / 1000 test)"), s.describe());
        assertFalse(allPixelsEqual(s.train()), "sample images must not be blank");
    }

    @Test
    void locatorWithNothingElseLoadsTheSample() throws Exception {
        DataLocator.Location l = DataLocator.fashionMnist(Map.of(), tmp.resolve("absent")).locate(null);
        TrainTest s = FashionMnist.load(l, Normalization.FASHION_MNIST);
        assertTrue(s.isSample());
    }

    @Test
    void directoryLoadRoundTripsAndNamesItsSource() throws Exception {
        Path d = tmp.resolve("fm");
        TestFiles.fashionDir(d, 30, 20, true);
        TrainTest tt = FashionMnist.load(DataLocator.fashionMnist(Map.of(), null).locate(d), Normalization.UNIT);
        assertFalse(tt.isSample());
        assertEquals(30, tt.train().size());
        assertEquals(20, tt.test().size());
        assertTrue(tt.describe().contains(d.toString()) && tt.describe().contains("user-supplied subset") && !tt.describe().contains("full set"), tt.describe());
        byte[] expected = TestFiles.randomBytes(1, 30 * 784);
        for (int j = 0; j < 784; j += 97) assertEquals(expected[5 * 784 + j] & 0xff, tt.train().rawPixel(5, j));
        assertEquals(FashionMnist.CLASS_NAMES.get(3), tt.train().classNames().get(tt.train().label(13)));
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFiles() {
        Path d = tmp.resolve("mismatch");
        TestFiles.fashionDir(d, 30, 20, false);
        TestFiles.write(d.resolve(FashionMnist.TRAIN_LABELS), TestFiles.labelsIdx(TestFiles.cyclicLabels(29, 10)));
        var e = assertThrows(DatasetFormatException.class, () -> FashionMnist.loadDirectory(d, "test", Normalization.UNIT));
        assertTrue(e.getMessage().contains(FashionMnist.TRAIN_LABELS) && e.getMessage().contains(FashionMnist.TRAIN_IMAGES)
                && e.getMessage().contains("29") && e.getMessage().contains("30"), e.getMessage());
    }

    @Test
    void fullSetFromTheDebianPackageHasTheOfficialCounts() throws Exception {
        Path sys = DataLocator.FASHION_MNIST_SYSTEM_DIR;
        Assumptions.assumeTrue(Files.isDirectory(sys), sys + " absent (install the Debian package dataset-fashion-mnist)");
        TrainTest tt = FashionMnist.load(DataLocator.fashionMnist(Map.of(), sys).locate(null), Normalization.FASHION_MNIST);
        assertFalse(tt.isSample());
        assertEquals(60000, tt.train().size());
        assertEquals(10000, tt.test().size());
        int[] train = new int[10], test = new int[10];
        Arrays.fill(train, 6000);
        Arrays.fill(test, 1000);
        assertArrayEquals(train, tt.train().classCounts());
        assertArrayEquals(test, tt.test().classCounts());
        // The default normalization uses this set's statistics: mean ~0, std ~1.
        double sum = 0, sq = 0;
        float[] x = new float[784];
        for (int i = 0; i < tt.train().size(); i += 10) {
            tt.train().copyImage(i, x, 0);
            for (float v : x) { sum += v; sq += (double) v * v; }
        }
        long n = 6000L * 784;
        double mean = sum / n, std = Math.sqrt(sq / n - mean * mean);
        assertEquals(0, mean, 0.01);
        assertEquals(1, std, 0.01);
    }

    private static boolean allPixelsEqual(Dataset d) {
        int first = d.rawPixel(0, 0);
        for (int i = 0; i < d.size(); i += 37) for (int j = 0; j < d.imageSize(); j += 13) if (d.rawPixel(i, j) != first) return false;
        return true;
    }
}
