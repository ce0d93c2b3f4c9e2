package dev.secateur.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replaces a file atomically: the content goes to a temporary file in the same folder, is forced
 * to disk, and is then renamed over the target. Readers see either the old file or the complete
 * new one, never a partial write; on any failure the temporary file is deleted and the old file
 * is left untouched. A process killed mid-write cannot delete its temporary file; the next save of
 * the same target does, once no live process has that pid.
 */
public final class AtomicFile {
    /** Writes content to a channel; used to stream large files without building them in memory. */
    @FunctionalInterface
    public interface Content {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /** Marks a temporary file as ours: {@code .NAME} + this + {@code <pid>-<n>}. */
    static final String TEMP_MARKER = ".secateur-tmp-";
    private static final AtomicLong COUNTER = new AtomicLong();

    private AtomicFile() {}

    /** Atomically replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> writeFully(out, ByteBuffer.wrap(bytes)));
    }

    /**
     * Atomically replaces {@code target} with whatever {@code content} writes. Temporary files
     * of the same target left by a process that no longer runs (killed mid-write) are deleted
     * first.
     */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        String name = absolute.getFileName().toString();
        deleteStaleTemps(dir, name);
        // A dot prefix keeps the temporary file out of casual directory listings and globs; the
        // pid in the name tells a later run whether its writer is still alive.
        // Not createTempFile: its 0600 mode would stick to the result; CREATE_NEW keeps the umask.
        Path temp = dir.resolve(tempPrefix(name) + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
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
        } catch (Throwable t) {
            if (!done) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException | RuntimeException cleanup) {
                    t.addSuppressed(cleanup);
                }
            }
            throw t;
        }
    }

    static String tempPrefix(String targetName) {
        return "." + targetName + TEMP_MARKER;
    }

    /**
     * Deletes the temporary files of {@code name} whose writing process is gone: ours
     * ({@code .NAME.secateur-tmp-<pid>-<n>}) and those of the earlier naming
     * ({@code .NAME.<hex>.<pid>.tmp}). A file whose pid is alive may be a save in progress and
     * is kept; so is any file the scan cannot read or delete (the save itself does not need it gone).
     */
    static void deleteStaleTemps(Path dir, String name) {
        String ours = tempPrefix(name);
        String legacy = "." + name + ".";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(legacy))) {
            for (Path p : entries) {
                String file = p.getFileName().toString();
                long pid = -1;
                if (file.startsWith(ours)) {
                    String rest = file.substring(ours.length());
                    int dash = rest.indexOf('-');
                    if (dash > 0 && rest.substring(dash + 1).matches("[0-9]+")) pid = parsePid(rest.substring(0, dash));
                } else if (file.endsWith(".tmp")) {
                    String[] parts = file.substring(legacy.length(), file.length() - 4).split("\\.");
                    if (parts.length == 2 && parts[0].matches("[0-9a-f]+")) pid = parsePid(parts[1]);
                }
                if (pid <= 0 || pid == ProcessHandle.current().pid()) continue;
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // another save may have removed it, or it is not ours to delete; the save proceeds
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // an unreadable directory fails the save itself with a clearer message
        }
    }

    private static long parsePid(String s) {
        if (!s.matches("[0-9]{1,18}")) return -1;
        return Long.parseLong(s);
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
