package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    private static final int REC = CifarReader.RECORD_BYTES;
    @TempDir Path dir;

    @Test
    void recordsRoundTripRawAndGzip() throws Exception {
        int[] labels = {3, 0, 9, 5, 1};
        byte[] file = TestFiles.cifar(labels, 11);
        for (boolean gz : new boolean[] {false, true}) {
            Path p = TestFiles.write(dir.resolve("batch.bin" + (gz ? ".gz" : "")), gz ? TestFiles.gzip(file) : file);
            LabeledImages li = CifarReader.read(p);
            assertArrayEquals(labels, li.labels());
            assertEquals(5, li.images().count());
            assertEquals(3, li.images().channels());
            assertEquals(32, li.images().height());
            for (int i = 0; i < labels.length; i++) {
                assertArrayEquals(Arrays.copyOfRange(file, i * REC + 1, (i + 1) * REC),
                        Arrays.copyOfRange(li.images().pixels(), i * (REC - 1), (i + 1) * (REC - 1)), "record " + i);
            }
        }
    }

    @Test
    void lengthNotAMultipleOfTheRecordNamesTheCutRecord() {
        byte[] file = TestFiles.truncate(TestFiles.cifar(new int[] {1, 2, 3}, 12), 2 * REC + 500);
        for (boolean gz : new boolean[] {false, true}) {
            Path p = TestFiles.write(dir.resolve("cut.bin" + (gz ? ".gz" : "")), gz ? TestFiles.gzip(file) : file);
            var e = assertThrows(DatasetFormatException.class, () -> CifarReader.read(p));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("offset " + 2 * REC) && e.getMessage().contains("truncated record 2")
                    && e.getMessage().contains("3073"), e.getMessage());
        }
    }

    @Test
    void labelOutOfRangeNamesRecordAndOffset() {
        Path p = TestFiles.write(dir.resolve("bad.bin"), TestFiles.cifar(new int[] {1, 2, 10, 3}, 13));
        var e = assertThrows(DatasetFormatException.class, () -> CifarReader.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + 2 * REC) && e.getMessage().contains("label 10 of record 2")
                && e.getMessage().contains("0..9"), e.getMessage());
    }

    @Test
    void emptyFileIsRejected() {
        Path p = TestFiles.write(dir.resolve("empty.bin"), new byte[0]);
        var e = assertThrows(DatasetFormatException.class, () -> CifarReader.read(p));
        assertTrue(e.getMessage().contains("offset 0") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void cifar10LoadsSixFilesFromADirectory() throws Exception {
        Path root = dir.resolve("data");
        Path d = root.resolve("cifar-10-batches-bin");
        for (int b = 1; b <= 5; b++) {
            TestFiles.write(d.resolve("data_batch_" + b + ".bin"), TestFiles.cifar(TestFiles.cyclicLabels(4, 10), b));
        }
        TestFiles.write(d.resolve("test_batch.bin.gz"), TestFiles.gzip(TestFiles.cifar(TestFiles.cyclicLabels(3, 10), 9)));
        TrainTest tt = Cifar10.load(root);
        assertEquals(20, tt.train().size());
        assertEquals(3, tt.test().size());
        assertEquals(3, tt.train().channels());
        assertEquals(Cifar10.CLASS_NAMES, tt.train().classNames());
        assertTrue(tt.describe().contains("CIFAR-10 full set") && !tt.isSample(), tt.describe());
        assertEquals(Normalization.CIFAR10, tt.train().normalization());
    }

    @Test
    void cifar10WithoutDataIsAnErrorNotASample() {
        var e = assertThrows(DataNotFoundException.class, () -> DataLocator.cifar10(java.util.Map.of()).locate(null));
        assertTrue(e.getMessage().contains("CIFAR-10 not found"), e.getMessage());
    }
}
