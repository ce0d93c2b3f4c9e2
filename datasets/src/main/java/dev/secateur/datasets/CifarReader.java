package dev.secateur.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads CIFAR-10 binary batches ({@code data_batch_N.bin}, {@code test_batch.bin}): records of
 * one label byte followed by 3072 pixel bytes (3 x 32 x 32, channel-major: all red, then green,
 * then blue). Raw or gzip-compressed (detected from the content).
 *
 * <p>The length must be a positive multiple of 3073 (checked against the file size before
 * reading raw files; gzip data is read in growing chunks up to a bound) and every label must be
 * below the class count; failures are {@link DatasetFormatException}s naming file and offset.
 */
public final class CifarReader {
    public static final int CHANNELS = 3, HEIGHT = 32, WIDTH = 32;
    /** Bytes per record: the label byte, then the image. */
    public static final int RECORD_BYTES = 1 + CHANNELS * HEIGHT * WIDTH;
    /** The most records one file may hold (the whole of CIFAR-10/100 is 60000). */
    static final int MAX_RECORDS = 100_000;

    private CifarReader() {}

    /** Reads a CIFAR-10 batch file (labels 0..9). */
    public static LabeledImages read(Path file) throws IOException {
        return read(file, 10);
    }

    /** Reads a batch file in the CIFAR-10 layout with labels in {@code [0, numClasses)}. */
    public static LabeledImages read(Path file, int numClasses) throws IOException {
        BoundedReader.requireRegularFile(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file), numClasses);
        }
    }

    /**
     * Reads from a stream; {@code fileLength} is its length when known (checked before reading)
     * or -1.
     */
    public static LabeledImages read(InputStream raw, String name, long fileLength, int numClasses) throws IOException {
        if (numClasses <= 0 || numClasses > 256) throw new IllegalArgumentException("numClasses must be in 1..256, got " + numClasses);
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        boolean gzip = IdxReader.isGzip(buffered);
        String where = gzip ? name + " (decompressed)" : name;
        if (!gzip && fileLength >= 0) {
            checkLength(where, fileLength);
            long heap = BoundedReader.heapCeiling();
            if (fileLength > heap) {
                throw new DatasetFormatException(where, 0, "file of " + fileLength + " bytes is larger than the " + heap
                        + " this JVM can hold (1/" + BoundedReader.HEAP_FRACTION + " of its maximum heap; raise -Xmx)");
            }
        }
        InputStream in = gzip ? IdxReader.gzipStream(buffered, name) : buffered;
        BoundedReader reader = new BoundedReader(in, where);
        byte[] all;
        if (!gzip && fileLength >= 0) {
            // Length already checked: read it in one piece (a shorter stream is still caught).
            all = reader.readExactly((int) fileLength, true,
                    got -> "file length was " + fileLength + " but only " + got + " bytes could be read");
            reader.expectEnd(fileLength + " bytes");
        } else {
            // No header announces the size: bound the inflated stream by the record limit, the
            // compressed length and the heap, whichever is smallest, and refuse anything past it.
            long max = (long) MAX_RECORDS * RECORD_BYTES;
            String why = "the most records accepted, " + MAX_RECORDS;
            if (gzip && BoundedReader.gzipCeiling(fileLength) < max) {
                max = BoundedReader.gzipCeiling(fileLength);
                why = "the most a gzip file of " + fileLength + " bytes may inflate to at " + BoundedReader.MAX_GZIP_RATIO
                        + ":1 plus slack; more is a decompression bomb";
            }
            if (BoundedReader.heapCeiling() < max) {
                max = BoundedReader.heapCeiling();
                why = "1/" + BoundedReader.HEAP_FRACTION + " of this JVM's maximum heap; raise -Xmx";
            }
            all = reader.readAll((int) max, why);
            checkLength(where, all.length);
        }

        int n = all.length / RECORD_BYTES, size = RECORD_BYTES - 1;
        byte[] pixels = new byte[n * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int at = i * RECORD_BYTES;
            int label = all[at] & 0xff;
            if (label >= numClasses) {
                throw new DatasetFormatException(where, at, "label " + label + " of record " + i + " is out of range: expected 0.."
                        + (numClasses - 1) + " (records are 1 label byte + " + size + " pixel bytes)");
            }
            labels[i] = label;
            System.arraycopy(all, at + 1, pixels, i * size, size);
        }
        return new LabeledImages(new ImageBytes(n, CHANNELS, HEIGHT, WIDTH, pixels), labels);
    }

    private static void checkLength(String where, long length) {
        if (length == 0) throw new DatasetFormatException(where, 0, "empty: expected records of " + RECORD_BYTES + " bytes");
        long rem = length % RECORD_BYTES;
        if (rem != 0) {
            long lastStart = length - rem;
            throw new DatasetFormatException(where, lastStart, "truncated record " + lastStart / RECORD_BYTES + ": length " + length
                    + " is not a multiple of " + RECORD_BYTES + " (1 label byte + 3072 pixel bytes); the last record has only "
                    + rem + " bytes");
        }
        if (length / RECORD_BYTES > MAX_RECORDS) {
            throw new DatasetFormatException(where, (long) MAX_RECORDS * RECORD_BYTES, "more than " + MAX_RECORDS + " records");
        }
    }
}
