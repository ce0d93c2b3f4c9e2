package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gzip files that inflate far beyond what their size or header justifies, and paths that are not
 * regular files: each is refused with one format error naming the file, never read to the end.
 */
class DecompressionBombTest {
    /** Inflated size of the bombs below: small enough to build quickly, far above the ratio bound. */
    private static final int BOMB_BYTES = 64 << 20;

    @TempDir
    Path dir;

    /** Writes a gzip file: {@code header} (big-endian ints) then {@code zeros} zero bytes. */
    private Path gzipOf(String name, int[] header, long zeros) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream raw = Files.newOutputStream(p);
             DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw, 1 << 16))) {
            for (int h : header) out.writeInt(h);
            byte[] block = new byte[1 << 16];
            for (long left = zeros; left > 0; left -= block.length) out.write(block, 0, (int) Math.min(block.length, left));
        }
        return p;
    }

    @Test
    void idxHeaderClaimingTwoGigabytesFromATinyGzipIsRefusedBeforeInflating() throws Exception {
        Path p = gzipOf("bomb-idx.gz", new int[] {IdxReader.IMAGES_MAGIC, 50_000, 200, 200}, BOMB_BYTES);
        assertTrue(Files.size(p) * BoundedReader.MAX_GZIP_RATIO < 2_000_000_000L, "the test file must be a bomb");
        DatasetFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p)));
        assertTrue(e.getMessage().startsWith(p + " (decompressed)"), e.getMessage());
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
        assertEquals(16, e.offset());
    }

    @Test
    void idxDataBeyondWhatTheHeaderDeclaresIsRefusedRightAfterIt() throws Exception {
        Path p = gzipOf("trailing-idx.gz", new int[] {IdxReader.IMAGES_MAGIC, 10, 28, 28}, BOMB_BYTES);
        DatasetFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(p)));
        assertTrue(e.getMessage().contains("trailing data"), e.getMessage());
        assertEquals(16 + 10 * 28 * 28, e.offset());
    }

    @Test
    void cifarGzipBombIsCutAtTheRatioBound() throws Exception {
        Path p = gzipOf("bomb-cifar.gz", new int[0], BOMB_BYTES);
        long bound = BoundedReader.gzipCeiling(Files.size(p));
        assertTrue(bound < BOMB_BYTES, "the test file must be a bomb");
        DatasetFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(DatasetFormatException.class, () -> CifarReader.read(p)));
        assertTrue(e.getMessage().startsWith(p + " (decompressed)"), e.getMessage());
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
        assertEquals(bound, e.offset());
    }

    @Test
    void honestGzipFilesStillLoad() throws Exception {
        byte[] cifar = TestFiles.cifar(new int[] {3, 7, 1}, 4);
        Path c = dir.resolve("ok-cifar.gz");
        Files.write(c, TestFiles.gzip(cifar));
        assertEquals(3, CifarReader.read(c).labels().length);
        Path i = dir.resolve("ok-idx.gz");
        Files.write(i, TestFiles.gzip(TestFiles.imagesIdx(5, 6, 7, 1)));
        assertEquals(5, IdxReader.readImages(i).count());
    }

    @Test
    void directoriesAndFifosAreRefusedWithoutBlocking() throws Exception {
        DatasetFormatException d = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(dir));
        assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
        assertThrows(DatasetFormatException.class, () -> CifarReader.read(dir));
        Path fifo = dir.resolve("pipe");
        int rc;
        try {
            rc = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        } catch (IOException noMkfifo) {
            rc = -1;
        }
        assumeTrue(rc == 0, "mkfifo is not available here");
        DatasetFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(DatasetFormatException.class, () -> IdxReader.readLabels(fifo, 10)));
        assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
        assertThrows(DatasetFormatException.class, () -> CifarReader.read(fifo));
    }
}
