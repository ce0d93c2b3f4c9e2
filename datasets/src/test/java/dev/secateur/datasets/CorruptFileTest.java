package dev.secateur.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Whatever is done to a valid file, reading it either succeeds or fails with a format error. */
class CorruptFileTest {
    private static final byte[] IMAGES = TestFiles.imagesIdx(6, 7, 5, 21);
    private static final byte[] IMAGES_GZ = TestFiles.gzip(IMAGES);
    private static final byte[] CIFAR = TestFiles.cifar(new int[] {4, 1}, 22);
    private static final byte[] CIFAR_GZ = TestFiles.gzip(CIFAR);

    @Property(tries = 150)
    void anyTruncationOfAnImageFileIsAFormatErrorNamingTheFile(@ForAll @IntRange(min = 0, max = 100_000) int cutSeed, @ForAll boolean gz) {
        byte[] whole = gz ? IMAGES_GZ : IMAGES;
        byte[] cut = Arrays.copyOf(whole, cutSeed % whole.length);
        DatasetFormatException e = expectFormatError(() -> IdxReader.readImages(new ByteArrayInputStream(cut), "cut-file", gz ? -1 : cut.length));
        assertTrue(e.getMessage().startsWith("cut-file"), e.getMessage());
    }

    @Property(tries = 150)
    void anyTruncationOfACifarFileIsAFormatError(@ForAll @IntRange(min = 0, max = 100_000) int cutSeed, @ForAll boolean gz) {
        byte[] whole = gz ? CIFAR_GZ : CIFAR;
        byte[] cut = Arrays.copyOf(whole, cutSeed % whole.length);
        if (!gz && cut.length == CifarReader.RECORD_BYTES) return; // one complete record is a valid file
        expectFormatError(() -> CifarReader.read(new ByteArrayInputStream(cut), "cut-file", gz ? -1 : cut.length, 10));
    }

    @Property(tries = 200)
    void flippedBytesGiveTheSameDataOrAFormatError(@ForAll @IntRange(min = 0, max = 100_000) int at, @ForAll @IntRange(min = 1, max = 255) int mask,
                                                   @ForAll boolean gz) {
        byte[] bad = (gz ? IMAGES_GZ : IMAGES).clone();
        bad[at % bad.length] ^= (byte) mask;
        try {
            ImageBytes img = IdxReader.readImages(new ByteArrayInputStream(bad), "flipped", gz ? -1 : bad.length);
            // Accepted only when the header survived: then the pixels are the (possibly changed) data.
            byte[] data = gz ? null : Arrays.copyOfRange(bad, 16, bad.length);
            if (data != null) assertArrayEquals(data, img.pixels());
            assertTrue(img.count() == 6 && img.height() == 7 && img.width() == 5);
        } catch (DatasetFormatException expected) {
            assertTrue(expected.getMessage().startsWith("flipped"), expected.getMessage());
        } catch (Exception other) {
            throw new AssertionError("expected a DatasetFormatException, got " + other, other);
        }
    }

    private interface Read {
        Object run() throws Exception;
    }

    private static DatasetFormatException expectFormatError(Read read) {
        try {
            read.run();
        } catch (DatasetFormatException e) {
            return e;
        } catch (Exception other) {
            throw new AssertionError("expected a DatasetFormatException, got " + other, other);
        }
        throw new AssertionError("a damaged file was accepted");
    }
}
