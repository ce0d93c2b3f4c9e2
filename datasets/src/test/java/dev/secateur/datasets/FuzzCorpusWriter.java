package dev.secateur.datasets;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpus of {@link DatasetReadersFuzzTest}: small valid IDX and CIFAR-10
 * files (raw and gzip) and the hostile cases (gzip bombs, headers claiming gigabytes, truncated
 * and trailing data, labels out of range). Run only on request, from the datasets module:
 * {@code mvn -o -q verify -pl datasets -am -Dtest=FuzzCorpusWriter -Dsurefire.failIfNoSpecifiedTests=false -Dsecateur.fuzz.writeCorpus=true}.
 */
@EnabledIfSystemProperty(named = "secateur.fuzz.writeCorpus", matches = "true")
class FuzzCorpusWriter {
    private static final Path ROOT = Path.of("src/test/resources/dev/secateur/datasets/DatasetReadersFuzzTestInputs");

    @Test
    void write() throws Exception {
        byte[] images = idx(0x803, new int[]{3, 4, 5}, 60);
        byte[] labels = idx(0x801, new int[]{3}, 3);
        Path im = dir("idxImages"), lb = dir("idxLabels"), cf = dir("cifar");
        write(im, "valid", images);
        write(im, "valid.gz", gzip(images));
        write(im, "truncated", Arrays.copyOf(images, images.length - 7));
        write(im, "trailing-data", Arrays.copyOf(images, images.length + 3));
        write(im, "header-claims-4GB.gz", gzip(idx(0x803, new int[]{60000, 256, 256}, 0)));
        write(im, "header-claims-2^31", idx(0x803, new int[]{65536, 65536, 1}, 0));
        write(im, "gzip-bomb.gz", gzip(idx(0x803, new int[]{1000, 100, 100}, 10_000_000)));
        write(im, "bad-magic", idx(0x804, new int[]{1, 1, 1, 1}, 1));
        write(lb, "valid", labels);
        write(lb, "valid.gz", gzip(labels));
        byte[] outOfRange = idx(0x801, new int[]{2}, 2);
        outOfRange[9] = 12;
        write(lb, "label-out-of-range", outOfRange);
        write(lb, "gzip-bomb.gz", gzip(idx(0x801, new int[]{8_000_000}, 8_000_000)));
        byte[] cifar = new byte[2 * CifarReader.RECORD_BYTES];
        for (int i = 0; i < cifar.length; i++) cifar[i] = (byte) (i * 31);
        cifar[0] = 3;
        cifar[CifarReader.RECORD_BYTES] = 9;
        write(cf, "valid", cifar);
        write(cf, "valid.gz", gzip(cifar));
        write(cf, "truncated", Arrays.copyOf(cifar, cifar.length - 100));
        byte[] badLabel = cifar.clone();
        badLabel[0] = (byte) 200;
        write(cf, "label-out-of-range", badLabel);
        write(cf, "gzip-bomb.gz", gzip(new byte[CifarReader.RECORD_BYTES * 600]));
    }

    /** An IDX file: magic, dimensions, then {@code dataBytes} bytes of a pattern (labels below 10), zeros for a bomb. */
    private static byte[] idx(int magic, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        int m = magic == 0x801 ? 10 : 256;
        for (int i = 0; i < dataBytes; i++) b.put((byte) (dataBytes > 1_000_000 ? 0 : (i * 7) % m));
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    private static Path dir(String rel) throws Exception {
        Path d = ROOT.resolve(rel);
        Files.createDirectories(d);
        return d;
    }

    private static void write(Path dir, String name, byte[] bytes) throws Exception {
        Files.write(dir.resolve(name), bytes);
    }
}
