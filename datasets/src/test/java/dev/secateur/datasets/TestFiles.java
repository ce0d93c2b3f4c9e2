package dev.secateur.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX / CIFAR files for tests, independently of the main-code writer. */
final class TestFiles {
    private TestFiles() {}

    /** An IDX file: big-endian magic, dims, data. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(raw);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Random non-zero-ish bytes (never all zero). */
    static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt(256);
        if (n > 0) b[0] = 7;
        return b;
    }

    static byte[] labelsBytes(int... labels) {
        byte[] b = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) b[i] = (byte) labels[i];
        return b;
    }

    static byte[] imagesIdx(int count, int rows, int cols, long seed) {
        return idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, randomBytes(seed, count * rows * cols));
    }

    static byte[] labelsIdx(int... labels) {
        return idx(IdxReader.LABELS_MAGIC, new int[] {labels.length}, labelsBytes(labels));
    }

    /** Labels 0..classes-1 cyclically, so every class is present. */
    static int[] cyclicLabels(int n, int classes) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = i % classes;
        return l;
    }

    /** Writes the four Fashion-MNIST files (small) into {@code dir}. */
    static void fashionDir(Path dir, int train, int test, boolean gz) {
        String ext = gz ? ".gz" : "";
        byte[][] files = {imagesIdx(train, 28, 28, 1), labelsIdx(cyclicLabels(train, 10)), imagesIdx(test, 28, 28, 2),
                labelsIdx(cyclicLabels(test, 10))};
        for (int i = 0; i < 4; i++) write(dir.resolve(FashionMnist.FILES.get(i) + ext), gz ? gzip(files[i]) : files[i]);
    }

    /** A CIFAR record file: label byte + 3072 pixels per record. */
    static byte[] cifar(int[] labels, long seed) {
        int rec = CifarReader.RECORD_BYTES;
        byte[] out = new byte[labels.length * rec];
        byte[] px = randomBytes(seed, labels.length * (rec - 1));
        for (int i = 0; i < labels.length; i++) {
            out[i * rec] = (byte) labels[i];
            System.arraycopy(px, i * (rec - 1), out, i * rec + 1, rec - 1);
        }
        return out;
    }

    static byte[] truncate(byte[] b, int length) {
        return Arrays.copyOf(b, length);
    }

    /** Bytes allocated by this thread while running {@code body} (HotSpot's per-thread counter). */
    static long allocatedBy(Callable<?> body) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(id);
        try {
            body.call();
        } catch (Exception ignored) {
            // Callers assert on the exception separately; here only the allocation counts.
        }
        return mx.getThreadAllocatedBytes(id) - before;
    }
}
