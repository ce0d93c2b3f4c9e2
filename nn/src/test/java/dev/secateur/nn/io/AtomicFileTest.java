package dev.secateur.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesNewFileAndLeavesNoTemporaryFile() throws Exception {
        Path f = dir.resolve("a.bin");
        AtomicFile.write(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(List.of(f), listing());
    }

    @Test
    void replacesAnExistingFile() throws Exception {
        Path f = dir.resolve("a.bin");
        Files.write(f, new byte[100]);
        AtomicFile.write(f, new byte[] {7});
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(f));
        assertEquals(List.of(f), listing());
    }

    @Test
    void failureWhileWritingKeepsTheOldFileAndRemovesTheTemporary() throws Exception {
        Path f = dir.resolve("model.safetensors");
        Files.write(f, new byte[] {42});
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write(ByteBuffer.wrap(new byte[1000]));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(f));
        assertEquals(List.of(f), listing());
    }

    @Test
    void uncheckedFailureAlsoRemovesTheTemporary() throws Exception {
        Path f = dir.resolve("x.json");
        assertThrows(IllegalStateException.class, () -> AtomicFile.write(f, out -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals(List.of(), listing());
    }

    @Test
    void failedRenameKeepsTheTargetAndRemovesTheTemporary() throws Exception {
        // A non-empty directory cannot be replaced by a file, so the final rename fails.
        Path target = dir.resolve("occupied");
        Files.createDirectory(target);
        Files.write(target.resolve("inside"), new byte[] {5});
        assertThrows(IOException.class, () -> new SafetensorsWriter().putI8("a", new int[] {1}, new byte[] {1}).write(target));
        assertEquals(List.of(target), listing());
        assertArrayEquals(new byte[] {5}, Files.readAllBytes(target.resolve("inside")));
    }

    @Test
    void missingFolderIsAnIOException() {
        assertThrows(IOException.class, () -> AtomicFile.write(dir.resolve("no/such/dir/f"), new byte[1]));
    }

    @Test
    void relativeTargetsWork() throws Exception {
        Path rel = Path.of("").toAbsolutePath().relativize(dir.resolve("rel.bin"));
        AtomicFile.write(rel, new byte[] {9});
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(dir.resolve("rel.bin")));
    }
}
