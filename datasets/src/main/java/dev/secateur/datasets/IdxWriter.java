package dev.secateur.datasets;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes unsigned-byte IDX files (the inverse of {@link IdxReader}), optionally gzipped, atomically:
 * a temporary file in the same directory is written, forced to disk, then renamed over the target.
 * Used by {@link SampleMaker}.
 */
public final class IdxWriter {
    private IdxWriter() {}

    /** Writes images as an IDX3 file ({@code count x rows x cols}); single-channel only. */
    public static void writeImages(Path file, ImageBytes images, boolean gzip) throws IOException {
        if (images.channels() != 1) throw new IllegalArgumentException("IDX image files hold one channel, got " + images.channels());
        write(file, IdxReader.IMAGES_MAGIC, new int[] {images.count(), images.height(), images.width()}, images.pixels(), gzip);
    }

    /** Writes labels (each 0..255) as an IDX1 file. */
    public static void writeLabels(Path file, int[] labels, boolean gzip) throws IOException {
        byte[] bytes = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException("label " + labels[i] + " at " + i + " does not fit a byte");
            }
            bytes[i] = (byte) labels[i];
        }
        write(file, IdxReader.LABELS_MAGIC, new int[] {labels.length}, bytes, gzip);
    }

    private static void write(Path file, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Our own temp name (not createTempFile, whose 0600 mode would stick to the result).
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                OutputStream raw = Channels.newOutputStream(ch);
                // GZIPOutputStream writes a zero timestamp, so the same data gives the same bytes.
                OutputStream body = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(body, 1 << 16));
                out.writeInt(magic);
                for (int d : dims) out.writeInt(d);
                out.write(data);
                out.flush();
                if (body instanceof GZIPOutputStream g) g.finish();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
