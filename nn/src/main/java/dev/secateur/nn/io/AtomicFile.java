package dev.secateur.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file atomically: the content goes to a temporary file in the same folder, is forced
 * to disk, and is then renamed over the target. Readers see either the old file or the complete
 * new one, never a partial write; on any failure the temporary file is deleted and the old file
 * is left untouched.
 */
public final class AtomicFile {
    /** Writes content to a channel; used to stream large files without building them in memory. */
    @FunctionalInterface
    public interface Content {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    private AtomicFile() {}

    /** Atomically replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> writeFully(out, ByteBuffer.wrap(bytes)));
    }

    /** Atomically replaces {@code target} with whatever {@code content} writes. */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        String name = absolute.getFileName().toString();
        // A dot prefix keeps the temporary file out of casual directory listings and globs.
        // Not createTempFile: its 0600 mode would stick to the result; CREATE_NEW keeps the umask.
        Path temp = dir.resolve("." + name + "." + Long.toHexString(System.nanoTime()) + "." + ProcessHandle.current().pid() + ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                content.writeTo(ch);
                ch.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Only file systems without rename(2) semantics get here; replacing is still better than failing.
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(temp);
        }
    }

    /** Writes all remaining bytes of {@code buf} (a channel may accept fewer per call). */
    static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, so failures are ignored. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the file content is already durable; only the directory entry may lag on such platforms
        }
    }
}
