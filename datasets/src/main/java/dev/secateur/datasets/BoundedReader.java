package dev.secateur.datasets;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Reads an exact number of bytes from a stream whose length is not known in advance (a gzip
 * stream), without trusting the announced size: the buffer starts small and only doubles as data
 * actually arrives, so a forged header can never make us allocate more than about twice the bytes
 * really present. Tracks the stream offset for error messages.
 */
final class BoundedReader {
    /**
     * Most bytes a gzip file may inflate to per compressed byte. Image data compresses 2-5:1
     * (MNIST 4.7:1, CIFAR-10 ~1.1:1); Deflate can reach 1032:1, which only a decompression bomb
     * comes near.
     */
    static final long MAX_GZIP_RATIO = 256;
    /** Allowance on top of the ratio so that tiny gzip files (headers, tests) are never refused. */
    static final long GZIP_SLACK = 1 << 16;
    /**
     * Fraction of the JVM's maximum heap one file's data may take: the data is copied at least
     * once more (pixels, then floats), so a larger file would end in an OutOfMemoryError.
     */
    static final int HEAP_FRACTION = 4;

    /** First buffer size; large enough that real files need only a few doublings. */
    private static final int INITIAL_CHUNK = 1 << 20;

    private final InputStream in;
    private final String name;
    private long offset;

    BoundedReader(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    long offset() { return offset; }

    /** The most bytes a gzip file of {@code compressedLength} bytes may inflate to; unbounded when the length is unknown (-1). */
    static long gzipCeiling(long compressedLength) {
        return compressedLength < 0 ? Long.MAX_VALUE : compressedLength * MAX_GZIP_RATIO + GZIP_SLACK;
    }

    /** The most data bytes one file may hold in this JVM (see {@link #HEAP_FRACTION}). */
    static long heapCeiling() {
        return Runtime.getRuntime().maxMemory() / HEAP_FRACTION;
    }

    /**
     * Refuses anything but a regular file before opening it: opening a FIFO blocks until a writer
     * appears, and a directory or device has no meaningful length. A missing file stays a
     * {@link java.nio.file.NoSuchFileException}.
     */
    static void requireRegularFile(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            String kind = a.isDirectory() ? "a directory" : a.isOther() ? "a FIFO, socket or device" : "not a regular file";
            throw new DatasetFormatException(file.toString(), 0, "is " + kind + ", expected a regular data file");
        }
    }

    /** A big-endian 32-bit value; {@code what} describes it for the error message. */
    int readInt(String what) throws IOException {
        byte[] b = new byte[4];
        int got = fill(b, 0, 4);
        if (got < 4) {
            throw new DatasetFormatException(name, offset, "file ends inside the header: expected 4 bytes of " + what + ", found " + got);
        }
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /**
     * Exactly {@code n} bytes. {@code verified}: the caller has checked that the stream really
     * holds them (raw file length), so the buffer may be allocated at full size at once.
     * {@code describer} turns the number of bytes obtained into an explanation for a truncation
     * error.
     */
    byte[] readExactly(int n, boolean verified, Truncation describer) throws IOException {
        byte[] buf = new byte[verified ? n : Math.min(n, INITIAL_CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            int got = fill(buf, filled, buf.length - filled);
            filled += got;
            if (filled < buf.length) {
                throw new DatasetFormatException(name, offset, "truncated: " + describer.describe(filled));
            }
        }
        return buf;
    }

    /**
     * Everything up to the end of the stream, at most {@code max} bytes (more is an error).
     * Allocation stays within about twice the bytes actually read.
     */
    byte[] readAll(int max, String why) throws IOException {
        byte[] buf = new byte[Math.min(max, INITIAL_CHUNK)];
        int filled = 0;
        while (true) {
            if (filled == buf.length) {
                if (filled == max) {
                    expectEnd(max + " bytes (" + why + ")");
                    return buf;
                }
                buf = Arrays.copyOf(buf, (int) Math.min(max, 2L * buf.length));
            }
            int got = fill(buf, filled, buf.length - filled);
            filled += got;
            if (filled < buf.length) return Arrays.copyOf(buf, filled);
        }
    }

    /** Fails when any byte follows what the header announced. */
    void expectEnd(String expected) throws IOException {
        int b;
        try {
            b = in.read();
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(name, offset, "corrupt compressed data after the last record: " + e.getMessage(), e);
        }
        if (b >= 0) throw new DatasetFormatException(name, offset, "unexpected trailing data: expected end of file after " + expected);
    }

    /** Reads until {@code len} bytes or end of stream; returns the count. */
    private int fill(byte[] b, int off, int len) throws IOException {
        int total = 0;
        try {
            while (total < len) {
                int r = in.read(b, off + total, len - total);
                if (r < 0) break;
                total += r;
                offset += r;
            }
        } catch (EOFException | ZipException e) {
            // GZIPInputStream reports a cut-off or damaged stream this way.
            throw new DatasetFormatException(name, offset, "corrupt or truncated compressed data: " + e.getMessage(), e);
        }
        return total;
    }

    /** Builds the explanation of a short read from the number of bytes obtained. */
    @FunctionalInterface
    interface Truncation {
        String describe(int bytesObtained);
    }
}
