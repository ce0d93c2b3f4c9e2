package dev.secateur.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM at random points while it saves through {@link AtomicFile}: the target must
 * always be the old file or the complete new one, and the next save must leave no temporary file.
 */
class AtomicFileKillTest {
    private static final int SIZE = 6 << 20;

    @TempDir
    Path dir;

    private List<Path> temps(String name) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + name + ".")).toList();
        }
    }

    /** The file's length and its single repeated byte value; fails when the bytes are not uniform. */
    private static int uniformValue(Path p, int expectedLength) throws IOException {
        byte[] b = Files.readAllBytes(p);
        assertEquals(expectedLength, b.length, "the target is a partial file");
        for (byte x : b) if (x != b[0]) fail("the target mixes old and new content");
        return b[0];
    }

    @Test
    void killedSavesLeaveOldOrNewFileAndTheNextSaveCleansUp() throws Exception {
        Path target = dir.resolve("model.safetensors");
        byte[] old = new byte[SIZE];
        java.util.Arrays.fill(old, (byte) 1);
        AtomicFile.write(target, old);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        SplittableRandom rng = new SplittableRandom(42);
        int current = 1;
        boolean sawStale = false;
        for (int round = 0; round < 4; round++) {
            int value = 10 + round;
            Process child = new ProcessBuilder(java, "-cp", cp, SlowAtomicWriter.class.getName(), target.toString(),
                    Integer.toString(SIZE), Integer.toString(value)).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            assertEquals("started", out.readLine(), "the child did not start");
            // The write takes ~96 chunks x 3 ms; the last round waits long enough for it to finish.
            Thread.sleep(round == 3 ? 3000 : 20 + rng.nextInt(250));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            int got = uniformValue(target, SIZE);
            assertTrue(got == current || got == value, "target holds " + got + ", expected " + current + " or " + value);
            current = got;
            sawStale |= !temps("model.safetensors").isEmpty();
        }
        assertTrue(sawStale, "no kill landed inside a write; the test proves nothing");
        byte[] next = new byte[] {7, 7, 7};
        AtomicFile.write(target, next);
        assertEquals(List.of(), temps("model.safetensors"));
        assertEquals(7, uniformValue(target, 3));
    }

    @Test
    void tempFilesOfLiveProcessesAndOtherTargetsAreKept() throws Exception {
        Path target = dir.resolve("a.bin");
        long me = ProcessHandle.current().pid();
        Path live = dir.resolve(AtomicFile.tempPrefix("a.bin") + me + "-1");
        Path dead = dir.resolve(AtomicFile.tempPrefix("a.bin") + 999_999_999L + "-1");
        Path legacyDead = dir.resolve(".a.bin.1f2e." + 999_999_999L + ".tmp");
        Path other = dir.resolve(AtomicFile.tempPrefix("b.bin") + 999_999_999L + "-1");
        for (Path p : List.of(live, dead, legacyDead, other)) Files.write(p, new byte[1]);
        AtomicFile.write(target, new byte[] {1});
        assertTrue(Files.exists(live));
        assertTrue(Files.notExists(dead));
        assertTrue(Files.notExists(legacyDead));
        assertTrue(Files.exists(other));
    }

    @Test
    void aFailingWriteRemovesItsTempFile() throws Exception {
        Path target = dir.resolve("c.bin");
        Files.write(target, new byte[] {5});
        try {
            AtomicFile.write(target, out -> {
                AtomicFile.writeFully(out, java.nio.ByteBuffer.wrap(new byte[100]));
                throw new IllegalStateException("boom");
            });
            fail("the write should have failed");
        } catch (IllegalStateException expected) {
            // the failure itself is the point
        }
        assertEquals(List.of(), temps("c.bin"));
        assertEquals(5, Files.readAllBytes(target)[0]);
    }
}
