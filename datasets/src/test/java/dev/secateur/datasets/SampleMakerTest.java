package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleMakerTest {
    @TempDir Path tmp;

    @Test
    void balancedTakesTheFirstImagesOfEachClassInOrder() {
        Dataset d = SmallData.random(50, 1, 3, 3, Normalization.UNIT); // labels i % 10
        Dataset s = SampleMaker.balanced(d, 2);
        assertEquals(20, s.size());
        for (int k = 0; k < 20; k++) {
            assertEquals(k % 10, s.label(k));
            assertArrayEquals(d.image(k).toArray(), s.image(k).toArray());
        }
    }

    @Test
    void writtenSampleReadsBackThroughTheLoader() throws Exception {
        Path src = tmp.resolve("full");
        TestFiles.fashionDir(src, 60, 30, false);
        Path out = tmp.resolve("sample");
        SampleMaker.main(new String[] {src.toString(), out.toString(), "3", "2"});
        TrainTest s = FashionMnist.load(DataLocator.fashionMnist(Map.of(), null).locate(out), Normalization.UNIT);
        assertEquals(30, s.train().size());
        assertEquals(20, s.test().size());
        TrainTest full = FashionMnist.loadDirectory(src, "full", Normalization.UNIT);
        assertArrayEquals(SampleMaker.balanced(full.train(), 3).images().toArray(), s.train().images().toArray());
    }

    @Test
    void bundledSampleIsWhatTheDocumentedCommandMakesFromTheFullSet() throws Exception {
        Path sys = DataLocator.FASHION_MNIST_SYSTEM_DIR;
        Assumptions.assumeTrue(Files.isDirectory(sys), sys + " absent (install the Debian package dataset-fashion-mnist)");
        TrainTest full = FashionMnist.loadDirectory(sys, "full", Normalization.UNIT);
        TrainTest sample = FashionMnist.loadSample(Normalization.UNIT);
        Dataset train = SampleMaker.balanced(full.train(), 400), test = SampleMaker.balanced(full.test(), 100);
        assertArrayEquals(train.labels(), sample.train().labels());
        assertArrayEquals(test.labels(), sample.test().labels());
        assertArrayEquals(train.images().toArray(), sample.train().images().toArray());
        assertArrayEquals(test.images().toArray(), sample.test().images().toArray());
    }
}
