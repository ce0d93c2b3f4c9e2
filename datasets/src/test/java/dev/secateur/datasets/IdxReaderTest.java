package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir Path dir;

    @Property(tries = 60)
    void imagesAndLabelsRoundTripRawAndGzip(@ForAll @IntRange(min = 1, max = 40) int count, @ForAll @IntRange(min = 1, max = 9) int rows,
                                            @ForAll @IntRange(min = 1, max = 9) int cols, @ForAll boolean gz) throws Exception {
        byte[] pixels = TestFiles.randomBytes(count * 31L + rows, count * rows * cols);
        byte[] file = TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
        byte[] content = gz ? TestFiles.gzip(file) : file;
        ImageBytes img = IdxReader.readImages(new ByteArrayInputStream(content), "mem", gz ? -1 : content.length);
        assertEquals(count, img.count());
        assertEquals(1, img.channels());
        assertEquals(rows, img.height());
        assertEquals(cols, img.width());
        assertArrayEquals(pixels, img.pixels());

        int[] labels = TestFiles.cyclicLabels(count, 10);
        byte[] lf = TestFiles.labelsIdx(labels);
        byte[] lc = gz ? TestFiles.gzip(lf) : lf;
        assertArrayEquals(labels, IdxReader.readLabels(new ByteArrayInputStream(lc), "mem", gz ? -1 : lc.length, 10));
    }

    @Test
    void readsFilesByPathWhetherOrNotCompressed() throws Exception {
        byte[] file = TestFiles.imagesIdx(5, 28, 28, 3);
        Path raw = TestFiles.write(dir.resolve("a-idx3-ubyte"), file);
        Path gz = TestFiles.write(dir.resolve("a-idx3-ubyte.gz"), TestFiles.gzip(file));
        assertArrayEquals(IdxReader.readImages(raw).pixels(), IdxReader.readImages(gz).pixels());
        assertArrayEquals(Arrays.copyOfRange(file, 16, file.length), IdxReader.readImages(gz).pixels());
    }

    @Test
    void truncatedRawFileNamesFileAndOffset() {
        byte[] file = TestFiles.truncate(TestFiles.imagesIdx(10, 28, 28, 4), 16 + 5 * 784 + 100);
        Path p = TestFiles.write(dir.resolve("short-images"), file);
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + file.length), e.getMessage());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("inside image 5 of 10"), e.getMessage());
        assertEquals(file.length, e.offset());
    }

    @Test
    void truncatedGzipDataNamesImageAndOffset() {
        byte[] file = TestFiles.truncate(TestFiles.imagesIdx(10, 28, 28, 5), 16 + 5 * 784 + 100);
        Path p = TestFiles.write(dir.resolve("short-images.gz"), TestFiles.gzip(file));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + file.length), e.getMessage());
        assertTrue(e.getMessage().contains("image 5 of 10"), e.getMessage());
    }

    @Test
    void cutOffGzipStreamIsAFormatError() {
        byte[] gz = TestFiles.gzip(TestFiles.imagesIdx(10, 28, 28, 6));
        Path p = TestFiles.write(dir.resolve("cut.gz"), TestFiles.truncate(gz, gz.length / 2));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] file = TestFiles.imagesIdx(3, 4, 4, 7);
        byte[] longer = Arrays.copyOf(file, file.length + 1);
        Path raw = TestFiles.write(dir.resolve("long"), longer);
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(raw));
        assertTrue(e.getMessage().contains("offset " + file.length) && e.getMessage().contains("trailing"), e.getMessage());
        Path gz = TestFiles.write(dir.resolve("long.gz"), TestFiles.gzip(longer));
        var g = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(gz));
        assertTrue(g.getMessage().contains("offset " + file.length) && g.getMessage().contains("trailing"), g.getMessage());
    }

    @Test
    void wrongMagicSaysWhatWasExpected() {
        Path p = TestFiles.write(dir.resolve("labels-as-images"), TestFiles.labelsIdx(1, 2, 3));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset 0") && e.getMessage().contains("0x00000801")
                && e.getMessage().contains("expected 0x00000803"), e.getMessage());
    }

    @Test
    void emptyAndHeaderOnlyFilesAreRejected() {
        Path empty = TestFiles.write(dir.resolve("empty"), new byte[0]);
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readLabels(empty, 10));
        assertTrue(e.getMessage().contains("offset 0") && e.getMessage().contains("magic"), e.getMessage());
        Path cut = TestFiles.write(dir.resolve("cut-header"), TestFiles.truncate(TestFiles.imagesIdx(2, 2, 2, 1), 10));
        var c = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(cut));
        assertTrue(c.getMessage().contains("offset 10") && c.getMessage().contains("dimension 1"), c.getMessage());
    }

    @Test
    void dimensionsWhoseProductOverflowsAnArrayAreRejectedAtTheDimensionThatOverflows() {
        Path p = TestFiles.write(dir.resolve("wide"), TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {70000, 40000, 28}, new byte[9]));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains("offset 8") && e.getMessage().contains("70000x40000 declare more than"), e.getMessage());
    }

    @Test
    void zeroDimensionIsRejected() {
        Path p = TestFiles.write(dir.resolve("zero"), TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {3, 0, 28}, new byte[0]));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p));
        assertTrue(e.getMessage().contains("offset 8") && e.getMessage().contains("dimension 1 is 0"), e.getMessage());
    }

    @Test
    void twoToThe31ImagesFailWithoutAllocating() {
        byte[] header = TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {Integer.MIN_VALUE, 28, 28}, new byte[100]);
        for (boolean gz : new boolean[] {false, true}) {
            Path p = TestFiles.write(dir.resolve("huge" + (gz ? ".gz" : "")), gz ? TestFiles.gzip(header) : header);
            var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("offset 4") && e.getMessage().contains("2147483648"), e.getMessage());
        }
    }

    @Test
    void largeButRepresentableHeaderOnASmallFileAllocatesLittle() {
        // 2e9 bytes declared: fits an array, so only the bounded reading protects us.
        byte[] file = TestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {2000, 1000, 1000}, TestFiles.randomBytes(1, 5000));
        Path raw = TestFiles.write(dir.resolve("big-raw"), file);
        Path gz = TestFiles.write(dir.resolve("big.gz"), TestFiles.gzip(file));
        for (Path p : new Path[] {raw, gz}) {
            var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p));
            // The raw file is caught by its length; the gzip one even earlier, by what its size can inflate to.
            String why = p == raw ? "truncated" : "decompression bomb";
            assertTrue(e.getMessage().contains(why) && e.getMessage().contains("2000000000"), e.getMessage());
            long allocated = TestFiles.allocatedBy(() -> IdxReader.readImages(p));
            assertTrue(allocated < 16L << 20, p + ": allocated " + allocated + " bytes for a " + file.length + "-byte file");
        }
    }

    @Test
    void labelOutOfRangeNamesItemAndOffset() throws Exception {
        Path p = TestFiles.write(dir.resolve("bad-labels"), TestFiles.labelsIdx(0, 9, 3, 10, 2));
        var e = assertThrows(DatasetFormatException.class, () -> IdxReader.readLabels(p, 10));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset 11") && e.getMessage().contains("label 10 of item 3")
                && e.getMessage().contains("0..9"), e.getMessage());
        assertArrayEquals(new int[] {0, 9, 3, 10, 2}, IdxReader.readLabels(p, 11), "valid with 11 classes");
    }
}
