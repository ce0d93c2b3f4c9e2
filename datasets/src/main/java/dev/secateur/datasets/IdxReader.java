package dev.secateur.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic number
 * {@code 0x000008NN} (unsigned bytes, NN dimensions), NN big-endian 32-bit dimensions, then the
 * bytes. Files may be gzip-compressed; compression is detected from the content, not the name.
 *
 * <p>Everything is checked before it is trusted: magic, dimension count, every dimension
 * {@code > 0}, the product against the file length (raw files) or against the bytes that actually
 * arrive (gzip, read in growing chunks), trailing data, and label range. Failures are
 * {@link DatasetFormatException}s naming the file, the byte offset and what was expected.
 */
public final class IdxReader {
    /** Magic of an image file: unsigned bytes, 3 dimensions (count, rows, columns). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of a label file: unsigned bytes, 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Largest Java array; the data of one file must fit in one {@code byte[]}. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /** Reads an image file ({@code .gz} or raw) as {@code count x 1 x rows x cols} bytes. */
    public static ImageBytes readImages(Path file) throws IOException {
        BoundedReader.requireRegularFile(file);
        try (InputStream in = Files.newInputStream(file)) {
            return readImages(in, file.toString(), Files.size(file));
        }
    }

    /**
     * Reads an image file from a stream. {@code fileLength} is the stream's length when known
     * (checked against the header before reading), or -1 (then data is read in bounded chunks).
     */
    public static ImageBytes readImages(InputStream in, String name, long fileLength) throws IOException {
        Payload p = read(in, name, fileLength, IMAGES_MAGIC, "image");
        int count = p.dims[0], rows = p.dims[1], cols = p.dims[2];
        return new ImageBytes(count, 1, rows, cols, p.bytes);
    }

    /** Reads a label file ({@code .gz} or raw); every label must be in {@code [0, numClasses)}. */
    public static int[] readLabels(Path file, int numClasses) throws IOException {
        BoundedReader.requireRegularFile(file);
        try (InputStream in = Files.newInputStream(file)) {
            return readLabels(in, file.toString(), Files.size(file), numClasses);
        }
    }

    /** Reads a label file from a stream; see {@link #readImages(InputStream, String, long)}. */
    public static int[] readLabels(InputStream in, String name, long fileLength, int numClasses) throws IOException {
        if (numClasses <= 0 || numClasses > 256) throw new IllegalArgumentException("numClasses must be in 1..256, got " + numClasses);
        Payload p = read(in, name, fileLength, LABELS_MAGIC, "label");
        int headerBytes = 8; // magic + one dimension
        int[] labels = new int[p.bytes.length];
        for (int i = 0; i < labels.length; i++) {
            int v = p.bytes[i] & 0xff;
            if (v >= numClasses) {
                throw new DatasetFormatException(p.where(), headerBytes + i,
                        "label " + v + " of item " + i + " is out of range: expected 0.." + (numClasses - 1));
            }
            labels[i] = v;
        }
        return labels;
    }

    /** The header dimensions, the data, and the name to use in error messages. */
    private record Payload(int[] dims, byte[] bytes, String where) {}

    /** A validated header: dimensions, header length and data length (their product). */
    private record Header(int[] dims, long headerBytes, long dataBytes, String kind) {
        String dimText() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < dims.length; i++) sb.append(i > 0 ? "x" : "").append(Integer.toUnsignedLong(dims[i]));
            return sb.toString();
        }

        /** Where a stream that ends after {@code got} data bytes stopped, in items. */
        String insideItem(long got) {
            return "inside " + kind + " " + got / (dataBytes / dims[0]) + " of " + dims[0];
        }
    }

    private static Payload read(InputStream raw, String name, long fileLength, int magic, String kind) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        boolean gzip = isGzip(buffered);
        String where = gzip ? name + " (decompressed)" : name;
        BoundedReader r = new BoundedReader(gzip ? gzipStream(buffered, name) : buffered, where);
        Header h = readHeader(r, where, magic, kind);
        // A raw file's length is known: compare before allocating anything sized by the header.
        boolean lengthKnown = !gzip && fileLength >= 0;
        if (lengthKnown) checkLength(where, h, fileLength);
        long total = h.headerBytes() + h.dataBytes();
        if (gzip && total > BoundedReader.gzipCeiling(fileLength)) {
            throw new DatasetFormatException(where, r.offset(), "header declares " + h.dimText() + " = " + h.dataBytes()
                    + " data bytes, but a gzip file of " + fileLength + " bytes may inflate to at most "
                    + BoundedReader.gzipCeiling(fileLength) + " (" + BoundedReader.MAX_GZIP_RATIO
                    + ":1 plus slack; more is a decompression bomb)");
        }
        long heap = BoundedReader.heapCeiling();
        if (h.dataBytes() > heap) {
            throw new DatasetFormatException(where, r.offset(), "header declares " + h.dimText() + " = " + h.dataBytes()
                    + " data bytes, more than the " + heap + " this JVM can hold (1/" + BoundedReader.HEAP_FRACTION
                    + " of its maximum heap; raise -Xmx)");
        }
        byte[] bytes = r.readExactly((int) h.dataBytes(), lengthKnown, got -> "header declares " + h.dimText() + " = " + h.dataBytes()
                + " data bytes, the data ends after " + got + " (" + h.insideItem(got) + ")");
        r.expectEnd(h.dataBytes() + " data bytes (" + h.dimText() + ")");
        return new Payload(h.dims(), bytes, where);
    }

    /** Magic, then each dimension: non-zero, and the running product within one array. */
    private static Header readHeader(BoundedReader r, String where, int magic, String kind) throws IOException {
        int found = r.readInt("magic number");
        if (found != magic) {
            throw new DatasetFormatException(where, 0, String.format(
                    "bad magic number 0x%08X: expected 0x%08X (IDX %s file: unsigned bytes, %d dimension%s)",
                    found, magic, kind, magic & 0xff, (magic & 0xff) == 1 ? "" : "s"));
        }
        int[] dims = new int[magic & 0xff];
        long product = 1;
        for (int i = 0; i < dims.length; i++) {
            long dimOffset = r.offset();
            long d = Integer.toUnsignedLong(r.readInt("dimension " + i));
            if (d == 0 || d > MAX_BYTES) {
                throw new DatasetFormatException(where, dimOffset, "dimension " + i + " is " + d + ": expected 1.." + MAX_BYTES);
            }
            dims[i] = (int) d;
            product *= d;
            if (product > MAX_BYTES) {
                String declared = new Header(Arrays.copyOf(dims, i + 1), 0, 0, kind).dimText();
                throw new DatasetFormatException(where, dimOffset,
                        "dimensions " + declared + " declare more than " + MAX_BYTES + " bytes (the most one array holds)");
            }
        }
        return new Header(dims, r.offset(), product, kind);
    }

    private static void checkLength(String where, Header h, long fileLength) {
        long expected = h.headerBytes() + h.dataBytes();
        if (fileLength < expected) {
            long got = Math.max(0, fileLength - h.headerBytes());
            throw new DatasetFormatException(where, fileLength, "truncated: header declares " + h.dimText() + " = " + h.dataBytes()
                    + " data bytes, so the file should have " + expected + " bytes, but it ends at " + fileLength + " ("
                    + h.insideItem(got) + ")");
        }
        if (fileLength > expected) {
            throw new DatasetFormatException(where, expected, "unexpected trailing data: header declares " + h.dimText()
                    + " so the file should end at " + expected + ", but it has " + fileLength + " bytes");
        }
    }

    /** Peeks at the first two bytes: gzip starts with 0x1f 0x8b, IDX with 0x00 0x00. */
    static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    static InputStream gzipStream(InputStream in, String name) throws IOException {
        try {
            return new GZIPInputStream(in, 1 << 16);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new DatasetFormatException(name, 0, "corrupt gzip header: " + e.getMessage(), e);
        }
    }
}
