package dev.secateur.nn.io;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Child-process entry point for {@link AtomicFileKillTest}: replaces {@code args[0]} through
 * {@link AtomicFile} with {@code args[1]} bytes of value {@code args[2]}, slowly, so that the
 * parent can kill it at any point of the write.
 */
public final class SlowAtomicWriter {
    private SlowAtomicWriter() {}

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        long total = Long.parseLong(args[1]);
        byte value = Byte.parseByte(args[2]);
        byte[] chunk = new byte[1 << 16];
        Arrays.fill(chunk, value);
        System.out.println("started");
        System.out.flush();
        AtomicFile.write(target, out -> {
            for (long left = total; left > 0; left -= chunk.length) {
                AtomicFile.writeFully(out, ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, left)));
                try {
                    Thread.sleep(3);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }
}
